// The history store of one storage folder. Nothing here imports vscode.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import { systemClock, type Clock, type HistoryStore } from '../core/ports';
import { PersistentEtagCache } from './etags';
import { errno, FileOps, type Failpoint } from './fsOps';
import { LowdbHistoryStore } from './historyStore';
import { loadState } from './loader';
import type { Migration } from './migrations';

export { acquireStorageLock, LOCK_FILE, type LockOptions } from './lock';
export { MIGRATIONS, type Migration } from './migrations';
export { SCHEMA_VERSION, HISTORY_FILE } from './schema';

export interface OpenStoreOptions {
  logger: Logger;
  clock?: Clock;
  /** Tests: called before every write step; throwing there simulates a crash at that point. */
  failpoint?: Failpoint;
  /** Tests: the migration list to use instead of MIGRATIONS. */
  migrations?: readonly Migration[];
  /** Unreferenced files younger than this survive the orphan cleanup on open. Default 10 minutes. */
  orphanGraceMs?: number;
  /** Byte budget of the persisted ETag cache. Default 8 MB. */
  etagMaxBytes?: number;
}

/**
 * Open (creating when missing) the history store in `dir`. Throws SyncError STORAGE_CORRUPT when a
 * file was damaged (it is moved aside; opening again starts fresh) or written by a newer version.
 */
export async function openHistoryStore(dir: string, opts: OpenStoreOptions): Promise<HistoryStore> {
  const clock = opts.clock ?? systemClock;
  const files = new FileOps(path.resolve(dir), opts.failpoint);
  const state = await loadState(files, { logger: opts.logger, clock, migrations: opts.migrations, orphanGraceMs: opts.orphanGraceMs ?? 10 * 60_000 });
  const etags = new PersistentEtagCache(files, opts.logger, { maxBytes: opts.etagMaxBytes });
  await etags.load(clock);
  const store = new LowdbHistoryStore(files, state, etags, opts.logger, clock);
  await store.markInterrupted();
  return store;
}

/**
 * For commands that only read a storage (history, files, memory, restore): a missing folder is a
 * typo, not a new empty history. SYNC_NOT_FOUND (there is no sync to find: the code `restore ID`
 * and `files --sync ID` always gave for an unknown id) saying there is no storage there; nothing is
 * created. A file where the folder should be is STORAGE_ERROR.
 */
export async function assertStorageExists(dir: string): Promise<void> {
  const abs = path.resolve(dir);
  try {
    if ((await fs.stat(abs)).isDirectory()) return;
  } catch (e) {
    if (errno(e) !== 'ENOENT' && errno(e) !== 'ENOTDIR') throw e;
    throw new SyncError('SYNC_NOT_FOUND', `There is no Project Sync storage at ${abs}.`, {
      hint: 'Check the --storage path; `project-sync sync` creates a storage there.',
      path: abs,
    });
  }
  throw new SyncError('STORAGE_ERROR', `${abs} is not a folder.`, { hint: 'Point --storage at a storage folder.', path: abs });
}
