// A large sync commits its snapshot before its memory: while its files are analysed, its History
// row reads "indexing memory…" and the language-model tool says the memory is incomplete; cancelled
// at that point, the banner says the snapshot is saved, the row reads "memory incomplete", and the
// next sync of the branch completes the memory. The threshold (2,000 files) is lowered to 3 and the
// sync held between its two steps through the extension's test hooks.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, webview } from './support/bridge';
import { projectSync, showSyncView, testHooks, waitForBanner } from './support/scenarios';
import { openViewContainer, treeRows, waitForTreeRow } from './support/workbench';

async function searchTool(query: string): Promise<string> {
  const source = new vscode.CancellationTokenSource();
  try {
    const result = await vscode.lm.invokeTool('projectSync_searchMemory', { input: { query }, toolInvocationToken: undefined }, source.token);
    return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
  } finally {
    source.dispose();
  }
}

/** The first truthy answer of `probe` within `timeoutMs` (undefined after it). */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

suite('Two-step commit of a large sync', function () {
  this.timeout(120_000);
  suiteSetup(async function () {
    requireUi(this);
    (await testHooks()).memoryStep.largeChangeFiles = 3;
  });
  suiteTeardown(async () => {
    (await testHooks()).memoryStep.largeChangeFiles = undefined;
  });

  /** Commits four new files, each with its own symbol; returns the symbols. */
  async function commitLargeChange(tag: string): Promise<string[]> {
    const symbols = [0, 1, 2, 3].map((i) => `stepped${tag}${i}`);
    const changes = Object.fromEntries(symbols.map((s) => [`src/step-${tag}/${s}.ts`, `export function ${s}(): number {\n  return 1;\n}\n`]));
    await fixture('commit', { changes, message: `Four files (${tag})` });
    return symbols;
  }

  test('while its memory is analysed the row says "indexing memory…"; then the memory is whole', async () => {
    const api = await projectSync();
    const symbols = await commitLargeChange(Date.now().toString(36));
    const hooks = await testHooks();
    const release = hooks.memoryStep.hold();
    await openViewContainer('Project Sync');
    const ran = api.sync('main');
    try {
      await waitForTreeRow('History', 'indexing memory…');
      assert.match(await searchTool(symbols[0] as string), /Its memory is incomplete/);
    } finally {
      release();
    }
    const done = await ran;
    assert.equal(done.memoryIncomplete, undefined, 'the sync returns with its memory');
    const found = await api.searchMemory(symbols[1] as string, { limit: 3 });
    assert.equal(found[0]?.symbols.includes(symbols[1] as string), true);
    assert.doesNotMatch(await searchTool(symbols[1] as string), /incomplete/);
    // The row is drawn again once the memory step's commit reaches the view (a tree refresh).
    const label = `main @ ${(done.commitSha ?? '').slice(0, 7)}`;
    await waitForTreeRow('History', label);
    const row = await eventually(async () => (await treeRows('History')).find((r) => r.includes(label) && !/indexing memory|memory incomplete/.test(r)), 10_000);
    assert.ok(row, `the row of ${label} no longer says the memory is being indexed`);
  });

  test('a setting changed while a sync runs applies to the next sync, without a reload', async () => {
    const api = await projectSync();
    await commitLargeChange(`s${Date.now().toString(36)}`);
    const hooks = await testHooks();
    const release = hooks.memoryStep.hold();
    const ran = api.sync('main');
    try {
      await waitForTreeRow('History', 'indexing memory…');
      // git.path none: no git binary, the portable path (its first sync of a branch lists over REST).
      await vscode.workspace.getConfiguration('git').update('path', 'none', vscode.ConfigurationTarget.Global);
    } finally {
      release();
    }
    try {
      await ran;
      const branch = `portable/${Date.now().toString(36)}`;
      await fixture('createBranch', { name: branch, from: 'main' });
      await fixture('commit', { branch, changes: { 'docs/portable.md': '# Portable\n' }, message: 'On the portable path' });
      const record = await api.sync(branch);
      assert.ok(!record.stats.contentSource.includes('pack'), `listed over REST, no pack fetched by git (${record.stats.contentSource})`);
    } finally {
      await vscode.workspace.getConfiguration('git').update('path', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('cancelled while indexing: the snapshot stays, the row says "memory incomplete", the next sync completes it', async () => {
    const api = await projectSync();
    const symbols = await commitLargeChange(`c${Date.now().toString(36)}`);
    const hooks = await testHooks();
    await showSyncView();
    const release = hooks.memoryStep.hold();
    const ran = vscode.commands.executeCommand('projectSync.syncBranch', 'main');
    try {
      await waitForTreeRow('History', 'indexing memory…');
      await webview().click('vscode-button', { exactText: 'Cancel' });
    } finally {
      release();
    }
    await waitForBanner('ended', { hasText: 'its snapshot is saved, and the next sync of main completes its memory' });
    await Promise.resolve(ran).catch(() => undefined);
    await waitForTreeRow('History', 'memory incomplete');
    const active = await api.getActiveSync();
    assert.equal(active?.memoryIncomplete, true, 'the link stands, memory incomplete');
    assert.deepEqual(await api.searchMemory(symbols[0] as string, { limit: 3 }).then((f) => f.filter((e) => e.symbols.includes(symbols[0] as string))), []);

    // The remote did not move: the next sync reads what the memory lacks, in one step.
    hooks.memoryStep.largeChangeFiles = undefined;
    try {
      const next = await api.sync('main');
      assert.equal(next.memoryIncomplete, undefined);
      const found = await api.searchMemory(symbols[0] as string, { limit: 3 });
      assert.equal(found[0]?.symbols.includes(symbols[0] as string), true, 'the files the cancelled sync changed have memory now');
    } finally {
      hooks.memoryStep.largeChangeFiles = 3;
    }
  });
});
