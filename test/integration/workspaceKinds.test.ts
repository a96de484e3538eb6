// Workspaces we cannot sync look intentional: with no GitHub remote (projectSync.remote names a
// remote the clone does not have) the History view shows its welcome content with the actions
// Source Control offers, and the Sync view shows first steps, not a red "Cannot sync" above an
// empty, disabled dropdown.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { requireUi, ui, webview } from './support/bridge';
import { showSyncView } from './support/scenarios';

const HISTORY_WELCOME = '.part.sidebar .pane:has(.pane-header:has-text("History")) .welcome-view-content';

suite('Workspaces we cannot sync', function () {
  this.timeout(60_000);

  suiteSetup(function () {
    requireUi(this);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('projectSync').update('remote', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('no GitHub remote: the History welcome and the Sync view offer Add Remote…, settings and Learn More', async () => {
    await showSyncView();
    await vscode.workspace.getConfiguration('projectSync').update('remote', 'nowhere', vscode.ConfigurationTarget.Workspace);

    const welcome = await ui.waitFor({ selector: HISTORY_WELCOME, hasText: 'no GitHub remote' });
    const buttons = await ui.texts(`${HISTORY_WELCOME} .monaco-button`);
    assert.deepEqual(buttons.map((b) => b.trim()), ['Add Remote…', 'Open Settings', 'Learn More'], welcome);

    const banner = await webview().waitFor('section.banner[data-mode="setup"]', { hasText: 'No GitHub remote' });
    assert.doesNotMatch(banner, /Cannot sync/);
    const actions = await webview().texts('section.banner .actions vscode-button');
    assert.deepEqual(actions, ['Add Remote…', 'Open Settings', 'Learn More']);
    assert.deepEqual(await webview().texts('section.banner .actions vscode-button[appearance="primary"]'), ['Add Remote…']);
    assert.equal(await webview().evaluate<boolean>(`document.querySelector('section.controls').hidden`), true, 'no empty dropdown');

    await vscode.workspace.getConfiguration('projectSync').update('remote', undefined, vscode.ConfigurationTarget.Workspace);
    await webview().waitFor('section.controls:not([hidden])');
    await ui.waitGone(HISTORY_WELCOME);
  });
});
