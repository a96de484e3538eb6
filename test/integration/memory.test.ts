// Memory consumers in the real extension host: the API's searchMemory and readFile, and the
// language-model tools registered with vscode.lm and invoked through vscode.lm.invokeTool.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture, requireUi, ui } from './support/bridge';
import { projectSync, testHooks } from './support/scenarios';
import { runCommand } from './support/workbench';

const QUICK_INPUT = '.quick-input-widget';

async function invoke(name: string, input: object): Promise<string> {
  const source = new vscode.CancellationTokenSource();
  try {
    const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, source.token);
    return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
  } finally {
    source.dispose();
  }
}

suite('Memory for other tools', function () {
  this.timeout(90_000);
  const stamp = Date.now().toString(36);
  const symbol = `ledgerBalance${stamp}`;
  const file = `src/ledger-${stamp}.ts`;
  const content = `/** Keeps the ledger balanced. */\nexport function ${symbol}(entries: number[]): number {\n  return entries.reduce((a, b) => a + b, 0);\n}\n`;
  let head = '';

  suiteSetup(async () => {
    head = await fixture('commit', { changes: { [file]: content }, message: 'Add the ledger' });
    const record = await (await projectSync()).sync('main');
    assert.equal(record.commitSha, head);
  });

  test('searchMemory finds a symbol added by the last sync, and readFile returns its text', async () => {
    const api = await projectSync();
    const found = await api.searchMemory(symbol, { limit: 5 });
    assert.equal(found[0]?.path, file);
    assert.ok(found[0]?.symbols.includes(symbol));
    const bytes = await api.readFile(file);
    assert.equal(new TextDecoder().decode(bytes), content);
    assert.equal(await api.readFile('no/such/file.ts'), undefined);
  });

  test('the language-model tools are registered and answer from the active sync', async () => {
    const names = vscode.lm.tools.map((t) => t.name);
    assert.ok(names.includes('projectSync_searchMemory'), names.join(', '));
    assert.ok(names.includes('projectSync_readSyncedFile'), names.join(', '));

    const search = await invoke('projectSync_searchMemory', { query: symbol });
    assert.match(search, new RegExp(`branch main at commit ${head}`));
    assert.ok(search.includes(`- ${file} (typescript`), search);
    assert.ok(search.includes(symbol));

    const read = await invoke('projectSync_readSyncedFile', { path: file });
    assert.ok(read.includes(content), read);
    assert.match(read, new RegExp(`main commit ${head}`));
  });

  test('Search Memory, open while a setting reopens the engine, answers from the engine open now (a later sync\'s file)', async function () {
    requireUi(this);
    const hooks = await testHooks();
    const config = vscode.workspace.getConfiguration('projectSync');
    await runCommand('Project Sync: Search Memory…');
    await ui.waitFor({ selector: `${QUICK_INPUT} .quick-input-title`, hasText: 'Search Memory' });
    const opens = hooks.engines.opens;
    // The file size cap shapes the engine: changing it closes the open one and opens another.
    await config.update('maxFileSize', 2 * 1024 * 1024, vscode.ConfigurationTarget.Global);
    try {
      for (const t0 = Date.now(); hooks.engines.opens === opens; ) {
        assert.ok(Date.now() - t0 < 15_000, 'the engine did not reopen after the setting changed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // A sync after the reopen (the new engine's) adds a file: typed now, the picker finds it, where
      // it asked the closed engine it started with, which never saw that sync.
      const later = `laterEntry${stamp}`;
      const laterFile = `src/later-${stamp}.ts`;
      await fixture('commit', { changes: { [laterFile]: `export const ${later} = 1;\n` }, message: 'Add a later file' });
      await (await projectSync()).sync('main');
      await ui.type(later);
      await ui.waitFor({ selector: `${QUICK_INPUT} .monaco-list-row .label-name`, hasText: laterFile });
      // And the API, which the language-model tools share, answers too.
      assert.equal((await (await projectSync()).searchMemory(symbol, { limit: 1 }))[0]?.path, file);
    } finally {
      await ui.press('Escape');
      await ui.waitGone(QUICK_INPUT);
      await config.update('maxFileSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('after a setting reopened the engine, a file whose content was never fetched is still fetched from GitHub', async function () {
    this.timeout(120_000);
    const api = await projectSync();
    const hooks = await testHooks();
    const config = vscode.workspace.getConfiguration('projectSync');
    const branch = `unfetched/${stamp}`;
    const path = `assets/unfetched-${stamp}.txt`;
    const text = `${stamp}: over the size limit\n`.repeat(200);
    // The portable path's first sync of a branch lists it over REST and downloads only what it
    // indexes: a file over the size limit is listed, never fetched (see browse.test.ts).
    await vscode.workspace.getConfiguration('git').update('path', 'none', vscode.ConfigurationTarget.Global);
    await config.update('maxFileSize', 1024, vscode.ConfigurationTarget.Global);
    try {
      await fixture('createBranch', { name: branch, from: 'main' });
      await fixture('commit', { branch, changes: { [path]: text }, message: 'Add a large file' });
      await api.sync(branch);
      const opens = hooks.engines.opens;
      await config.update('maxFileSize', 2048, vscode.ConfigurationTarget.Global);
      for (const t0 = Date.now(); hooks.engines.opens === opens; ) {
        assert.ok(Date.now() - t0 < 15_000, 'the engine did not reopen after the setting changed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The new engine knows where the workspace's repository is without a sync first.
      const bytes = await api.readFile(path);
      assert.equal(bytes && new TextDecoder().decode(bytes), text);
    } finally {
      await vscode.workspace.getConfiguration('git').update('path', undefined, vscode.ConfigurationTarget.Global);
      await config.update('maxFileSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
