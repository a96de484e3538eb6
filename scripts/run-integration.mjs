#!/usr/bin/env node
// Runs the integration suite (dist/test/integration/index.js, mocha) inside the real extension
// host of code-server 4.100.3, with the workbench opened by headless Debian Chromium.
// Exit code: the suite's (0 pass, 1 fail); 2 when the run itself broke or timed out.
//   node scripts/run-integration.mjs                    development build (extensionDevelopmentPath)
//   node scripts/run-integration.mjs --vsix FILE        the packaged build, installed into code-server
//   options: --files a,b  --grep PATTERN  --timeout MS  --keep (keep the temp folder)
//            --extension-path DIR (load another extension folder in development mode)
// Builds nothing: `npm run test:integration` builds first. See test/integration/README.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { launchChromium } from './lib/chromium.mjs';
import { codeServerBin, freePort, installVsix, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { printLogs, summarize } from './lib/report.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    vsix: { type: 'string' },
    files: { type: 'string' },
    grep: { type: 'string' },
    timeout: { type: 'string', default: process.env.PROJECT_SYNC_TEST_TIMEOUT_MS ?? '90000' },
    keep: { type: 'boolean', default: false },
    'extension-path': { type: 'string' },
  },
});
const MODE = opts.vsix ? 'vsix' : 'dev';
const TESTS = path.join(ROOT, 'dist/test/integration/index.js');
const t0 = Date.now();
// Workbench start-up chatter relayed by codeAutomationLog; VERBOSE=1 shows it.
const NOISE = /^(Ignoring fetching additional builtin|Updating additional builtin|Creating a socket|Resolv(ing|ed) connection token|\[Service Worker\]|ChatSessionStore)/;
const log = (...a) => console.log(`[integration ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

function preflight() {
  if (!fs.existsSync(codeServerBin(ROOT))) {
    log('code-server missing: running scripts/install-code-server.sh');
    const r = spawnSync('bash', [path.join(ROOT, 'scripts/install-code-server.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/install-code-server.sh failed');
  }
  if (!fs.existsSync(TESTS)) throw new Error(`${TESTS} is missing: run \`npm run build\` first`);
  if (opts.vsix && !fs.existsSync(opts.vsix)) throw new Error(`${opts.vsix} is missing: run \`npm run package\` first`);
}

const cleanups = [];
async function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) {
    await fn().catch((e) => console.error('[integration] cleanup:', e));
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => void cleanup().finally(() => process.exit(130)));
}

async function main() {
  preflight();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `project-sync-it-${MODE}-`));
  cleanups.push(async () => (opts.keep ? log('kept', tmp) : fs.rmSync(tmp, { recursive: true, force: true })));
  // The fixture and the bridge are TypeScript (test/integration/support), loaded through tsx.
  const load = (rel) => tsImport(pathToFileURL(path.join(ROOT, rel)).href, import.meta.url);
  const { createFixture } = await load('test/integration/support/fixture.ts');
  const { startBridge } = await load('test/integration/support/bridgeServer.ts');

  const fixture = await createFixture(tmp);
  cleanups.push(() => fixture.close());
  const screenshotDir = path.join(ROOT, '.vscode-test/screenshots', MODE);
  fs.rmSync(screenshotDir, { recursive: true, force: true });
  const bridge = await startBridge({ mode: MODE, workspace: fixture.workspace, screenshotDir, actions: fixture.actions });
  cleanups.push(() => bridge.close());

  const devPath = opts.vsix ? undefined : path.resolve(opts['extension-path'] ?? ROOT);
  if (opts.vsix) log(await installVsix(ROOT, tmp, path.resolve(opts.vsix)));
  const port = await freePort();
  const server = await startCodeServer({
    root: ROOT, tmp, port,
    env: {
      PROJECT_SYNC_TEST_BRIDGE: bridge.url,
      PROJECT_SYNC_TEST_GITHUB_URL: fixture.githubUrl,
      PROJECT_SYNC_TEST_WORKSPACE: fixture.workspace,
      PROJECT_SYNC_TEST_MODE: MODE,
      PROJECT_SYNC_TEST_EXTENSION_LOCATION: devPath ?? path.join(tmp, 'extensions'),
      PROJECT_SYNC_TEST_FILES: opts.files ?? process.env.PROJECT_SYNC_TEST_FILES ?? (opts.vsix ? 'activation' : ''),
      PROJECT_SYNC_TEST_GREP: opts.grep ?? process.env.PROJECT_SYNC_TEST_GREP ?? '',
    },
    onLine: (l) => { if (process.env.VERBOSE || /\berror\b/i.test(l)) console.log(`  [code-server] ${l}`); },
  });
  cleanups.push(() => server.stop());
  log(`code-server on :${port} (${MODE})`);

  const browser = await launchChromium(tmp);
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let settle;
  const exited = new Promise((r) => { settle = r; });
  // VS Code's automation hooks: the extension host's console, and run()'s outcome as 0/1.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (NOISE.test(String(Array.isArray(args) ? args[0] : args)) && !process.env.VERBOSE) return;
    const text = format(...(Array.isArray(args) ? args : [args]));
    for (const line of text.split('\n')) console.log(type === 'error' ? `  ! ${line}` : `  ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => settle(code));
  bridge.attach(page);
  await page.goto(workbenchUrl({ port, folder: fixture.workspace, devPath, testsPath: TESTS }));
  log('workbench opened; running the suite');

  const timeoutMs = Number(opts.timeout);
  let timer;
  const outcome = await Promise.race([
    exited,
    new Promise((r) => { timer = setTimeout(() => r(`timed out after ${timeoutMs} ms`), timeoutMs); }),
    server.exited.then((e) => `code-server exited ${JSON.stringify(e)}`),
  ]);
  clearTimeout(timer);
  const code = summarize({ outcome, result: bridge.result(), log });
  if (code !== 0) printLogs(server.dirs.userDataDir, log);
  return code;
}

let code = 2;
try {
  code = await main();
} catch (err) {
  console.error('[integration]', err);
} finally {
  await cleanup();
}
log(`exit ${code}`);
process.exit(code);
