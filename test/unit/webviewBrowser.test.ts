// The real webview bundle in headless Chromium under the real CSP: no policy violations (the
// toolkit needs no 'unsafe-inline'), hostile branch names render as text, and the controls post
// the right messages. Skipped where Debian's Chromium is not installed.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml, createNonce } from '../../src/extension/webview/html';
import type { HostToWebview } from '../../src/protocol/messages';
import { branch, finished, progress, viewState } from './webviewFixtures';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

const FAKE_VSCODE_API = `
  window.__posted = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));
  let saved;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => saved,
    setState: (s) => { saved = s; },
  });
`;

interface Probe {
  __posted: unknown[];
  __violations: string[];
  __pwned?: number;
}

describe('webview in Chromium under the CSP', function () {
  this.timeout(60_000);
  let server: Server;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    const bundle = await esbuild.build({
      entryPoints: ['webview/main.ts'],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0]!.contents;
    const css = readFileSync('media/webview.css');
    server = createServer((req, res) => {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      if (req.url === '/main.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      if (req.url === '/webview.css') return res.writeHead(200, { 'content-type': 'text/css' }).end(css);
      const html = buildWebviewHtml({
        cspSource: origin,
        nonce: createNonce(),
        scriptUri: `${origin}/main.js`,
        styleUri: `${origin}/webview.css`,
        title: 'Project Sync',
      });
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    // Stands in for VS Code's webview API (init scripts are injected by the browser, not by the page).
    // A string, not a function: the test transpiler's helpers do not exist in the page.
    await page.addInitScript({ content: FAKE_VSCODE_API });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as Probe).__posted.length > 0, undefined, { timeout: 5000 }).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${errors.join('\n')}`);
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  const send = (m: HostToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  const posted = () => page.evaluate(() => (window as unknown as Probe).__posted);

  it('says ready first', async () => {
    assert.deepEqual((await posted())[0], { type: 'ready' });
  });

  it('renders a state with a hostile branch name as text only', async () => {
    await send({
      type: 'state',
      state: viewState({ branches: [branch('main', { isDefault: true }), branch(HOSTILE, { isRecent: true })] }),
    });
    await page.locator('.banner .phase', { hasText: 'Ready' }).waitFor();
    const options = await page.locator('vscode-option').allTextContents();
    assert.ok(options.some((t) => t.includes(HOSTILE)), 'the name is shown verbatim');
    assert.equal(await page.locator('img').count(), 0, 'and never parsed as HTML');
    assert.equal(await page.evaluate(() => (window as unknown as Probe).__pwned), undefined);
  });

  it('the dropdown is keyboard-operable: a branch posts selectBranch, More branches… posts pickBranch', async () => {
    const dropdown = page.locator('vscode-dropdown');
    await dropdown.focus();
    await page.keyboard.press('ArrowDown');
    assert.deepEqual((await posted()).at(-1), { type: 'selectBranch', branch: HOSTILE });
    await page.keyboard.press('ArrowUp');
    assert.deepEqual((await posted()).at(-1), { type: 'selectBranch', branch: 'main' });
    await page.keyboard.press('End');
    assert.deepEqual((await posted()).at(-1), { type: 'pickBranch' });
    await page.waitForFunction(() => (document.querySelector('vscode-dropdown') as HTMLSelectElement | null)?.value === 'main');
  });

  it('Sync posts the selected branch; progress drives one overall progressbar across the steps', async () => {
    await page.locator('vscode-button', { hasText: 'Sync' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'sync', branch: 'main' });
    await send(progress({ phase: 'fetchingContent', done: 0, total: null }));
    const bar = page.locator('[role="progressbar"]');
    await page.locator('.banner .phase', { hasText: 'Fetching changed files' }).waitFor();
    assert.equal(await bar.getAttribute('aria-valuenow'), '35', 'the finished steps, before this step has a total');
    assert.equal(await bar.getAttribute('aria-valuetext'), '35%, step 5 of 7');
    await send(progress({ phase: 'fetchingContent', done: 50, total: 200 }));
    await page.waitForFunction(() => document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') === '46');
    assert.equal(await bar.getAttribute('aria-valuetext'), '46%, step 5 of 7 · 50 of 200');
    assert.equal(await page.locator('[role="status"]').textContent(), 'Fetching changed files');
    await page.locator('vscode-button', { hasText: 'Cancel' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'cancel' });
  });

  it('offers Sign In after an AUTH_REQUIRED failure, operable from the keyboard', async () => {
    await send(finished({ status: 'failed', error: { code: 'AUTH_REQUIRED', message: 'Sign in to GitHub.' } }));
    const signIn = page.locator('vscode-button', { hasText: 'Sign In' });
    await signIn.waitFor();
    const primaries = await page.evaluate(() =>
      [...document.querySelectorAll('vscode-button[appearance="primary"]')].filter((b) => !(b as HTMLElement).hidden).map((b) => b.textContent),
    );
    assert.deepEqual(primaries, ['Sign In'], 'never two primary buttons: Sync steps back while the banner offers a fix');
    await signIn.focus();
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted()).at(-1), { type: 'action', action: 'signIn' });
    await page.screenshot({ path: '/tmp/project-sync-webview-failed.png' });
  });

  it('animates the phase dots, and stops them under prefers-reduced-motion', async () => {
    await send(progress({ syncId: 's9', phase: 'indexing' }));
    const animation = () =>
      page.evaluate(() => getComputedStyle(document.querySelector('.dots')!, '::after').animationName);
    assert.equal(await animation(), 'dots');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    assert.equal(await animation(), 'none');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('caused no Content Security Policy violation', async () => {
    const violations = await page.evaluate(() => (window as unknown as Probe).__violations);
    assert.deepEqual(violations, []);
  });
});
