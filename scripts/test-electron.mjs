#!/usr/bin/env node
// The integration suite in VS Code desktop through @vscode/test-electron, for contributors whose
// machine can download VS Code (update.code.visualstudio.com). Not part of `npm test`: the CI
// machine cannot download it and runs scripts/run-integration.mjs (code-server) instead.
// The fixture and the bridge run as with code-server, but no Playwright page drives the window,
// so UI-driving tests skip themselves (requireUi); API-level tests run in full.
//   npm run test:electron           (VSCODE_VERSION=1.100.3 by default; `stable` works too)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { prepareWorld } from './lib/world.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TESTS = path.join(ROOT, 'dist/test/integration/index.js');

if (!fs.existsSync(TESTS)) {
  console.error(`${TESTS} is missing: run \`npm run build\` first`);
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'project-sync-electron-'));
let code;
let world;
try {
  world = await prepareWorld({
    root: ROOT, tmp, mode: 'dev', ui: false, extensionLocation: ROOT,
    screenshotDir: path.join(ROOT, '.vscode-test/screenshots/electron'),
  });
  code = await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: TESTS,
    extensionTestsEnv: world.env,
    launchArgs: [
      world.fixture.workspace,
      '--user-data-dir', path.join(tmp, 'user-data'),
      '--extensions-dir', path.join(tmp, 'extensions'),
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (err) {
  console.error('[test-electron]', err instanceof Error ? err.message : err);
  code = typeof err === 'number' ? err : 1;
} finally {
  await world?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
