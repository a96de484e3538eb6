// Reload the window mid-sync: the attempt becomes `interrupted` and the previous sync stays the
// active one. The reload restarts the extension host and with it the whole suite, so this file
// is named to run first: in the first load it starts a slow sync and reloads; in the second it
// checks the outcome, and every other file runs once, after it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, runInfo, ui } from './support/bridge';
import { ensureActiveAt, projectSync, showSyncView, waitForBanner, waitForHistory } from './support/scenarios';
import { waitForTreeRow } from './support/workbench';

const PREVIOUS = 'reload.previousSyncId';
const RUNNING = 'reload.runningSyncId';

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
