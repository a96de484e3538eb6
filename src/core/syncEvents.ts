// What the sync pipeline streams to its consumers (webview, status bar, CLI, tests).
// Consumers only see these events and the final record; they never reach into the pipeline.
import type { SyncPhase, SyncRecord, SyncStats } from './types';

export type SyncEvent =
  /** The attempt is recorded (status running). */
  | { type: 'started'; sync: SyncRecord }
  | { type: 'progress'; syncId: string; phase: SyncPhase; done: number; total: number | null; stats: SyncStats }
  /** A rate limit or back-off: nothing happens for `seconds`. */
  | {
      type: 'waiting';
      syncId: string;
      reason: 'primary-rate-limit' | 'secondary-rate-limit' | 'retry';
      seconds: number;
      resetAt?: string;
    }
  | { type: 'warning'; syncId: string; message: string }
  /**
   * A large sync's snapshot is committed (the record is a link, `memoryIncomplete`); its memory is
   * being analysed and lands before the final record is returned.
   */
  | { type: 'saved'; sync: SyncRecord };


export interface SyncRequest {
  /** The workspace folder (a git work tree). */
  workdir: string;
  /** Defaults to the remote's default branch. */
  branch?: string;
  /** Defaults to `origin`. */
  remoteName?: string;
}

export const phaseTitles: Record<SyncPhase, string> = {
  resolving: 'Resolving repository',
  fetchingHead: 'Fetching branch head',
  fetchingTree: 'Fetching tree',
  diffing: 'Comparing with previous sync',
  fetchingContent: 'Fetching changed files',
  indexing: 'Indexing memory',
  saving: 'Saving',
  done: 'Done',
};
