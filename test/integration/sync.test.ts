// Sync Branch… through the real command palette, and a second sync after a pushed change: what
// the banner, the History tree, the status bar and the diff editor show the user.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { phaseTitles } from '../../src/core/syncEvents';
import { fixture, requireUi, ui } from './support/bridge';
import {
  bannerStats,
  changeText,
  ensureActiveAt,
  expectedChanges,
  projectSync,
  recordBannerPhases,
  recordedPhases,
  shortSha,
  showSyncView,
  waitForBanner,
  waitForDiffTab,
} from './support/scenarios';
import { expandTreeRow, pickQuickItem, runCommand, waitForTreeRow } from './support/workbench';

const STATUS_ITEM = '.part.statusbar [id$="projectSync.status"]';
const QUICK_LABEL = '.quick-input-widget .monaco-list-row .label-name';
const PIPELINE_ORDER = Object.values(phaseTitles);

/** Palette: F1, Sync Branch…, wait for every remote branch to be listed, pick `branch`. */
async function syncFromPalette(branch: string): Promise<void> {
  const { branches } = await fixture('info', {});
  await runCommand('Project Sync: Sync Branch…');
  for (const b of branches) await ui.waitFor({ selector: QUICK_LABEL, exactText: b });
  await pickQuickItem(branch);
}

suite('Sync Branch… through the command palette', function () {
  suiteSetup(function () {
    requireUi(this);
  });
  teardown(async () => {
    await fixture('resetSwitches', {});
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the banner shows the phases and ends with the stats; the History tree and the status bar show the sync', async () => {
    await showSyncView();
    // A change to sync, whatever earlier suites synced: a resync that finds nothing new ends before
    // its phases can be seen.
    await fixture('commit', { changes: { [`src/phases-${Date.now().toString(36)}.ts`]: 'export const phases = 1;\n' }, message: 'Something to sync' });
    const api = await projectSync();
    // What the banner counts is against the base: main's latest completed sync or restore.
    const before = (await api.getHistory()).find((r) => r.branch === 'main' && r.status === 'completed');
    const head = await fixture('revParse', { rev: 'main' });
    const expected = await expectedChanges(before?.commitSha ?? null, head);

    // A little latency per request so every phase stays on screen long enough to be seen.
    await fixture('setSwitches', { latencyMs: 120 });
    await recordBannerPhases();
    await syncFromPalette('main');
    await waitForBanner('running');
    const running = await ui.waitFor(STATUS_ITEM);
    assert.ok(PIPELINE_ORDER.some((t) => running.includes(t)), `status bar while running: ${running}`);

    const summary = await waitForBanner('completed', { hasText: `main @ ${shortSha(head)}` }, 30_000);
    assert.match(summary, new RegExp(`${expected.files} files\\)`), summary);
    const phases = await recordedPhases();
    const shown = phases.filter((p) => PIPELINE_ORDER.includes(p));
    assert.ok(shown.length >= 3, `phases seen: ${phases.join(' → ')}`);
    const order = shown.map((p) => PIPELINE_ORDER.indexOf(p));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `phases out of order: ${shown.join(' → ')}`);
    assert.equal(phases[phases.length - 1], 'Synced');

    const stats = await bannerStats();
    assert.equal(stats[0], `${expected.files} files`);
    assert.equal(stats[1], changeText(expected));

    const [record] = await api.getHistory();
    assert.ok(record);
    assert.deepEqual([record.kind, record.branch, record.status, record.commitSha], ['sync', 'main', 'completed', head]);
    assert.deepEqual((await api.getActiveSync())?.id, record.id);

    const row = await waitForTreeRow('History', `main @ ${shortSha(head)}`);
    assert.ok(row.includes(changeText(expected)), `history row: ${row}`);
    const idle = await ui.waitFor({ selector: STATUS_ITEM, hasText: 'main ·' });
    assert.ok(!PIPELINE_ORDER.some((t) => idle.includes(t)), `status bar after the sync: ${idle}`);
  });

  test('after a pushed change the item shows +a ~m −r, lists the files, and a file opens its diff', async () => {
    await showSyncView();
    const stamp = Date.now().toString(36);
    const doomed = `tmp/remove-me-${stamp}.txt`;
    const added = `src/added-${stamp}.ts`;
    await fixture('commit', { changes: { [doomed]: 'short-lived\n' }, message: 'Add a file to remove' });
    const base = await ensureActiveAt('main');
    const line = `Changed in ${stamp}.`;
    const head = await fixture('commit', {
      changes: { [added]: `export const added${stamp} = true;\n`, 'README.md': `# Atlas\n\n${line}\n`, [doomed]: null },
      message: `Change three files (${stamp})`,
    });
    const expected = await expectedChanges(base.commitSha, head);
    assert.deepEqual([expected.added, expected.modified, expected.removed], [1, 1, 1]);

    await syncFromPalette('main');
    await waitForBanner('completed', { hasText: `main @ ${shortSha(head)}` }, 30_000);
    const label = `main @ ${shortSha(head)}`;
    const row = await waitForTreeRow('History', label);
    assert.ok(row.includes(changeText(expected)), `history row: ${row}`);

    // Expanding the item lists exactly the changed files.
    await expandTreeRow('History', label);
    for (const name of [`added-${stamp}.ts`, 'README.md', `remove-me-${stamp}.txt`]) await waitForTreeRow('History', name);

    // Clicking a file runs Open Changes: a diff editor between the previous sync and this one.
    await ui.click({ selector: '.part.sidebar .monaco-list-row', hasText: 'README.md' });
    const tab = await waitForDiffTab('README.md');
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.modified.scheme, 'projectsync');
    const after = (await vscode.workspace.openTextDocument(input.modified)).getText();
    const beforeText = (await vscode.workspace.openTextDocument(input.original)).getText();
    assert.ok(after.includes(line), `the right side is this sync's README.md: ${after}`);
    assert.ok(!beforeText.includes(line), 'the left side is the previous sync\'s README.md');
    await ui.waitFor({ selector: '.tabs-container .tab', hasText: 'README.md' });
    await ui.waitFor('.editor-instance .monaco-diff-editor');
  });
});
