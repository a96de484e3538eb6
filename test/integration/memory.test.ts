// Memory consumers in the real extension host: the API's searchMemory and readFile, and the
// language-model tools registered with vscode.lm and invoked through vscode.lm.invokeTool.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixture } from './support/bridge';
import { projectSync } from './support/scenarios';

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
});
