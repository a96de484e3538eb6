#!/usr/bin/env node
// `npm run screenshots`: drives the real extension in code-server (headless Chromium, the same
// libraries as the integration runner) against the GitHub-compatible test server with the demo
// repository, and writes docs/images/<shot>-<theme>.png for the dark and light default themes:
//   quickpick        the command palette's branch QuickPick
//   banner-mid-sync  the Sync banner while a sync runs (server latency keeps a phase on screen)
//   summary          the banner after an incremental sync (what changed)
//   history-restore  the History tree after a restore
//   diff             Open Changes on a file of the incremental sync
// No test mode (no extensionTestsPath), so the restore's modal confirmation is clicked for real.
// Builds nothing: the npm script builds first. Exit code 0, or 1 with the failing step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { launchChromium } from './lib/chromium.mjs';
import { codeServerBin, freePort, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'docs/images');
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' };
const TIMEOUT = 30_000;
const t0 = Date.now();
const log = (...a) => console.log(`[screenshots ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const load = (rel) => tsImport(pathToFileURL(path.join(ROOT, rel)).href, import.meta.url);

const QUICK_LABEL = '.quick-input-widget .monaco-list-row .label-name';
const HISTORY_ROW = '.part.sidebar .pane:has(.pane-header:has-text("History")) .monaco-list-row';
const MENU = '.context-view .monaco-menu';

/** The document inside the Sync webview. */
const syncView = (page) => page.locator('iframe.webview.ready').first().contentFrame().locator('#active-frame').contentFrame();
const banner = (page, mode) => syncView(page).locator(`section.banner[data-mode="${mode}"]`);
const exact = (text) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

/** The window below the title bar (whose command center names the development host). */
async function workbenchClip(page) {
  const title = await page.locator('.part.titlebar').boundingBox();
  const size = page.viewportSize();
  const top = title ? Math.round(title.y + title.height) : 0;
  return { x: 0, y: top, width: size.width, height: size.height - top };
}

async function shoot(page, name, target) {
  const file = path.join(OUT, `${name}.png`);
  await page.mouse.move(0, 0); // no hover highlight
  if (target === 'window') await page.screenshot({ path: file, clip: await workbenchClip(page) });
  else await page.locator(target).screenshot({ path: file });
  log('wrote', path.relative(ROOT, file));
}

/** VS Code's menu items listen for the mouse only 100 ms after the menu renders: click until it closes. */
async function chooseMenuItem(page, rowText, item) {
  await page.locator(HISTORY_ROW).filter({ hasText: rowText }).first().click({ button: 'right' });
  for (let attempt = 1; ; attempt++) {
    await page.locator(`${MENU} .action-label`).filter({ hasText: exact(item) }).click();
    try {
      await page.locator(MENU).waitFor({ state: 'hidden', timeout: 1000 });
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

/** Preferences: Color Theme in the palette (an extension development window ignores settings files' theme). */
async function chooseTheme(page, theme, themeName) {
  // The picker labels "Default Dark Modern" as "Dark Modern" (the setting keeps the old id).
  const label = themeName.replace(/^Default /, '');
  const row = page.locator(QUICK_LABEL).filter({ hasText: new RegExp(`^\\s*(Default )?${label}\\s*$`) });
  // Early in start-up the picker can open before the built-in themes are registered: reopen it.
  for (let attempt = 1; ; attempt++) {
    await runPaletteCommand(page, 'Preferences: Color Theme');
    try {
      await row.waitFor({ timeout: 5000 });
      break;
    } catch (err) {
      if (attempt >= 4) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await row.click();
  await page.locator(`.monaco-workbench.${theme === 'dark' ? 'vs-dark' : 'vs'}[class*="${theme}_modern"]`).waitFor();
}

async function runPaletteCommand(page, title) {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget').waitFor();
  await page.keyboard.type(title);
  await page.locator(QUICK_LABEL).filter({ hasText: exact(title) }).click();
}

/** `main @ 1a2b3c4` from the banner's "Synced main @ 1a2b3c4: …". */
function syncedLabel(text) {
  const m = /Synced (.+ @ [0-9a-f]{7})/.exec(text);
  if (!m) throw new Error(`no synced label in: ${text}`);
  return m[1];
}

/** Expands a History row (a refresh right after a click can fold it again: click until it is open). */
async function expandRow(page, text) {
  const row = page.locator(HISTORY_ROW).filter({ hasText: text }).first();
  for (let attempt = 1; (await row.getAttribute('aria-expanded')) !== 'true'; attempt++) {
    if (attempt > 5) throw new Error(`cannot expand ${text}`);
    await row.click();
    const opened = await page.locator(HISTORY_ROW).filter({ hasText: text }).and(page.locator('[aria-expanded="true"]')).first()
      .waitFor({ timeout: 2000 }).then(() => true, () => false);
    // A re-render under the pointer can open a neighbour instead: fold everything and try again.
    if (!opened) await page.locator('.part.sidebar .pane-header:has-text("History") .action-label[aria-label^="Collapse All"]').click();
  }
}

/** Drags the sash between the sidebar and the editor so tree descriptions fit. */
async function widenSidebar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) throw new Error('no sidebar');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

async function openProjectSync(page) {
  const tab = page.locator('.part.activitybar [role="tab"]:has(> .action-label[aria-label^="Project Sync"])');
  await tab.waitFor();
  if ((await tab.getAttribute('aria-expanded')) !== 'true') await tab.click();
  await syncView(page).locator('#app[aria-busy="false"]').waitFor();
}

/** Every shot of one theme, in a fresh code-server (fresh history) against a fresh demo repository. */
async function shootTheme(theme, themeName, tmp) {
  const { startGitHubServer } = await load('test/support/githubServer.ts');
  const { buildDemoRepository, pushDemoChange } = await load('test/support/demoRepo.ts');
  const { cloneWorkspace } = await load('test/support/repos.ts');
  const cleanups = [];
  let page;
  try {
    const server = await startGitHubServer();
    cleanups.push(() => server.close());
    const repo = await buildDemoRepository();
    cleanups.push(() => repo.cleanup());
    server.addRepository('demo', 'atlas', repo.bareDir);
    const workspace = await cloneWorkspace(server, 'demo', 'atlas');
    cleanups.push(() => workspace.cleanup());

    const port = await freePort();
    const code = await startCodeServer({ root: ROOT, tmp: path.join(tmp, theme), port });
    cleanups.push(() => code.stop());
    const browser = await launchChromium(path.join(tmp, theme));
    cleanups.push(() => browser.close());
    page = await browser.newPage({ viewport: { width: 1440, height: 720 } });
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(workbenchUrl({ port, folder: workspace.dir, devPath: ROOT }));
    await openProjectSync(page);
    await chooseTheme(page, theme, themeName);
    await widenSidebar(page, 420);

    // The branch QuickPick, every remote branch listed; then a slowed-down first sync of main.
    await runPaletteCommand(page, 'Project Sync: Sync Branch…');
    for (const b of ['main', 'feature/search', 'release/1.0']) await page.locator(QUICK_LABEL).filter({ hasText: exact(b) }).waitFor();
    await page.locator('.quick-input-widget .quick-input-progress.done').waitFor({ state: 'attached' });
    await shoot(page, `quickpick-${theme}`, '.quick-input-widget');
    // Two seconds per request: the tree fetch stays on screen while the shot is taken.
    server.switches.latencyMs = 2000;
    await page.locator(QUICK_LABEL).filter({ hasText: exact('main') }).click();
    await banner(page, 'running').filter({ hasText: 'Fetching tree' }).locator('.stats').waitFor();
    await shoot(page, `banner-mid-sync-${theme}`, '.part.sidebar');
    if (!(await banner(page, 'running').isVisible())) throw new Error('the sync finished before the mid-sync shot');
    server.switches.latencyMs = 0;
    const older = syncedLabel(await banner(page, 'completed').innerText());

    // A pushed change, synced again from the banner's Sync button: the summary of what changed.
    await pushDemoChange(repo);
    await syncView(page).locator('vscode-button').filter({ hasText: exact('Sync') }).click();
    const newest = syncedLabel(await banner(page, 'completed').filter({ hasNotText: older }).innerText());
    const rows = page.locator(HISTORY_ROW);
    // The new sync is listed first once the tree has caught up; rows no longer move after that.
    await rows.first().filter({ hasText: newest }).waitFor();
    await shoot(page, `summary-${theme}`, '.part.sidebar');

    // Open Changes on a file of the incremental sync: a diff editor.
    await expandRow(page, newest);
    await page.locator(HISTORY_ROW).filter({ hasText: /^\s*router\.ts/ }).first().click();
    await page.locator('.editor-instance .monaco-diff-editor .view-line').first().waitFor();
    await shoot(page, `diff-${theme}`, 'window');
    await page.keyboard.press('Escape');

    // Restore the first sync through its context menu and the real modal confirmation.
    await rows.filter({ hasText: newest }).first().click(); // collapse it again
    await chooseMenuItem(page, older, 'Restore This Sync');
    await page.locator('.monaco-dialog-box .dialog-buttons .monaco-button').filter({ hasText: exact('Restore') }).click();
    await page.locator(HISTORY_ROW).filter({ hasText: 'restore ·' }).first().waitFor();
    await page.locator('.part.editor').click(); // focus leaves the tree (no focus outline on a row)
    await shoot(page, `history-restore-${theme}`, '.part.sidebar');
  } catch (err) {
    const file = path.join(tmp, `..`, `project-sync-screenshots-failed-${theme}.png`);
    await page?.screenshot({ path: file }).then(() => log('failure screenshot:', file), () => undefined);
    throw err;
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch((e) => console.error('[screenshots] cleanup:', e));
  }
}

async function main() {
  if (!fs.existsSync(codeServerBin(ROOT))) throw new Error('code-server is missing: run scripts/install-code-server.sh (npm run test:integration does)');
  if (!fs.existsSync(path.join(ROOT, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  fs.mkdirSync(OUT, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'project-sync-shots-'));
  try {
    for (const [theme, name] of Object.entries(THEMES)) {
      log(`${theme}: ${name}`);
      await shootTheme(theme, name, tmp);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

let code = 0;
try {
  await main();
} catch (err) {
  console.error('[screenshots]', err);
  code = 1;
}
log(`exit ${code}`);
process.exit(code);
