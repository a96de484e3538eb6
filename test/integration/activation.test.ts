// Smoke test, also run against the packaged .vsix installed into code-server (runner --vsix).
import * as assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import manifest from '../../package.json';
import { ENV } from './support/env';

const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
const contributedCommands = (manifest.contributes.commands ?? []).map((c: { command: string }) => c.command);

suite('activation (smoke)', () => {
  test(`${EXTENSION_ID} is installed from the expected location`, () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    assert.equal((ext.packageJSON as { version: string }).version, manifest.version);
    const expected = process.env[ENV.extensionLocation];
    if (expected) {
      const actual = path.resolve(ext.extensionUri.fsPath);
      assert.ok(actual.startsWith(path.resolve(expected)), `loaded from ${actual}, expected under ${expected}`);
    }
  });

  test('activates without errors', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('every command contributed in package.json is registered', async () => {
    assert.ok(contributedCommands.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributedCommands.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
