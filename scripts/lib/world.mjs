// The world an integration run needs besides VS Code: the fixture (test GitHub server and the
// workspace cloned from it) and the bridge the suite calls. Shared by run-integration.mjs and
// test-electron.mjs. Both modules are TypeScript (test/integration/support), loaded through tsx.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const load = (root, rel) => tsImport(pathToFileURL(path.join(root, rel)).href, import.meta.url);

/**
 * Starts the fixture and the bridge; `env` is what the extension host needs to reach them.
 * `ui: false` when no Playwright page will be attached (test-electron): UI tests skip.
 */
export async function prepareWorld({ root, tmp, mode, screenshotDir, ui, extensionLocation, files, grep, onResult }) {
  const { createFixture } = await load(root, 'test/integration/support/fixture.ts');
  const { startBridge } = await load(root, 'test/integration/support/bridgeServer.ts');
  const fixture = await createFixture(tmp);
  let bridge;
  try {
    bridge = await startBridge({ mode, workspace: fixture.workspace, screenshotDir, actions: fixture.actions, onResult });
  } catch (err) {
    await fixture.close();
    throw err;
  }
  const env = {
    PROJECT_SYNC_TEST_BRIDGE: bridge.url,
    PROJECT_SYNC_TEST_UI: ui ? '1' : '0',
    PROJECT_SYNC_TEST_GITHUB_URL: fixture.githubUrl,
    PROJECT_SYNC_TEST_WORKSPACE: fixture.workspace,
    PROJECT_SYNC_TEST_MODE: mode,
    PROJECT_SYNC_TEST_EXTENSION_LOCATION: extensionLocation ?? '',
    PROJECT_SYNC_TEST_FILES: files ?? process.env.PROJECT_SYNC_TEST_FILES ?? '',
    PROJECT_SYNC_TEST_GREP: grep ?? process.env.PROJECT_SYNC_TEST_GREP ?? '',
  };
  return {
    fixture,
    bridge,
    env,
    async close() {
      await bridge.close();
      await fixture.close();
    },
  };
}
