// What the workspace looks like to Project Sync, from each folder's remote resolution. Pure.
import type { SyncError } from '../../core/errors';
import type { RepositoryRef } from '../../core/types';

export type WorkspaceKind = 'noFolder' | 'noGitRepo' | 'noRemote' | 'ready';

export function workspaceKind(all: readonly { remote?: unknown; error?: SyncError }[], folderCount: number): WorkspaceKind {
  if (folderCount === 0) return 'noFolder';
  if (all.some((f) => f.remote)) return 'ready';
  if (all.length > 0 && all.every((f) => f.error?.code === 'NO_GIT_REPO')) return 'noGitRepo';
  return 'noRemote';
}

export function sameRepository(a: RepositoryRef, b: RepositoryRef): boolean {
  return a.host.toLowerCase() === b.host.toLowerCase() && a.owner.toLowerCase() === b.owner.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase();
}
