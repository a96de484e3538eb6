// Cancel mid-sync from the banner (server latency on): the attempt ends `cancelled`, the history
// keeps everything it had, and the previous sync stays the active one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, webview } from './support/bridge';
import { ensureActiveAt, projectSync, showSyncView, waitForBanner, waitForHistory } from './support/scenarios';
import { waitForTreeRow } from './support/workbench';

suite('Cancel mid-sync', function () {
  suiteSetup(function () {
    requireUi(this);
  });
  teardown(async () => {
    await fixture('resetSwitches', {});
  });

  test('Cancel in the banner ends the sync as cancelled; history and the active sync are intact', async () => {
    const api = await projectSync();
    const previous = await ensureActiveAt('main');
    const before = await api.getHistory();
    await fixture('commit', { changes: { [`src/cancelled-${Date.now().toString(36)}.ts`]: 'export {};\n' } });
    await showSyncView();

    await fixture('setSwitches', { latencyMs: 1500 });
    const ran = vscode.commands.executeCommand('projectSync.syncBranch', 'main');
    await waitForBanner('running');
    await webview().click('vscode-button', { exactText: 'Cancel' });
    await waitForBanner('ended', { hasText: 'cancelled' });
    await ran;

    const history = await waitForHistory((h) => h.length === before.length + 1, 'the cancelled record');
    const [attempt, ...rest] = history;
    assert.equal(attempt?.status, 'cancelled');
    assert.equal(attempt?.branch, 'main');
    assert.deepEqual(rest.map((r) => [r.id, r.status]), before.map((r) => [r.id, r.status]), 'the older records are unchanged');
    assert.equal((await api.getActiveSync())?.id, previous.id);
    await waitForTreeRow('History', 'cancelled');
  });
});
