// Repository-derived strings are data, never markup: a branch named `<script>…</script>` and a
// file named `<img src=x onerror=…>.md` show up as their literal text in the QuickPick, the
// banner, the branch dropdown and the History tree, and no script runs (sentinel globals stay
// unset, the alert trap never fires, no Content Security Policy violation is reported).
import * as assert from 'node:assert/strict';
import { fixture, requireUi, ui } from './support/bridge';
import { consoleMark, cspViolations, showSyncView, waitForBanner } from './support/scenarios';
import { expandTreeRow, pickQuickItem, runCommand, waitForTreeRow } from './support/workbench';

const BRANCH = '<script>alert(1)</script>';
const FILE = '<img src=x onerror=window.__pwned=1>.md';
const MESSAGE = '<b>bold</b> <img src=x onerror=window.__pwned=2>';
const QUICK_LABEL = '.quick-input-widget .monaco-list-row .label-name';
/** Any payload that runs flips a sentinel: an onerror handler sets it, alert() is trapped to set it. */
const TRAP = `(() => { window.alert = () => { window.__pwned = 'alert'; }; return true; })()`;
const SENTINEL = 'window.__pwned ?? null';

suite('hostile repository names', function () {
  suiteSetup(function () {
    requireUi(this);
  });

  test('branch and file names render as text everywhere and run nothing', async () => {
    const view = await showSyncView();
    const mark = await consoleMark();
    await ui.evaluate(TRAP);
    await view.evaluate(TRAP);
    if (!(await fixture('info', {})).branches.includes(BRANCH)) await fixture('createBranch', { name: BRANCH, from: 'main' });
    const head = await fixture('commit', { changes: { [FILE]: '# Not markup\n\nA file with a hostile name.\n' }, branch: BRANCH, message: MESSAGE });

    await runCommand('Project Sync: Sync Branch…');
    const label = await ui.waitFor({ selector: QUICK_LABEL, exactText: BRANCH });
    assert.equal(label.trim(), BRANCH);
    await pickQuickItem(BRANCH);

    const banner = await waitForBanner('completed', { hasText: `Synced ${BRANCH} @ ${head.slice(0, 7)}` }, 30_000);
    assert.ok(banner.includes(BRANCH), banner);
    const options = await view.texts('#branch vscode-option');
    assert.ok(options.some((o) => o.startsWith(BRANCH)), `dropdown options: ${options.join(' | ')}`);
    // No element was made from a repository string (the webview's own DOM has no img or b).
    const markup = await view.evaluate<{ imgs: number; payloadScripts: number; bolds: number }>(`({
      imgs: document.querySelectorAll('img').length,
      payloadScripts: [...document.scripts].filter((s) => s.textContent.includes('alert(1)')).length,
      bolds: document.querySelectorAll('b').length,
    })`);
    assert.deepEqual(markup, { imgs: 0, payloadScripts: 0, bolds: 0 });

    const row = `${BRANCH} @ ${head.slice(0, 7)}`;
    await waitForTreeRow('History', row);
    await expandTreeRow('History', row);
    const fileRow = await waitForTreeRow('History', FILE);
    assert.ok(fileRow.includes(FILE), fileRow);

    assert.equal(await view.evaluate(SENTINEL), null, 'a payload ran in the webview');
    assert.equal(await ui.evaluate(SENTINEL), null, 'a payload ran in the workbench');
    assert.deepEqual(await cspViolations(mark), []);
  });
});
