// The History view as a user meets it: rows grouped by branch with no-change resyncs folded into
// the row they repeat, each row naming what it was compared with, Compare with Active in the
// multi-file diff editor, a large sync expanding lazily as folders (behind a filter), the context
// menu of a failed attempt and what Copy Error copies, the rows' tooltips as the hover shows them,
// and ages that move on by themselves.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SyncRecord } from '../../src/core/types';
import { fixture, requireUi, ui } from './support/bridge';
import { changeText, ensureActiveAt, projectSync, shortSha, showSyncView, testHooks } from './support/scenarios';
import { chooseMenuItem, openRowMenu, paneRows, rowLabelled, waitForTab } from './support/views';
import { expandTreeRow, openViewContainer, runCommand, treeRows, waitForTreeRow } from './support/workbench';

const HISTORY = paneRows('History');
const label = (r: SyncRecord): string => `${r.branch} @ ${shortSha(r.commitSha ?? '')}`;

/** A sync of a branch the remote does not have: its failed record. */
async function failedAttempt(): Promise<SyncRecord & { error: NonNullable<SyncRecord['error']> }> {
  const api = await projectSync();
  const branch = `missing-${Date.now().toString(36)}`;
  await assert.rejects(api.sync(branch));
  const record = (await api.getHistory()).find((r) => r.branch === branch && r.status === 'failed');
  assert.ok(record?.error, `a failed record for ${branch}`);
  return { ...record, error: record.error };
}

/** The attempt's row (the branch row above it names the branch too). */
const attemptRow = (branch: string) => ({ selector: HISTORY, hasText: branch, nth: 1 });

/** The row showing `text` (e.g. the newest sync's label), as a selector a text filter can be added to. */
const rowWith = (text: string): string => `${HISTORY}:has-text(${JSON.stringify(text)})`;

const HOVER = '.monaco-hover';

/** Hovers a row and returns the text of the tooltip once it shows `expect`. */
async function tooltipOf(row: Parameters<typeof ui.hover>[0], expect: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ui.hover(row);
      // Markdown text keeps its spaces as no-break spaces: compare what reads the same.
      return (await ui.waitFor({ selector: HOVER, hasText: expect }, 5000)).replace(/\u00a0/g, ' ');
    } catch (err) {
      // A tree refresh can re-render the row under a still pointer: leave it and hover again.
      if (attempt >= 4) throw err;
      await ui.hover('.part.statusbar');
    }
  }
}

/** Polls the clipboard (it has no change event) until `predicate` holds. */
async function waitForClipboard(predicate: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await vscode.env.clipboard.readText();
    if (predicate(text)) return text;
    if (Date.now() > deadline) throw new Error(`clipboard still holds ${JSON.stringify(text)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a row must say it was compared with (describeBase without the age). */
async function comparedWith(record: SyncRecord): Promise<string> {
  if (!record.baseSyncId) return `first sync of ${record.branch}`;
  const base = (await (await projectSync()).getHistory()).find((r) => r.id === record.baseSyncId);
  assert.ok(base?.commitSha, 'the base is in the history');
  return `compared with ${base.branch} @ ${shortSha(base.commitSha)}`;
}

suite('History: grouped by branch, folded resyncs, bases, multi-file diffs', function () {
  let older: SyncRecord | undefined;

  suiteSetup(function () {
    requireUi(this);
  });
  teardown(async () => {
    await vscode.commands.executeCommand('projectSync.clearHistoryFilter');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    (await testHooks()).clock.reset();
  });

  test('a no-change resync folds into the row it repeats; rows sit under their branch and name their base', async () => {
    const api = await projectSync();
    const stamp = Date.now().toString(36);
    await fixture('commit', { changes: { [`notes/history-${stamp}.md`]: `# ${stamp}\n` }, message: `History ${stamp}` });
    const first = await api.sync('main');
    const again = await api.sync('main');
    assert.equal(again.commitSha, first.commitSha);
    assert.deepEqual([again.stats.added, again.stats.modified, again.stats.removed, again.baseSyncId], [0, 0, 0, first.id]);
    const feature = await api.sync('feature/search');
    older = first;

    await showSyncView();
    await ui.waitFor(rowLabelled('History', label(first)));
    await waitForTreeRow('History', 'checked 2×');
    // The tree refreshes on each commit's event: read it once it shows the last sync (feature/search active).
    let rows: string[] = [];
    for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      rows = await treeRows('History');
      if (rows.some((r) => r.startsWith('feature/search') && !r.includes('@') && r.includes('active'))) break;
    }
    const row = rows.find((r) => r.startsWith(label(first))) ?? '';
    const mainRows = rows.filter((r) => r.includes(label(first)));
    assert.equal(mainRows.length, 1, `one row for the commit and its resync: ${rows.join(' | ')}`);
    assert.match(mainRows[0] ?? '', /checked 2×/);
    assert.ok(row.includes(await comparedWith(first)), `the row names its base: ${row}`);
    assert.ok(row.includes(changeText(first.stats)), `the row keeps the sync's own changes: ${row}`);

    // Branch rows group the syncs: the branch synced last comes first, the active mark on it.
    const branchRows = rows.filter((r) => !r.includes('@'));
    const featureIndex = rows.findIndex((r) => r.startsWith('feature/search') && !r.includes('@'));
    const mainIndex = rows.findIndex((r) => r.startsWith('main') && !r.includes('@'));
    assert.ok(featureIndex >= 0 && mainIndex > featureIndex, `branch rows: ${branchRows.join(' | ')}`);
    assert.match(rows[featureIndex] ?? '', /active/);
    const featureRow = rows[featureIndex + 1] ?? '';
    assert.ok(featureRow.includes(label(feature)), `the newest feature/search sync sits under its branch: ${featureRow}`);
    assert.ok(featureRow.includes(await comparedWith(feature)), featureRow);
  });

  test('Compare with Active opens the multi-file diff editor between that sync and the active one', async () => {
    const api = await projectSync();
    assert.ok(older, 'the previous test synced main');
    const active = await api.getActiveSync();
    assert.ok(active && active.id !== older.id);
    await openViewContainer('Project Sync');
    const entries = await openRowMenu(rowLabelled('History', label(older)));
    assert.ok(entries.includes('Compare with Active') && entries.includes('Show All Changes') && entries.includes('Browse Files'), entries.join(', '));
    await chooseMenuItem('Compare with Active');
    const title = `${label(older)} ↔ active ${label(active)}`;
    // VS Code appends the file count to the title: "… (2 files)".
    const tab = await waitForTab((t) => t.label.startsWith(title), title);
    const multiDiff = (vscode as unknown as { TabInputTextMultiDiff?: new (...a: never[]) => unknown }).TabInputTextMultiDiff;
    if (multiDiff) assert.ok(tab.input instanceof multiDiff, 'a multi-file diff editor');
    else assert.ok(!(tab.input instanceof vscode.TabInputTextDiff) && !(tab.input instanceof vscode.TabInputText), 'not a one-file editor');
    await ui.waitFor({ selector: '.tabs-container .tab', hasText: '↔ active' });

    // Show All Changes: the sync's own changes against its base, in the same editor.
    await openRowMenu(rowLabelled('History', label(older)));
    await chooseMenuItem('Show All Changes');
    const own = `${label(older)} (${await comparedWith(older)}`;
    await waitForTab((t) => t.label.startsWith(own), own);
    await ui.screenshot('history-multi-diff');
  });

  test('a sync of thousands of changes expands lazily as folders, a page at a time', async function () {
    this.timeout(180_000);
    const api = await projectSync();
    const stamp = Date.now().toString(36);
    const root = `bulk-${stamp}`;
    // On a branch of its own, so the suite's other tests keep syncing a small main.
    const branch = `bulk/${stamp}`;
    await fixture('createBranch', { name: branch, from: 'main' });
    await api.sync(branch);
    const changes: Record<string, string> = {};
    for (let i = 0; i < 2500; i++) changes[`${root}/flat/f${String(i).padStart(5, '0')}.txt`] = `${stamp} ${i}\n`;
    for (let i = 0; i < 500; i++) changes[`${root}/nested/d${i % 10}/g${i}.txt`] = `${stamp} nested ${i}\n`;
    await fixture('commit', { changes, branch, message: `Bulk ${stamp}` });
    const big = await api.sync(branch);
    assert.equal(big.stats.added, 3000);

    await openViewContainer('Project Sync');
    await runCommand('Project Sync: Filter History…');
    await ui.waitFor({ selector: '.quick-input-widget', hasText: 'Show syncs whose' });
    await ui.type(shortSha(big.commitSha ?? ''));
    await ui.press('Enter');
    await ui.waitFor({ selector: '.part.sidebar .pane', hasText: 'Filtered by' });
    await ui.waitGone({ selector: HISTORY, hasText: 'feature/search' });

    // Expanding the sync shows one folder row (3,000 changes below it), not 3,000 rows.
    await expandTreeRow('History', label(big));
    const folder = await waitForTreeRow('History', root);
    assert.match(folder, /3,000 changes/);
    const rows = await treeRows('History');
    assert.equal(rows.length, 3, `branch, sync, folder: ${rows.join(' | ')}`);

    await expandTreeRow('History', root);
    assert.match(await waitForTreeRow('History', 'flat'), /2,500 changes/);
    assert.match(await waitForTreeRow('History', 'nested'), /500 changes/);
    await expandTreeRow('History', '2,500 changes');
    await waitForTreeRow('History', 'f00000.txt');
    // The folder lists its first page; its last row offers the rest.
    await ui.press('End');
    const more = await waitForTreeRow('History', 'Show all changes…');
    assert.match(more, /2,300 more in this folder/);
    assert.equal((await treeRows('History')).filter((r) => r.includes('f02499.txt')).length, 0, 'files past the page are not listed');
    await ui.screenshot('history-large-sync');
    await vscode.commands.executeCommand('workbench.actions.treeView.projectSync.history.collapseAll');
  });

  test('a failed attempt offers Retry, Show Log and Copy Error', async () => {
    const api = await projectSync();
    const branch = `missing-${Date.now().toString(36)}`;
    await assert.rejects(api.sync(branch));
    await openViewContainer('Project Sync');
    // The branch row and the attempt's row both name the branch; the attempt's says "failed".
    await ui.waitFor({ selector: HISTORY, hasText: branch, nth: 1 });
    const entries = await openRowMenu({ selector: HISTORY, hasText: branch, nth: 1 });
    for (const e of ['Retry', 'Show Log', 'Copy Error']) assert.ok(entries.includes(e), `${e} in ${entries.join(', ')}`);
    assert.ok(!entries.includes('Restore This Sync'), entries.join(', '));
    await chooseMenuItem('Show Log');
    await ui.waitFor({ selector: '.part.panel .composite.title', hasText: 'Output' });
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  test('Copy Error puts the failed attempt\'s error on the clipboard', async () => {
    const failed = await failedAttempt();
    const before = `(nothing copied yet ${Date.now()})`;
    await vscode.env.clipboard.writeText(before);
    assert.equal(await vscode.env.clipboard.readText(), before, 'the window\'s clipboard can be read back');
    await openViewContainer('Project Sync');
    await ui.waitFor(attemptRow(failed.branch));
    await openRowMenu(attemptRow(failed.branch));
    await chooseMenuItem('Copy Error');
    const copied = await waitForClipboard((text) => text !== before);
    assert.equal(copied, `${failed.error.message} (${failed.error.code})`);
    assert.ok(copied.includes(failed.branch), `the error names the branch: ${copied}`);
  });

  test('a row\'s tooltip names its base; tooltips show no Markdown escapes (octo-org, an error in parentheses)', async () => {
    const api = await projectSync();
    await ensureActiveAt('main');
    const stamp = Date.now().toString(36);
    await fixture('commit', { changes: { [`notes/tooltip-${stamp}.md`]: `# ${stamp}\n` }, message: `Tooltip ${stamp}` });
    const record = await api.sync('main');
    const failed = await failedAttempt();
    const { owner, name } = await fixture('info', {});
    assert.match(owner, /-/, 'the fixture\'s owner has a dash');

    await openViewContainer('Project Sync');
    const completed = await tooltipOf(rowLabelled('History', label(record)), label(record));
    assert.doesNotMatch(completed, /\\/, `no Markdown escapes: ${completed}`);
    assert.ok(completed.includes(`Compared with: ${await comparedWith(record)}`), `the tooltip names the base: ${completed}`);
    assert.ok(completed.includes(`Repository: ${owner}/${name} (`), completed);

    await ui.press('Escape');
    const error = await tooltipOf(attemptRow(failed.branch), failed.branch);
    assert.doesNotMatch(error, /\\/, `no Markdown escapes: ${error}`);
    assert.ok(error.includes(`Error: ${failed.error.message} (${failed.error.code})`), `the error in words: ${error}`);
    assert.ok(error.includes(`Repository: ${owner}/${name} (`), error);
    await ui.press('Escape');
  });

  test('ages stay fresh: a row\'s "just now" becomes "1 min ago" a minute later, with no action', async () => {
    const api = await projectSync();
    const hooks = await testHooks();
    const stamp = Date.now().toString(36);
    await fixture('commit', { changes: { [`notes/age-${stamp}.md`]: `# ${stamp}\n` }, message: `Age ${stamp}` });
    const record = await api.sync('main');
    await openViewContainer('Project Sync');
    const row = rowWith(label(record));
    const fresh = await ui.waitFor(row);
    assert.match(fresh, /just now ·/, fresh);

    // A minute passes (on the extension's clock: the History view's timer is due and runs).
    hooks.clock.advance(61_000);
    const later = await ui.waitFor({ selector: row, hasText: '1 min ago ·' });
    assert.doesNotMatch(later, /just now ·/, later);
  });
});
