// The branch pickers: Follow Branch… asks its own question, rows carry the default marker from
// the list call, and a filter that matches nothing says so in a row.
import * as assert from 'node:assert/strict';
import { requireUi, ui } from './support/bridge';
import { showSyncView } from './support/scenarios';
import { runCommand } from './support/workbench';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROW = `${QUICK_INPUT} .monaco-list-row`;

suite('Branch pickers', function () {
  this.timeout(60_000);

  suiteSetup(async function () {
    requireUi(this);
    // The view resolves the workspace, which enables Follow Branch… (projectSync.workspace == ready).
    await showSyncView();
  });

  teardown(async () => {
    await ui.press('Escape');
    await ui.waitGone(QUICK_INPUT);
  });

  test('Follow Branch… has its own title; a filter that matches no branch says so', async () => {
    await runCommand('Project Sync: Follow Branch…');
    await ui.waitFor({ selector: `${QUICK_INPUT} .quick-input-title`, hasText: 'Follow Branch' });
    await ui.waitFor({ selector: `${QUICK_ROW} .label-name`, exactText: 'feature/search' });
    await ui.type('zzqqxx');
    await ui.waitFor({ selector: `${QUICK_ROW} .label-name`, hasText: 'No branch matches “zzqqxx”' });
  });

  test('Sync Branch… marks the default branch in its row', async () => {
    await runCommand('Project Sync: Sync Branch…');
    await ui.waitFor({ selector: `${QUICK_INPUT} .quick-input-title`, hasText: 'Sync Branch' });
    const row = await ui.waitFor({ selector: QUICK_ROW, hasText: 'default' });
    assert.match(row, /main/, row);
  });
});
