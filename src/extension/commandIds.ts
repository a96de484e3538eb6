// Every command id of the extension, declared once. package.json contributes exactly these
// (test/unit/commands.test.ts checks that each one is contributed and registered).
export const CommandIds = {
  syncBranch: 'projectSync.syncBranch',
  syncAgain: 'projectSync.syncAgain',
  cancelSync: 'projectSync.cancelSync',
  restoreSync: 'projectSync.restoreSync',
  compareWithActive: 'projectSync.compareWithActive',
  openChanges: 'projectSync.openChanges',
  copyCommitSha: 'projectSync.copyCommitSha',
  openCommitOnGitHub: 'projectSync.openCommitOnGitHub',
  searchMemory: 'projectSync.searchMemory',
  showLog: 'projectSync.showLog',
  signIn: 'projectSync.signIn',
  refreshHistory: 'projectSync.refreshHistory',
  followBranch: 'projectSync.followBranch',
  stopFollowing: 'projectSync.stopFollowing',
  filterHistory: 'projectSync.filterHistory',
  clearHistoryFilter: 'projectSync.clearHistoryFilter',
  showAllChanges: 'projectSync.showAllChanges',
  retrySync: 'projectSync.retrySync',
  copyError: 'projectSync.copyError',
  browseFiles: 'projectSync.browseFiles',
  goToFileInSync: 'projectSync.goToFileInSync',
  closeBrowse: 'projectSync.closeBrowse',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** Context keys set with `setContext`, used by `when` and `enablement` clauses in package.json. */
export const ContextKeys = {
  /** A sync or a restore is running: Sync and Restore are disabled. */
  syncing: 'projectSync.syncing',
  /** At least one workspace folder has a GitHub remote. */
  hasRemote: 'projectSync.hasRemote',
  /** The history holds at least one record. */
  hasSyncs: 'projectSync.hasSyncs',
  /** A GitHub session is available (silently) for the remote's host. */
  signedIn: 'projectSync.signedIn',
  /** What the workspace looks like: 'unknown' | 'noFolder' | 'noGitRepo' | 'noRemote' | 'unsupportedRemote' | 'ready'. */
  workspace: 'projectSync.workspace',
  /** A branch is followed (projectSync.follow or Follow Branch…). */
  following: 'projectSync.following',
  /** The History view shows only rows matching a filter. */
  historyFiltered: 'projectSync.historyFiltered',
  /** A sync's files are shown in the Sync Files view. */
  browsing: 'projectSync.browsing',
} as const;

export const ViewIds = {
  container: 'projectSync',
  syncView: 'projectSync.syncView',
  history: 'projectSync.history',
  browse: 'projectSync.browse',
} as const;

/** Opens and focuses the Sync webview view (contributed by VS Code for every view). */
export const focusSyncViewCommand = `${ViewIds.syncView}.focus`;
