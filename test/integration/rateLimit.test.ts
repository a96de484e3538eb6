// GitHub's primary rate limit is exhausted with a reset a few seconds ahead (shorter than
// projectSync.maxRateLimitWait): the banner counts down to the reset, then the sync completes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, ui, webview } from './support/bridge';
import { ensureActiveAt, shortSha, showSyncView, waitForBanner } from './support/scenarios';

const STATUS_ITEM = '.part.statusbar [id$="projectSync.status"]';

suite('rate-limit wait', function () {
  suiteSetup(function () {
    requireUi(this);
  });
  teardown(async () => {
    await fixture('resetSwitches', {});
  });

  test('the banner counts down to the reset, then the sync completes', async () => {
    await ensureActiveAt('main');
    const head = await fixture('commit', { changes: { [`src/limited-${Date.now().toString(36)}.ts`]: 'export {};\n' } });
    await showSyncView();
    const resetAt = Math.ceil(Date.now() / 1000) + 4;
    await fixture('setSwitches', { rateLimit: { limit: 5000, remaining: 0, resetAt } });

    const ran = vscode.commands.executeCommand('projectSync.syncBranch', 'main');
    const waiting = await waitForBanner('waiting', { hasText: 'resuming in' });
    assert.match(waiting, /rate limit/i);
    const first = /resuming in 0:(\d\d)/.exec(await webview().waitFor('section.banner .countdown'));
    assert.ok(first?.[1], `countdown: ${waiting}`);
    const seconds = Number(first[1]);
    assert.ok(seconds > 0 && seconds <= 7, `counting down from ${seconds}s`);
    // The countdown ticks: the next second shows while the sync still waits.
    if (seconds > 1) await webview().waitFor('section.banner .countdown', { hasText: `resuming in 0:${String(seconds - 1).padStart(2, '0')}` });
    // The status bar says the same, names the branch, and counts down too.
    const status = await ui.waitFor({ selector: STATUS_ITEM, hasText: 'GitHub rate limit reached: resuming in' });
    assert.match(status, /Syncing main/, status);

    await waitForBanner('completed', { hasText: `main @ ${shortSha(head)}` }, 20_000);
    await ran;
    assert.ok(Date.now() >= resetAt * 1000 - 1000, 'the sync did not wait for the reset');
  });
});
