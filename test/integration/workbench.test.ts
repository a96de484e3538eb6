// The Project Sync views in the real workbench, driven through the runner's Playwright page.
import * as assert from 'node:assert/strict';
import { requireUi, ui, webview } from './support/bridge';
import { openViewContainer } from './support/workbench';

suite('workbench: Project Sync views', function () {
  suiteSetup(function () {
    requireUi(this);
  });

  test('the activity bar opens the container with the Sync and History views', async () => {
    await openViewContainer('Project Sync');
    await ui.waitFor({ selector: '.part.sidebar .pane-header', exactText: 'Sync' });
    await ui.waitFor({ selector: '.part.sidebar .pane-header', exactText: 'History' });
  });

  test('the Sync webview loads its state without a Content Security Policy violation', async () => {
    await webview().waitFor('#app[aria-busy="false"]');
    // Every console message of the page since it loaded, webview frames included.
    const violations = (await ui.console()).filter((e) => /Content Security Policy/i.test(e.text));
    assert.deepEqual(violations.map((v) => v.text), []);
  });
});
