// State that never lies: what the user sees follows the real state at once, without a reload.
// Follow Branch… and Stop Following flip the status bar, the Sync view's title-bar action and the
// palette entry immediately; a branch synced from the QuickPick becomes the dropdown's branch, and
// the status bar names it while it runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, ui, webview } from './support/bridge';
import { ensureActiveAt, showSyncView, waitForBanner } from './support/scenarios';
import { paletteRows, pickQuickItem, runCommand, STATUS_ITEM, viewTitleAction } from './support/workbench';

const QUICK_LABEL = '.quick-input-widget .monaco-list-row .label-name';
const syncViewAction = (label: string) => viewTitleAction('Sync', label);

suite('State that never lies', function () {
  this.timeout(120_000);

  suiteSetup(async function () {
    requireUi(this);
    await vscode.workspace.getConfiguration('workbench.view').update('alwaysShowHeaderActions', true, vscode.ConfigurationTarget.Global);
    await ensureActiveAt('main');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('projectSync.stopFollowing');
    await vscode.workspace.getConfiguration('workbench.view').update('alwaysShowHeaderActions', undefined, vscode.ConfigurationTarget.Global);
    await fixture('resetSwitches', {});
  });

  test('Follow Branch… and Stop Following change the status bar, the title-bar action and the palette at once', async () => {
    await showSyncView();
    await ui.waitFor(syncViewAction('Follow Branch…'));
    await runCommand('Project Sync: Follow Branch…');
    await ui.waitFor({ selector: QUICK_LABEL, exactText: 'feature/search' });
    await pickQuickItem('main');

    await ui.waitFor({ selector: STATUS_ITEM, hasText: 'following main' });
    await ui.waitFor(syncViewAction('Stop Following'));
    assert.deepEqual(await ui.texts(syncViewAction('Follow Branch…')), [], 'the view no longer offers Follow Branch…');
    const rows = await paletteRows('Project Sync: Stop Following', 'Project Sync: Stop Following');
    assert.ok(rows.includes('Project Sync: Stop Following'), `palette: ${rows.join(', ')}`);

    await runCommand('Project Sync: Stop Following');
    await ui.waitFor(syncViewAction('Follow Branch…'));
    await ui.waitGone({ selector: STATUS_ITEM, hasText: 'following' });
    assert.deepEqual(await ui.texts(syncViewAction('Stop Following')), [], 'Stop Following is gone from the title bar');
    const after = await paletteRows('Project Sync: ', 'Project Sync: Follow Branch…');
    assert.ok(!after.includes('Project Sync: Stop Following'), `palette after stopping: ${after.join(', ')}`);
  });

  test('a branch synced from the QuickPick is the dropdown\'s branch, and the status bar names it while it runs', async () => {
    const view = await showSyncView();
    // A change on the branch, whatever earlier suites synced: a resync that finds nothing new ends
    // before the running state can be seen.
    await fixture('commit', { branch: 'feature/search', changes: { [`src/state-${Date.now().toString(36)}.ts`]: 'export const state = 1;\n' }, message: 'Something to sync' });
    await fixture('setSwitches', { latencyMs: 150 });
    await runCommand('Project Sync: Sync Branch…');
    await ui.waitFor({ selector: QUICK_LABEL, exactText: 'feature/search' });
    await pickQuickItem('feature/search');
    await waitForBanner('running', { hasText: 'Syncing feature/search' });
    await ui.waitFor({ selector: STATUS_ITEM, hasText: 'Syncing feature/search' });
    // VS Code's own progress indicator on the Sync view while it runs.
    await ui.waitFor('.part.sidebar .pane:has(.pane-header:has-text("Sync")) .monaco-progress-container.active');
    await waitForBanner('completed', { hasText: 'feature/search' }, 60_000);
    const shown = await webview().evaluate<string>(`(() => { const d = document.querySelector('#branch'); return d.displayValue || d.value; })()`);
    assert.match(shown, /^feature\/search/, `the dropdown shows ${shown}`);
    // The next Sync click syncs what the dropdown shows.
    await fixture('resetSwitches', {});
    await view.click('vscode-button:not([hidden])', { exactText: 'Sync' });
    await waitForBanner('completed', { hasText: 'Synced feature/search' }, 60_000);
    await ensureActiveAt('main');
  });
});
