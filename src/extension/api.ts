// The API other extensions get from `activate`: versioned like the git extension's getAPI(1).
import type { Event } from 'vscode';
import type { MemoryEntry, SyncRecord } from '../core/types';

export interface ProjectSyncApiV1 {
  /** Every sync and restore of this workspace, newest first. */
  getHistory(): Promise<readonly SyncRecord[]>;
  /** The active sync (the chain head) of the workspace's repository, if any. */
  getActiveSync(): Promise<SyncRecord | undefined>;
  /** The history changed: a sync started, ended, or a restore was added. */
  readonly onDidChangeHistory: Event<void>;
  /** Run a sync of `branch` (the remote's default when absent); resolves with the completed record. */
  sync(branch?: string): Promise<SyncRecord>;
  /** Active memory entries ranked for `query`. */
  searchMemory(query: string, options?: { limit?: number }): Promise<readonly MemoryEntry[]>;
}

export interface ProjectSyncExtension {
  getAPI(version: 1): ProjectSyncApiV1;
}
