// Browse Files: an old sync's whole tree, read-only and offline, in the Sync Files view; a file
// that no longer exists on the branch opens as that sync saw it. Go to File in Sync… opens a file
// of the browsed sync from a QuickPick. A file whose content was never fetched says so when opened
// and offers to fetch it; Fetch brings it into the open editor. A restore has something to show: Browse
// Files on the restore's row, and Go to File in Sync… on the active sync, show the restored tree.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, ui } from './support/bridge';
import { answerNextModal, historyContextMenu, projectSync, shortSha, waitForHistory } from './support/scenarios';
import { chooseMenuItem, openRowMenu, paneRows, rowLabelled, waitForEditor } from './support/views';
import { openViewContainer, pickQuickItem, runCommand, waitForTreeRow } from './support/workbench';

const BROWSE_SCHEME = 'projectsync-browse';
const TOAST = '.notifications-toasts .notification-toast';

/**
 * A file only an older sync has: committed and synced (`old`), then removed and synced again
 * (`now`), with History showing the newest row. Returns the two syncs, the file's path and content.
 */
async function olderSyncOnlyFile(prefix: string): Promise<{ old: SyncRecordLike; now: SyncRecordLike; name: string; content: string; label: string }> {
  const api = await projectSync();
  const stamp = Date.now().toString(36);
  const name = `${prefix}-${stamp}.md`;
  const content = `# ${prefix} ${stamp}\n\nOnly the older sync has this file.\n`;
  await fixture('commit', { changes: { [`archive/${name}`]: content }, message: `Add ${name}` });
  const old = await api.sync('main');
  await fixture('commit', { changes: { [`archive/${name}`]: null }, message: `Remove ${name}` });
  const now = await api.sync('main');
  assert.equal(now.stats.removed, 1);
  await openViewContainer('Project Sync');
  // The newest row first: a right-click while the tree inserts it could land on it instead.
  await waitForTreeRow('History', `main @ ${shortSha(now.commitSha ?? '')}`);
  return { old, now, name, content, label: `main @ ${shortSha(old.commitSha ?? '')}` };
}

type SyncRecordLike = Awaited<ReturnType<Awaited<ReturnType<typeof projectSync>>['sync']>>;

/** Resolves once `document`'s text satisfies `predicate`, waiting on document changes. */
function waitForText(document: vscode.TextDocument, predicate: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (predicate(document.getText())) return resolve(document.getText());
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== document || !predicate(document.getText())) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(document.getText());
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`${what}: not within ${timeoutMs} ms; the document holds ${JSON.stringify(document.getText().slice(0, 200))}`));
    }, timeoutMs);
  });
}

suite('Browse Files of an old sync', function () {
  suiteSetup(function () {
    requireUi(this);
  });
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a file removed from the branch since opens read-only as the old sync saw it; Go to File finds another', async () => {
    const { old, name, content, label } = await olderSyncOnlyFile('gone');
    await openRowMenu(rowLabelled('History', label));
    await chooseMenuItem('Browse Files');
    await ui.waitFor({ selector: '.part.sidebar .pane-header', hasText: 'Sync Files' });
    await ui.waitFor({ selector: '.part.sidebar .pane', hasText: `${label}, synced` });
    await ui.click({ selector: paneRows('Sync Files'), exactText: 'archive' });
    await ui.click({ selector: paneRows('Sync Files'), hasText: name });

    const editor = await waitForEditor((e) => e.document.uri.scheme === BROWSE_SCHEME && e.document.uri.path.endsWith(name), name);
    assert.equal(editor.document.getText(), content);
    assert.equal(editor.document.uri.authority, old.id, 'the file of the old sync');
    await ui.waitFor({ selector: '.tabs-container .tab', hasText: name });
    const stat = await vscode.workspace.fs.stat(editor.document.uri);
    assert.ok((stat.permissions ?? 0) & vscode.FilePermission.Readonly, 'read-only');
    const files = (await vscode.workspace.fs.readDirectory(vscode.Uri.from({ scheme: BROWSE_SCHEME, authority: old.id, path: '/archive' }))).map(([n]) => n);
    assert.ok(files.includes(name), files.join(', '));

    await runCommand('Project Sync: Go to File in Sync…');
    await ui.waitFor({ selector: '.quick-input-widget', hasText: `Go to File in ${label}` });
    await ui.type('README');
    await pickQuickItem('README.md');
    const readme = await waitForEditor((e) => e.document.uri.scheme === BROWSE_SCHEME && e.document.uri.path === '/README.md', 'README.md');
    assert.equal(readme.document.uri.authority, old.id);
    assert.match(readme.document.getText(), /# Atlas/);
    await waitForTreeRow('Sync Files', 'archive');
    await vscode.commands.executeCommand('projectSync.closeBrowse');
    await ui.waitGone({ selector: '.part.sidebar .pane-header', hasText: 'Sync Files' });
  });

  test('a file whose content was never fetched says so when opened, and Fetch brings its content into the editor', async function () {
    this.timeout(120_000);
    const api = await projectSync();
    const stamp = Date.now().toString(36);
    const name = `large-${stamp}.txt`;
    const line = `${stamp}: a line of a file over the size limit\n`;
    const content = line.repeat(Math.ceil(4096 / line.length));
    // Without a git binary (the portable path) the first sync of a branch lists the tree over REST
    // and downloads only the content it indexes: a file over projectSync.maxFileSize is listed but
    // never fetched. (A later sync of a branch whose base the cache holds fetches a pack instead.)
    const branch = `large/${stamp}`;
    await vscode.workspace.getConfiguration('git').update('path', 'none', vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('projectSync').update('maxFileSize', 1024, vscode.ConfigurationTarget.Global);
    try {
      await fixture('createBranch', { name: branch, from: 'main' });
      await fixture('commit', { branch, changes: { [`assets/${name}`]: content }, message: `Add ${name}` });
      const record = await api.sync(branch);
      assert.ok(!record.stats.contentSource.includes('pack'), `no pack transfer on the portable path (${record.stats.contentSource})`);
      const label = `${branch} @ ${shortSha(record.commitSha ?? '')}`;

      await openViewContainer('Project Sync');
      await openRowMenu(rowLabelled('History', label));
      await chooseMenuItem('Browse Files');
      await ui.waitFor({ selector: '.part.sidebar .pane', hasText: `${label}, synced` });
      await ui.click({ selector: paneRows('Sync Files'), exactText: 'assets' });
      await ui.click({ selector: paneRows('Sync Files'), hasText: name });

      const editor = await waitForEditor((e) => e.document.uri.scheme === BROWSE_SCHEME && e.document.uri.path.endsWith(name), name);
      assert.equal(editor.document.uri.authority, record.id);
      assert.match(editor.document.getText(), /never fetched/);
      await ui.waitFor({ selector: '.part.editor .view-lines', hasText: 'it was never fetched' });
      const toast = await ui.waitFor({ selector: TOAST, hasText: name });
      assert.match(toast, /was never fetched\. Fetch it from GitHub\?/, toast);
      await ui.click({ selector: `${TOAST} .monaco-button`, exactText: 'Fetch' });

      await waitForText(editor.document, (text) => text === content, `the fetched content of ${name}`);
      await ui.waitFor({ selector: '.part.editor .view-lines', hasText: `${stamp}: a line of a file over the size limit` });
      await ui.waitGone({ selector: TOAST, hasText: name });
    } finally {
      await vscode.workspace.getConfiguration('git').update('path', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('projectSync').update('maxFileSize', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('projectSync.closeBrowse');
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });

  test('after restoring an older sync, Browse Files on the restore\'s row and Go to File on the active sync show the restored tree', async () => {
    const { old, name, content, label } = await olderSyncOnlyFile('restored');
    const asked = answerNextModal('Restore');
    await historyContextMenu(label, 'Restore This Sync');
    await asked;
    const history = await waitForHistory((h) => h[0]?.kind === 'restore' && h[0].status === 'completed' && h[0].restoredFromSyncId === old.id, 'the restore record');
    const restore = history[0];
    assert.ok(restore);
    assert.equal((await (await projectSync()).getActiveSync())?.id, restore.id, 'the restore is the active sync');

    // The restore's own row (its label is the restored sync's; its description says "restore").
    await openRowMenu({ selector: `${paneRows('History')}:has-text("restore ·") .label-name`, exactText: label });
    await chooseMenuItem('Browse Files');
    await ui.waitFor({ selector: '.part.sidebar .pane', hasText: `${label}, restored` });
    await ui.click({ selector: paneRows('Sync Files'), exactText: 'archive' });
    await ui.click({ selector: paneRows('Sync Files'), hasText: name });
    const editor = await waitForEditor((e) => e.document.uri.scheme === BROWSE_SCHEME && e.document.uri.path.endsWith(name), name);
    assert.equal(editor.document.uri.authority, restore.id, 'the file of the restore');
    assert.equal(editor.document.getText(), content);
    await vscode.commands.executeCommand('projectSync.closeBrowse');
    await ui.waitGone({ selector: '.part.sidebar .pane-header', hasText: 'Sync Files' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // Go to File in Sync… with nothing browsed: the active sync, which is the restore.
    await runCommand('Project Sync: Go to File in Sync…');
    await ui.waitFor({ selector: '.quick-input-widget', hasText: `Go to File in ${label}` });
    await ui.type(name);
    await pickQuickItem(name);
    const reopened = await waitForEditor((e) => e.document.uri.scheme === BROWSE_SCHEME && e.document.uri.path === `/archive/${name}`, `archive/${name}`);
    assert.equal(reopened.document.uri.authority, restore.id);
    assert.equal(reopened.document.getText(), content);
  });
});
