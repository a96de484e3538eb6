// What the workspace looks like to Project Sync, from each folder's remote resolution. Pure.
import type { SyncError } from '../../core/errors';
import type { RepositoryRef } from '../../core/types';

export type WorkspaceKind = 'noFolder' | 'noGitRepo' | 'noRemote' | 'unsupportedRemote' | 'ready';

export function workspaceKind(all: readonly { remote?: unknown; error?: SyncError }[], folderCount: number): WorkspaceKind {
  if (folderCount === 0) return 'noFolder';
  if (all.some((f) => f.remote)) return 'ready';
  if (all.length > 0 && all.every((f) => f.error?.code === 'NO_GIT_REPO')) return 'noGitRepo';
  // A remote on GitLab, Bitbucket…: a git repository with a remote, just not one we can sync.
  if (all.some((f) => f.error?.code === 'UNSUPPORTED_REMOTE')) return 'unsupportedRemote';
  return 'noRemote';
}

export function sameRepository(a: RepositoryRef, b: RepositoryRef): boolean {
  return a.host.toLowerCase() === b.host.toLowerCase() && a.owner.toLowerCase() === b.owner.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase();
}

/** "Remote 'origin' (https://gitlab.com/a/b.git) is not…" → "The remote origin is on gitlab.com." ('' when unknown). */
export function remoteWhere(message: string): string {
  const m = /Remote '([^']+)' \((?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:)]+)/i.exec(message);
  return m ? `The remote ${m[1] ?? ''} is on ${m[2] ?? ''}.` : '';
}
