#!/usr/bin/env node
// `npm run screenshots`: drives the real extension in code-server (headless Chromium, the same
// libraries as the integration runner) against the GitHub-compatible test server with the demo
// repository, and writes docs/images/<shot>-<theme>.png for the dark and light default themes:
//   quickpick        the command palette's branch QuickPick
//   banner-mid-sync  the Sync banner while a sync runs (server latency keeps the head fetch on screen)
//   summary          the banner after an incremental sync (what changed)
//   history-restore  the History tree after a restore (rows grouped under their branch)
//   diff             Open Changes on a file of the incremental sync
//   browse           Browse Files on an older sync: the Sync Files view and a file the workspace no longer has
//   error            the Sync banner after syncing a branch deleted on the server (Choose Branch…)
// No test mode (no extensionTestsPath), so the restore's modal confirmation is clicked for real.
// Builds nothing: the npm script builds first. Exit code 0, or 1 with the failing step.
import { execFileSync } from 'node:child_process';
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
const paneRows = (view) => `.part.sidebar .pane:has(.pane-header:has-text("${view}")) .monaco-list-row`;

/** The document inside the Sync webview. */
const syncView = (page) => page.locator('iframe.webview.ready').first().contentFrame().locator('#active-frame').contentFrame();
const banner = (page, mode) => syncView(page).locator(`section.banner[data-mode="${mode}"]`);
const exact = (text) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
/**
 * The History row whose label is exactly `label`: a row's description names its base ("compared
 * with main @ 1a2b3c4"), so a substring match could pick the newer row instead.
 */
const historyRow = (page, label) => page.locator(HISTORY_ROW).filter({ has: page.locator('.label-name', { hasText: exact(label) }) }).first();

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
  await historyRow(page, rowText).click({ button: 'right' });
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
  const m = /Synced (\S+ @ [0-9a-f]{7})/.exec(text);
  if (!m) throw new Error(`no synced label in: ${text}`);
  return m[1];
}

/** Expands a History row (a refresh right after a click can fold it again: click until it is open). */
async function expandRow(page, text) {
  const row = historyRow(page, text);
  for (let attempt = 1; (await row.getAttribute('aria-expanded')) !== 'true'; attempt++) {
    if (attempt > 5) throw new Error(`cannot expand ${text}`);
    await row.click();
    const opened = await page.locator(`${HISTORY_ROW}[aria-expanded="true"]`).filter({ has: page.locator('.label-name', { hasText: exact(text) }) }).first()
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

/** Moves focus from the History tree into the Sync view (no focus outline on a row in the shot). */
async function blurTree(page, mode) {
  await banner(page, mode).locator('.message').click();
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
    await widenSidebar(page, 600); // History rows show their whole description (the base they name)

    // The branch QuickPick, every remote branch listed; then a slowed-down first sync of main.
    await runPaletteCommand(page, 'Project Sync: Sync Branch…');
    for (const b of ['main', 'feature/search', 'release/1.0']) await page.locator(QUICK_LABEL).filter({ hasText: exact(b) }).waitFor();
    await page.locator('.quick-input-widget .quick-input-progress.done').waitFor({ state: 'attached' });
    await shoot(page, `quickpick-${theme}`, '.quick-input-widget');
    // Two seconds per request: the tree fetch stays on screen while the shot is taken.
    server.switches.latencyMs = 2000;
    await page.locator(QUICK_LABEL).filter({ hasText: exact('main') }).click();
    // The head fetch with its stats on screen: the latency keeps that request there (the tree and
    // contents come in the same fetch, so the later phases pass in a moment).
    await banner(page, 'running').filter({ hasText: 'Fetching branch head' }).locator('.stats').waitFor();
    log('mid-sync phase:', (await banner(page, 'running').locator('.title').innerText()).trim());
    await shoot(page, `banner-mid-sync-${theme}`, '.part.sidebar');
    if (!(await banner(page, 'running').isVisible())) throw new Error('the sync finished before the mid-sync shot');
    server.switches.latencyMs = 0;
    const older = syncedLabel(await banner(page, 'completed').innerText());

    // A pushed change, synced again from the banner's Sync button: the summary of what changed.
    await pushDemoChange(repo);
    await syncView(page).locator('vscode-button').filter({ hasText: exact('Sync') }).click();
    const newest = syncedLabel(await banner(page, 'completed').filter({ hasNotText: `Synced ${older}` }).innerText());
    const rows = page.locator(HISTORY_ROW);
    // Under the main branch node, the new sync is listed first once the tree has caught up; rows
    // no longer move after that.
    await rows.nth(0).filter({ has: page.locator('.label-name', { hasText: exact('main') }) }).waitFor();
    await rows.nth(1).filter({ has: page.locator('.label-name', { hasText: exact(newest) }) }).waitFor();
    await shoot(page, `summary-${theme}`, '.part.sidebar');

    // Open Changes on a file of the incremental sync: a diff editor.
    await expandRow(page, newest);
    await page.locator(HISTORY_ROW).filter({ hasText: /^\s*router\.ts/ }).first().click();
    await page.locator('.editor-instance .monaco-diff-editor .view-line').first().waitFor();
    await shoot(page, `diff-${theme}`, 'window');
    await page.keyboard.press('Escape');

    // Restore the first sync through its context menu and the real modal confirmation.
    await historyRow(page, newest).click(); // collapse it again
    await chooseMenuItem(page, older, 'Restore This Sync');
    await page.locator('.monaco-dialog-box .dialog-buttons .monaco-button').filter({ hasText: exact('Restore') }).click();
    const restoreRow = page.locator(HISTORY_ROW).filter({ hasText: 'restore ·' }).first();
    await restoreRow.waitFor();
    // The restore becomes the selected row (not the menu's or the diff's): a click selects and
    // expands it, a second one folds it again.
    await restoreRow.click();
    await page.locator(`${HISTORY_ROW}[aria-expanded="true"]`).filter({ hasText: 'restore ·' }).waitFor();
    await restoreRow.click();
    await page.locator(`${HISTORY_ROW}[aria-expanded="false"]`).filter({ hasText: 'restore ·' }).waitFor();
    await blurTree(page, 'completed');
    await shoot(page, `history-restore-${theme}`, '.part.sidebar');

    // Browse Files on the older sync: its whole tree, read-only, in the Sync Files view (the Sync
    // view folded so History and Sync Files both have room).
    const syncHeader = page.locator('.part.sidebar .pane-header').filter({ has: page.locator('h3.title', { hasText: exact('Sync') }) });
    await syncHeader.click();
    await page.locator('.part.sidebar .pane-header[aria-expanded="false"]').filter({ has: page.locator('h3.title', { hasText: exact('Sync') }) }).waitFor();
    // The newer sync (no longer active after the restore) still has src/health.ts, which the
    // workspace no longer does.
    await chooseMenuItem(page, newest, 'Browse Files');
    await page.locator('.part.sidebar .pane', { hasText: `${newest}, synced` }).first().waitFor();
    await page.locator(paneRows('Sync Files')).filter({ hasText: exact('src') }).first().click();
    await page.locator(paneRows('Sync Files')).filter({ hasText: /^\s*health\.ts/ }).first().click();
    await page.locator('.tabs-container .tab', { hasText: 'health.ts' }).waitFor();
    await page.locator('.editor-instance .monaco-editor .view-line').first().waitFor();
    // The TypeScript server's "Analyzing 'health.ts'…" in the status bar passes in a moment.
    await page.locator('.part.statusbar', { hasText: 'Analyzing' }).waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => log('status bar still analyzing'));
    await shoot(page, `browse-${theme}`, 'window');
    await runPaletteCommand(page, 'View: Close All Editors');
    await runPaletteCommand(page, 'Project Sync: Close');
    await page.locator('.part.sidebar .pane-header', { hasText: 'Sync Files' }).waitFor({ state: 'detached' });
    await syncHeader.click();
    await syncView(page).locator('#app[aria-busy="false"]').waitFor();

    // An error once, in the banner, with the action that fits: a synced branch deleted on the
    // server, then synced again from the banner's Sync button.
    await page.locator('.part.sidebar .pane-header:has-text("History")').hover(); // its actions show on hover
    await page.locator('.part.sidebar .pane-header:has-text("History") .action-label[aria-label^="Collapse All"]').click();
    await runPaletteCommand(page, 'Project Sync: Sync Branch…');
    await page.locator(QUICK_LABEL).filter({ hasText: exact('feature/search') }).click();
    await banner(page, 'completed').filter({ hasText: 'feature/search' }).waitFor();
    execFileSync('git', ['--git-dir', repo.bareDir, 'update-ref', '-d', 'refs/heads/feature/search']);
    await syncView(page).locator('vscode-button').filter({ hasText: exact('Sync') }).click();
    await banner(page, 'failed').locator('vscode-button', { hasText: 'Choose Branch' }).waitFor();
    await blurTree(page, 'failed');
    await shoot(page, `error-${theme}`, '.part.sidebar');
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
