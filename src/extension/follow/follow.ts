// The Follow Branch… and Stop Following commands. The branch comes from the argument (a branch
// name, or a History item whose branch is followed) or from the branch QuickPick.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { pickBranch } from '../branches/branchPicker';
import type { BranchSource } from '../branches/branchSource';
import type { EngineHost } from '../engineHost';
import type { FollowController } from './followController';
import { isSyncNode } from '../history/nodes';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';

export interface FollowCommandDeps {
  follow: FollowController;
  repos: WorkspaceRepositories;
  branches: BranchSource;
  engines: EngineHost;
  logger: Logger;
}

/** The branch an argument names: a string, or a History item's sync. */
function branchOf(arg: unknown, engines: EngineHost): string | undefined {
  if (typeof arg === 'string' && arg.trim()) return arg.trim();
  if (isSyncNode(arg)) return engines.current?.store.get(arg.syncId)?.branch || undefined;
  return undefined;
}

export async function followBranch(d: FollowCommandDeps, arg?: unknown): Promise<void> {
  let branch = branchOf(arg, d.engines);
  if (!branch) {
    const target = await d.repos.pickFolder(vscode.l10n.t);
    if (!target) return;
    branch = await pickBranch({
      branches: d.branches,
      folder: target.folder,
      remoteName: target.remote.remoteName,
      history: () => d.engines.current?.store.list() ?? [],
      logger: d.logger,
      title: vscode.l10n.t('Follow Branch'),
      placeholder: vscode.l10n.t('Pick the branch to follow: it syncs whenever the branch moves'),
    });
  }
  if (!branch) return;
  await d.follow.follow(branch);
}

export async function stopFollowing(d: Pick<FollowCommandDeps, 'follow'>): Promise<void> {
  await d.follow.stop();
}
