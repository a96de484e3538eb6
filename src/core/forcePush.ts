// Was a branch force-pushed between two syncs? Pure classification plus the one extra request
// (GitHub's compare endpoint) it needs when the new head is not simply a child of the old one.
import { isSyncError } from './errors';
import type { CompareStatus, GitHubConnector } from './ports';
import type { BranchHead, SyncRecord } from './types';

type PreviousLink = Pick<SyncRecord, 'branch' | 'commitSha'>;

/**
 * 'same' / 'other-branch' / 'first' need no request; 'fast-forward' is known from the new head's
 * parents; 'unknown' needs a compare (the new head may be many commits ahead, or rewritten).
 */
export function forcePushQuestion(
  previous: PreviousLink | undefined,
  branch: string,
  head: Pick<BranchHead, 'commitSha' | 'parents'>,
): 'first' | 'other-branch' | 'same' | 'fast-forward' | 'unknown' {
  if (!previous?.commitSha) return 'first';
  if (previous.branch !== branch) return 'other-branch';
  if (previous.commitSha === head.commitSha) return 'same';
  if (head.parents.includes(previous.commitSha)) return 'fast-forward';
  return 'unknown';
}

/** The compare status of `previous...head`: behind or diverged means the old head is no longer in the history. */
export function isForcePushed(status: CompareStatus): boolean {
  return status === 'behind' || status === 'diverged';
}

/** True when the new head is not a descendant of the previous link's commit on the same branch. */
export async function detectForcePush(
  connector: Pick<GitHubConnector, 'compareCommits'>,
  previous: PreviousLink | undefined,
  branch: string,
  head: Pick<BranchHead, 'commitSha' | 'parents'>,
  warn: (message: string) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  if (forcePushQuestion(previous, branch, head) !== 'unknown' || !previous?.commitSha || !connector.compareCommits) return false;
  try {
    return isForcePushed(await connector.compareCommits(previous.commitSha, head.commitSha, signal));
  } catch (e) {
    if (isSyncError(e, 'CANCELLED')) throw e;
    warn(`Could not tell whether ${branch} was force-pushed: ${e instanceof Error ? e.message : String(e)}`);
    return false;
  }
}
