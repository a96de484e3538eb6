// Restore from the History tree's context menu, confirmed in the modal dialog: a restore record
// appears and the active sync and memory become the restored sync's (checked through the API).
// VS Code refuses modal dialogs under test, so the confirmation is answered at the API it goes
// through (see answerNextModal); everything before and after it is the real UI.
import * as assert from 'node:assert/strict';
import { fixture, requireUi, ui } from './support/bridge';
import { answerNextModal, historyContextMenu, projectSync, shortSha, showSyncView, waitForHistory } from './support/scenarios';
import { waitForTreeRow } from './support/workbench';

/** What the memory answers for `query`, as comparable `path@blob` strings. */
async function memoryFor(query: string): Promise<string[]> {
  const entries = await (await projectSync()).searchMemory(query, { limit: 50 });
  return entries.map((e) => `${e.path}@${e.blobSha}`).sort();
}

suite('Restore This Sync from the History tree', function () {
  suiteSetup(function () {
    requireUi(this);
  });

  test('a restore record appears and the active memory is the restored sync\'s', async () => {
    const api = await projectSync();
    const stamp = Date.now().toString(36);
    const older = `src/quokka-${stamp}.ts`;
    const newer = `src/wombat-${stamp}.ts`;
    await fixture('commit', { changes: { [older]: `export function quokkaLedger(): number {\n  return 1;\n}\n` } });
    const a = await api.sync('main');
    const memoryA = await memoryFor(stamp);
    assert.deepEqual(memoryA.map((m) => m.split('@')[0]), [older]);
    await fixture('commit', { changes: { [older]: null, [newer]: `export function wombatIndex(): number {\n  return 2;\n}\n` } });
    const b = await api.sync('main');
    assert.deepEqual((await memoryFor(stamp)).map((m) => m.split('@')[0]), [newer]);
    assert.ok(a.commitSha && b.commitSha);

    await showSyncView();
    const label = `main @ ${shortSha(a.commitSha)}`;
    // The tree shows b's row once it has refreshed after b: a refresh during the menu below drops the
    // selection the command reads (a CI run saw "Pick a sync in the History view.").
    await waitForTreeRow('History', `main @ ${shortSha(b.commitSha)}`);
    await waitForTreeRow('History', label);
    const asked = answerNextModal('Restore');
    await historyContextMenu(label, 'Restore This Sync');
    const question = await asked;
    assert.ok(question.message.includes(label), `the confirmation names the sync: ${question.message}`);
    assert.match(question.detail ?? '', /working files are not touched/i);
    assert.ok(question.buttons.includes('Restore'));

    const history = await waitForHistory((h) => h[0]?.kind === 'restore' && h[0].status === 'completed', 'the restore record');
    const restore = history[0];
    assert.ok(restore);
    assert.equal(restore.restoredFromSyncId, a.id);
    const active = await api.getActiveSync();
    assert.equal(active?.id, restore.id);
    assert.equal(active?.treeSha, a.treeSha);
    assert.deepEqual(await memoryFor(stamp), memoryA);
    assert.ok(history.some((r) => r.id === b.id && r.status === 'completed'), 'the history keeps the sync that was active');

    // This restore's row: other tests restore other syncs, so the first "restore" row may be theirs.
    const row = await ui.waitFor({ selector: `.part.sidebar .monaco-list-row:has-text("restore ·"):has-text("${label}")` });
    assert.match(row, /restore · \+\d+ ~\d+ −\d+ · compared with main @ /, `restore row: ${row}`);
  });
});
