// Errors: once, in words, with the action that fits. A sync of a branch the remote does not have
// fails on ONE surface: the banner when the Sync view is visible (no notification, no red status
// bar item), else one notification; either way with "Choose Branch…" as the one primary action.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { requireUi, ui, webview } from './support/bridge';
import { ensureActiveAt, showSyncView, waitForBanner } from './support/scenarios';
import { openViewContainer } from './support/workbench';

const STATUS_ITEM = '.part.statusbar [id$="projectSync.status"]';
const TOAST = '.notifications-toasts .notification-toast';
const GONE = 'gone/branch-that-does-not-exist';

suite('Errors: once, in words, with the action that fits', function () {
  this.timeout(90_000);

  suiteSetup(async function () {
    requireUi(this);
    await ensureActiveAt('main');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('the visible Sync view shows a gone branch in its banner only, with Choose Branch… as the one primary button', async () => {
    await showSyncView();
    await vscode.commands.executeCommand('projectSync.syncBranch', GONE);
    const banner = await waitForBanner('failed', { hasText: GONE });
    assert.doesNotMatch(banner, /\\|\bundefined\b/, banner);
    const primary = await webview().texts('vscode-button[appearance="primary"]:not([hidden])');
    assert.deepEqual(primary, ['Choose Branch…'], 'one primary button in the whole view (Sync steps back)');
    assert.ok(!(await webview().texts('section.banner .actions vscode-button')).includes('Retry'), 'no Retry for a gone branch');
    assert.deepEqual(await ui.texts(TOAST), [], 'no notification beside the banner');
    const status = await ui.waitFor(STATUS_ITEM);
    assert.doesNotMatch(status, /failed/i, `the status bar does not repeat it: ${status}`);
    // The dropdown does not keep the gone branch.
    const shown = await webview().evaluate<string>(`(() => { const d = document.querySelector('#branch'); return d.displayValue || d.value; })()`);
    assert.doesNotMatch(shown, /gone\//, `the dropdown shows ${shown}`);
  });

  test('with the Sync view hidden, one notification says it, with Choose Branch… and no Retry', async () => {
    await openViewContainer('Explorer');
    await vscode.commands.executeCommand('projectSync.syncBranch', GONE);
    const toast = await ui.waitFor({ selector: TOAST, hasText: GONE });
    const buttons = await ui.texts(`${TOAST} .monaco-button`);
    assert.deepEqual(buttons.filter((b) => b.trim()), ['Choose Branch…', 'Show Log'], toast);
    assert.equal((await ui.texts(TOAST)).length, 1, 'one notification');
    await openViewContainer('Project Sync');
  });
});
