// Registers every command of CommandIds, each behind the one error boundary.
// test/unit/commands.test.ts checks that each contributed id is registered here.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { GitHubAuth } from '../auth/auth';
import { pickBranch } from '../branches/branchPicker';
import type { BranchSource } from '../branches/branchSource';
import type { BrowseCommands } from '../browse/browseCommands';
import { CommandIds } from '../commandIds';
import type { EngineHost } from '../engineHost';
import type { ErrorBoundary } from './errorBoundary';
import { followBranch, stopFollowing } from '../follow/follow';
import type { FollowController } from '../follow/followController';
import type { HistoryCommands } from '../history/historyCommands';
import type { HistoryTreeProvider } from '../history/historyTree';
import { searchMemory } from '../memory/memorySearch';
import type { SyncController, SyncTarget } from '../sync/syncController';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';

export interface CommandDeps {
  boundary: ErrorBoundary;
  controller: SyncController;
  repos: WorkspaceRepositories;
  branches: BranchSource;
  engines: EngineHost;
  auth: GitHubAuth;
  tree: HistoryTreeProvider;
  history: HistoryCommands;
  channel: vscode.LogOutputChannel;
  logger: Logger;
  /** After a sign-in: re-read the session state for the welcome view and the banner. */
  onSignedIn: () => void;
  follow: FollowController;
  browse: BrowseCommands;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const register = (id: string, handler: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, d.boundary.wrap(id, handler as (...args: unknown[]) => unknown));
  return [
    register(CommandIds.syncBranch, (branch?: unknown) => syncBranch(d, typeof branch === 'string' ? branch : undefined)),
    register(CommandIds.syncAgain, () => syncAgain(d)),
    register(CommandIds.cancelSync, () => d.controller.cancel()),
    register(CommandIds.restoreSync, (node: unknown) => d.history.restore(node)),
    register(CommandIds.compareWithActive, (node: unknown) => d.history.compareWithActive(node)),
    register(CommandIds.openChanges, (node: unknown) => d.history.openChanges(node)),
    register(CommandIds.copyCommitSha, (node: unknown) => d.history.copyCommitSha(node)),
    register(CommandIds.openCommitOnGitHub, (node: unknown) => d.history.openCommitOnGitHub(node)),
    register(CommandIds.searchMemory, (query?: unknown) => searchMemory(d.engines, typeof query === 'string' ? query : '', d.repos)),
    register(CommandIds.showLog, () => d.channel.show()),
    register(CommandIds.signIn, () => signIn(d)),
    register(CommandIds.refreshHistory, () => {
      d.repos.invalidate();
      d.tree.refresh();
    }),
    register(CommandIds.followBranch, (arg?: unknown) => followBranch(d, arg)),
    register(CommandIds.stopFollowing, () => stopFollowing(d)),
    register(CommandIds.filterHistory, (text?: unknown) => d.history.filter(text)),
    register(CommandIds.clearHistoryFilter, () => d.history.clearFilter()),
    register(CommandIds.showAllChanges, (node: unknown) => d.history.showAllChanges(node)),
    register(CommandIds.retrySync, (node: unknown) => d.history.retry(node)),
    register(CommandIds.copyError, (node: unknown) => d.history.copyError(node)),
    register(CommandIds.browseFiles, (node: unknown) => d.browse.browseFiles(node)),
    register(CommandIds.goToFileInSync, (node?: unknown) => d.browse.goToFile(node)),
    register(CommandIds.closeBrowse, () => d.browse.close()),
  ];
}

async function syncBranch(d: CommandDeps, branch: string | undefined): Promise<void> {
  const target = await d.repos.pickFolder(vscode.l10n.t);
  if (!target) return;
  await syncTarget(d, target, branch);
}

async function syncTarget(d: CommandDeps, target: SyncTarget, branch: string | undefined): Promise<void> {
  const chosen =
    branch ??
    (await pickBranch({
      branches: d.branches,
      folder: target.folder,
      remoteName: target.remote.remoteName,
      history: () => d.engines.current?.store.list() ?? [],
      logger: d.logger,
    }));
  if (!chosen) return;
  await d.controller.sync(target, chosen);
}

/** Sync the branch of the repository's active sync again (the store decides which that is). */
async function syncAgain(d: CommandDeps): Promise<void> {
  const target = await d.repos.pickFolder(vscode.l10n.t);
  if (!target) return;
  const engine = await d.engines.get();
  await syncTarget(d, target, engine.store.activeSync(target.remote)?.branch);
}

async function signIn(d: CommandDeps): Promise<void> {
  const remote = (await d.repos.resolve()).find((f) => f.remote)?.remote;
  if (await d.auth.signIn(remote?.host)) d.onSignedIn();
}
