// The API other extensions get from `activate`: versioned like the git extension's getAPI(1).
import type { Event } from 'vscode';
import type { MemoryEntry, SyncRecord } from '../core/types';
import type { TestHooks } from './testHooks';

export interface ProjectSyncApiV1 {
  /** Every sync and restore of this workspace, newest first. */
  getHistory(): Promise<readonly SyncRecord[]>;
  /** The active sync (the chain head) of the workspace's repository, if any. */
  getActiveSync(): Promise<SyncRecord | undefined>;
  /** The history changed: a sync started, ended, or a restore was added. */
  readonly onDidChangeHistory: Event<void>;
  /** Run a sync of `branch` (the remote's default when absent); resolves with the completed record. */
  sync(branch?: string): Promise<SyncRecord>;
  /** Active memory entries of the workspace's repository ranked for `query` (default limit 20). */
  searchMemory(query: string, options?: { limit?: number }): Promise<readonly MemoryEntry[]>;
  /**
   * A file's bytes as a sync saw it: `syncId` (default: the active sync). Served from stored
   * content or local git objects, fetched from GitHub when missing; undefined when the path is not
   * in that snapshot. Rejects when the sync does not exist.
   */
  readFile(path: string, options?: { syncId?: string }): Promise<Uint8Array | undefined>;
  /** A sync completed (not restores, not failures): the new record, whose memory is now active. */
  readonly onDidSync: Event<SyncRecord>;
}

export interface ProjectSyncExtension {
  getAPI(version: 1): ProjectSyncApiV1;
  /** Only when the extension runs under its own integration tests (ExtensionMode.Test); not an API. */
  readonly testHooks?: TestHooks;
}
