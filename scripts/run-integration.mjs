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
import { fileURLToPath } from 'node:url';
import { format, parseArgs } from 'node:util';
import { launchChromium } from './lib/chromium.mjs';
import { codeServerBin, freePort, installVsix, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { printLogs, summarize } from './lib/report.mjs';
import { prepareWorld } from './lib/world.mjs';

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
const NOISE = /^(Ignoring fetching additional builtin|Updating additional builtin|Creating a socket|Resolv(ing|ed) connection token|\[Service Worker\]|ChatSessionStore|Creation of workbench contribution)/;
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

let finished = false;

async function main() {
  preflight();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `project-sync-it-${MODE}-`));
  cleanups.push(async () => (opts.keep ? log('kept', tmp) : fs.rmSync(tmp, { recursive: true, force: true })));
  const screenshotDir = path.join(ROOT, '.vscode-test/screenshots', MODE);
  fs.rmSync(screenshotDir, { recursive: true, force: true });
  const devPath = opts.vsix ? undefined : path.resolve(opts['extension-path'] ?? ROOT);
  const world = await prepareWorld({
    root: ROOT, tmp, mode: MODE, screenshotDir, ui: true,
    extensionLocation: devPath ?? path.join(tmp, 'extensions'),
    files: opts.files ?? process.env.PROJECT_SYNC_TEST_FILES ?? (opts.vsix ? 'activation' : undefined),
    grep: opts.grep,
    onResult: (r) => log(`suite finished: ${r.passes} passing, ${r.failures} failing`),
  });
  cleanups.push(() => world.close());
  if (opts.vsix) log((await installVsix(ROOT, tmp, path.resolve(opts.vsix))).split('\n').pop());
  const port = await freePort();
  const server = await startCodeServer({
    root: ROOT, tmp, port,
    env: world.env,
    // Errors while the suite runs; the file watcher's complaints at shutdown are noise.
    onLine: (l) => { if (process.env.VERBOSE || (!finished && /\berror\b/i.test(l))) console.log(`  [code-server] ${l}`); },
  });
  cleanups.push(() => server.stop());
  log(`code-server on :${port} (${MODE})`);

  const browser = await launchChromium(tmp);
  cleanups.push(() => browser.close());
  // Clipboard permissions: vscode.env.clipboard.readText() reaches navigator.clipboard in the page
  // (Copy Error and Copy Commit SHA are checked by reading what they copied).
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  let settle;
  const exited = new Promise((r) => { settle = r; });
  // VS Code's automation hooks: the extension host's console, and run()'s outcome as 0/1.
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (NOISE.test(String(Array.isArray(args) ? args[0] : args)) && !process.env.VERBOSE) return;
    const text = format(...(Array.isArray(args) ? args : [args]));
    for (const line of text.split('\n')) console.log(type === 'error' ? `  ! ${line}` : `  ${line}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => settle(code));
  world.bridge.attach(page);
  // The workbench runs extensionTestsPath only in extension-development mode: for the .vsix, a
  // stub development extension (another id) switches that mode on without shadowing the install.
  const url = workbenchUrl({ port, folder: world.fixture.workspace, devPath: devPath ?? stubExtension(tmp), testsPath: TESTS });
  await page.goto(url);
  log('workbench opened; running the suite');

  const timeoutMs = Number(opts.timeout);
  let timer;
  const outcome = await Promise.race([
    exited,
    new Promise((r) => { timer = setTimeout(() => r(`timed out after ${timeoutMs} ms`), timeoutMs); }),
    server.exited.then((e) => `code-server exited ${JSON.stringify(e)}`),
  ]);
  clearTimeout(timer);
  finished = true;
  const code = summarize({ outcome, result: world.bridge.result(), log });
  if (code !== 0) {
    printLogs(server.dirs.userDataDir, log);
    // Again after the logs: the end of the output is what a CI summary shows.
    for (const t of world.bridge.result()?.failed ?? []) log(`failed: ${t}`);
  }
  return code;
}

function stubExtension(tmp) {
  const dir = path.join(tmp, 'test-host-extension');
  fs.mkdirSync(dir, { recursive: true });
  const manifest = { name: 'integration-test-host', publisher: 'project-sync-tests', version: '0.0.0', engines: { vscode: '*' } };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
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
