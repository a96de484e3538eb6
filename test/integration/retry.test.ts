// The git-transfer path retries like REST does (issue 13): a pack transfer that fails with a 5xx
// twice is tried again, and while it waits the banner and the status bar say it is a connection
// retry (not a rate limit, not the phase it interrupted); then the sync completes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, ui } from './support/bridge';
import { ensureActiveAt, projectSync, shortSha, showSyncView, waitForBanner } from './support/scenarios';
import { STATUS_ITEM } from './support/workbench';

suite('a pack transfer that fails, then works', function () {
  this.timeout(90_000);
  suiteSetup(function () {
    requireUi(this);
  });
  teardown(async () => {
    await fixture('resetSwitches', {});
  });

  test('the banner and the status bar say it is retrying the connection, then the sync completes', async () => {
    await ensureActiveAt('main');
    const stamp = Date.now().toString(36);
    // More files than go over REST one by one: their content comes as one pack.
    const changes: Record<string, string> = {};
    for (let i = 0; i < 60; i++) changes[`bulk-${stamp}/f${i}.ts`] = `export const f${i} = '${stamp}';\n`;
    const head = await fixture('commit', { changes, message: `Add 60 files (${stamp})` });
    await showSyncView();
    const since = (await fixture('requests', {})).length;
    // The first two attempts of the transfer get a 502 from the smart-HTTP endpoint (1 s, then 2 s back-off).
    await fixture('setSwitches', { failures: [{ kind: '502', match: 'git-upload-pack', count: 2 }] });

    const ran = vscode.commands.executeCommand('projectSync.syncBranch', 'main');
    const banner = await waitForBanner('waiting', { hasText: 'Waiting to retry' });
    assert.doesNotMatch(banner, /rate limit/i, banner);
    const status = await ui.waitFor({ selector: STATUS_ITEM, hasText: 'Connection problem: resuming in' });
    assert.match(status, /Syncing main/, status);

    await waitForBanner('completed', { hasText: `main @ ${shortSha(head)}` }, 30_000);
    await ran;
    const record = (await (await projectSync()).getHistory())[0];
    assert.equal(record?.commitSha, head);
    assert.equal(record?.status, 'completed');
    assert.match(record?.stats.contentSource ?? '', /pack/);
    const pack = (await fixture('requests', { since })).filter((r) => r.path.includes('git-upload-pack'));
    assert.deepEqual(pack.filter((r) => r.status === 502).length, 2, pack.map((r) => `${r.status} ${r.method} ${r.path}`).join(', '));
    assert.ok(pack.some((r) => r.status === 200 && r.method === 'POST'), 'the third attempt transferred the pack');
  });
});
