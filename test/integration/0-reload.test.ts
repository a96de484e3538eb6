// What a window reload must keep and what it must not break. The reload restarts the extension
// host and with it the whole suite, so this file is named to run first: in the first load each
// scenario sets itself up (following main; then a slow sync, during which the window reloads); in
// the second each checks the outcome, and every other file runs once, after it.
//  - Stop Following after a reload: the follow resumed from the last window stops at once (status
//    bar, the Sync view's title-bar action, the palette), as it does without a reload.
//  - Reload mid-sync: the attempt becomes `interrupted` and the previous sync stays the active one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RequestLogEntry } from '../support/githubServer';
import { fixture, requireUi, runInfo, ui } from './support/bridge';
import { ensureActiveAt, projectSync, showSyncView, waitForBanner, waitForHistory } from './support/scenarios';
import { paletteRows, pickQuickItem, runCommand, STATUS_ITEM, viewTitleAction, waitForTreeRow } from './support/workbench';

const PREVIOUS = 'reload.previousSyncId';
const RUNNING = 'reload.runningSyncId';
const FOLLOWED = 'reload.followedBranch';
const syncViewAction = (label: string) => viewTitleAction('Sync', label);

suite('reload the window while following a branch', function () {
  this.timeout(120_000);

  suiteSetup(async function () {
    requireUi(this);
    await vscode.workspace.getConfiguration('workbench.view').update('alwaysShowHeaderActions', true, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('workbench.view').update('alwaysShowHeaderActions', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Stop Following after a reload: the status bar, the Sync view and the palette stop following at once', async () => {
    if ((await runInfo()).loadCount === 1) {
      await followMain();
      return;
    }
    assert.equal(await fixture('stash', { key: FOLLOWED }), 'main', 'the first load followed main');
    await showSyncView();
    // The follow resumed from the last window; wait until the window shows it (the extension has
    // set projectSync.following, so the title bar offers Stop Following) before stopping it.
    await ui.waitFor({ selector: STATUS_ITEM, hasText: 'following main' });
    await ui.waitFor(syncViewAction('Stop Following'));

    await runCommand('Project Sync: Stop Following');
    // projectSync.following is false: the title bar offers Follow Branch… again (when
    // !projectSync.following) and the palette no longer lists Stop Following (when projectSync.following).
    await ui.waitFor(syncViewAction('Follow Branch…'));
    await ui.waitGone({ selector: STATUS_ITEM, hasText: 'following' });
    assert.deepEqual(await ui.texts(syncViewAction('Stop Following')), [], 'Stop Following is gone from the title bar');
    const palette = await paletteRows('Project Sync: ', 'Project Sync: Follow Branch…');
    assert.ok(!palette.includes('Project Sync: Stop Following'), `palette after stopping: ${palette.join(', ')}`);
  });
});

/**
 * Follows main through Follow Branch…, as a user would, and waits for the check it makes at once
 * to be answered: main's head is then known unchanged, so following cannot start a sync of its
 * own while the next scenario pushes and syncs (its next check is a poll interval away).
 */
async function followMain(): Promise<void> {
  await ensureActiveAt('main');
  await showSyncView();
  await ui.waitFor(syncViewAction('Follow Branch…'));
  const since = (await fixture('requests', {})).length;
  await runCommand('Project Sync: Follow Branch…');
  await ui.waitFor({ selector: '.quick-input-widget .monaco-list-row .label-name', exactText: 'feature/search' });
  await pickQuickItem('main');
  await ui.waitFor({ selector: STATUS_ITEM, hasText: 'following main' });
  await ui.waitFor(syncViewAction('Stop Following'));
  await waitForAnswered(since, (r) => r.path.includes('/git/ref/heads/main'), 'the head check of main');
  await fixture('stash', { key: FOLLOWED, value: 'main' });
}

/** Waits until the server has answered a request matching `predicate` (it has no event to await). */
async function waitForAnswered(since: number, predicate: (r: RequestLogEntry) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await fixture('requests', { since });
    if (log.some((r) => predicate(r) && r.status !== 0)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not answered within ${timeoutMs} ms; log: ${log.map((r) => `${r.status} ${r.path}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

suite('reload the window mid-sync', function () {
  suiteSetup(function () {
    requireUi(this);
  });

  test('the sync in flight becomes interrupted; the previous sync stays active', async function () {
    const { loadCount } = await runInfo();
    if (loadCount === 1) {
      await startSyncAndReload();
      return;
    }
    await fixture('resetSwitches', {});
    const previousId = await fixture('stash', { key: PREVIOUS });
    const runningId = await fixture('stash', { key: RUNNING });
    assert.ok(typeof previousId === 'string' && typeof runningId === 'string', 'the first load did not record its sync');

    const history = await waitForHistory((h) => h.find((r) => r.id === runningId)?.status === 'interrupted', 'the interrupted record');
    assert.equal(history.find((r) => r.id === previousId)?.status, 'completed');
    assert.equal((await (await projectSync()).getActiveSync())?.id, previousId);

    await showSyncView();
    await waitForBanner('ended', { hasText: 'interrupted' });
    await waitForTreeRow('History', 'interrupted');
  });
});

async function startSyncAndReload(): Promise<void> {
  await showSyncView();
  const previous = await ensureActiveAt('main');
  await fixture('commit', { changes: { [`src/reloaded-${Date.now().toString(36)}.ts`]: 'export {};\n' } });
  await fixture('stash', { key: PREVIOUS, value: previous.id });
  await fixture('setSwitches', { latencyMs: 1500 });
  // Not awaited: the window reloads while it runs.
  void vscode.commands.executeCommand('projectSync.syncBranch', 'main').then(undefined, () => undefined);
  const [running] = await waitForHistory((h) => h[0]?.status === 'running' && h[0].id !== previous.id, 'the running record');
  assert.ok(running);
  await fixture('stash', { key: RUNNING, value: running.id });
  await waitForBanner('running');
  await ui.reload();
  // This extension host ends with the reload; the suite starts again in the next one.
  await new Promise<never>(() => undefined);
}
