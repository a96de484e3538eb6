// Shared by the runner and the suite without pulling zod into the test bundles.
/** Environment variables the runner gives code-server (and so the extension host). */
export const ENV = {
  bridge: 'PROJECT_SYNC_TEST_BRIDGE',
  /** '1' when a Playwright page drives the workbench (code-server), '0' under test-electron. */
  ui: 'PROJECT_SYNC_TEST_UI',
  githubUrl: 'PROJECT_SYNC_TEST_GITHUB_URL',
  workspace: 'PROJECT_SYNC_TEST_WORKSPACE',
  mode: 'PROJECT_SYNC_TEST_MODE',
  grep: 'PROJECT_SYNC_TEST_GREP',
  files: 'PROJECT_SYNC_TEST_FILES',
  extensionLocation: 'PROJECT_SYNC_TEST_EXTENSION_LOCATION',
} as const;
