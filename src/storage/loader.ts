// Opening a storage folder: read and validate history.json (migrating older schemas), verify every
// snapshot and memory file it references, rebuild the memory index, and clean up orphans that a
// crash left behind. Corrupt files are moved aside (never deleted) and reported as STORAGE_CORRUPT.
import { Low } from 'lowdb';
import { SyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { MemoryEntry } from '../core/types';
import type { Clock } from '../core/ports';
import { errno, storageFailure, storageProblem, type FileOps } from './fsOps';
import { isStorageLockHeld } from './lock';
import { CorruptFileError, HistoryAdapter, parseJsonWith } from './historyAdapter';
import { MemoryIndex, type MemoryChange } from './memoryIndex';
import { NewerSchemaError, type Migration } from './migrations';
import { emptyHistory, HISTORY_FILE, MEMORY_DIR, MEMORY_NAME, SNAPSHOT_DIR, SNAPSHOT_NAME, TEMP_SUFFIX, type HistoryFile } from './schema';
import { SnapshotStore } from './snapshots';
import { memoryFile } from './validate';

export interface LoadOptions {
  logger: Logger;
  clock: Clock;
  migrations?: readonly Migration[];
  /** Unreferenced files younger than this are left alone (another process may be about to commit them). */
  orphanGraceMs: number;
}

export interface StoreState {
  db: Low<HistoryFile>;
  snapshots: SnapshotStore;
  memory: MemoryIndex;
  /** How many commits the memory index has replayed. */
  applied: number;
  /** Identity of history.json as last read or written, to notice writes by another process. */
  diskVersion: string | undefined;
}

export const memoryRel = (file: string): string => `${MEMORY_DIR}/${file}`;

export async function loadState(files: FileOps, opts: LoadOptions): Promise<StoreState> {
  // Nothing is created here: the folder and its subfolders appear with the first write.
  await assertStoreFolder(files);
  const adapter = new HistoryAdapter(files, opts.migrations);
  const db = new Low<HistoryFile>(adapter, emptyHistory());
  try {
    await db.read();
  } catch (e) {
    if (e instanceof NewerSchemaError) throw new SyncError('STORAGE_CORRUPT', e.message, { path: files.abs(HISTORY_FILE), hint: 'Update Project Sync to open this history.' });
    throw await asCorrupt(files, e, opts);
  }
  if (adapter.migratedFrom !== undefined) {
    opts.logger.info(`migrating history.json from schema ${adapter.migratedFrom}`);
    const original = await files.readText(HISTORY_FILE);
    await files.writeAtomic(`${HISTORY_FILE}.v${adapter.migratedFrom}.bak`, original ?? '');
    await db.write();
  }
  const state: StoreState = { db, snapshots: new SnapshotStore(files, () => db.data.snapshots), memory: new MemoryIndex(), applied: 0, diskVersion: undefined };
  try {
    await state.snapshots.verifyAll();
    await replayMemory(files, state);
  } catch (e) {
    throw await asCorrupt(files, e, opts);
  }
  state.diskVersion = await files.version(HISTORY_FILE);
  await removeOrphans(files, db.data, opts);
  return state;
}

/**
 * Queue the memory files of commits not yet replayed for the index (see MemoryIndex.defer), without
 * decoding them: a file whose size was recorded must exist with that size (a truncated or replaced
 * file is found here, as snapshots are); its content is read and validated on the memory's first use
 * (readMemoryFile). Files from before sizes were recorded are read and validated now.
 */
export async function replayMemory(files: FileOps, state: StoreState): Promise<void> {
  await deferMemory(files, state.db.data, state.memory, state.applied);
  state.applied = state.db.data.commits.length;
}

/** Queue the links of `data`'s commits from the `from`-th on into `memory`, as replayMemory does. */
async function deferMemory(files: FileOps, data: HistoryFile, memory: MemoryIndex, from: number): Promise<void> {
  const byId = new Map(data.records.map((r) => [r.id, r]));
  const commits = data.commits;
  for (let i = from; i < commits.length; i++) {
    const c = commits[i];
    const rec = c && byId.get(c.syncId);
    if (!c || !rec) continue;
    if (c.memoryFile === null) {
      memory.defer(c.syncId, rec.repository, null);
      continue;
    }
    const rel = memoryRel(c.memoryFile);
    if (c.memoryBytes === undefined) {
      memory.defer(c.syncId, rec.repository, await readMemoryFile(files, rel, c.syncId));
      continue;
    }
    const actual = await files.sizeOf(rel);
    if (actual === undefined) throw new CorruptFileError(rel, 'is missing');
    if (actual !== c.memoryBytes) throw new CorruptFileError(rel, `has ${actual} bytes, ${c.memoryBytes} were written`);
    memory.defer(c.syncId, rec.repository, { rel });
  }
}

/**
 * The active memory entries of every repository after all of `data`'s commits, read and validated
 * from the memory files as a store's memory index reads them (the search index's worker thread
 * builds from this, so the calling thread never holds them). CorruptFileError as on open.
 */
export async function activeMemory(files: FileOps, data: HistoryFile, engine: typeof import('../core/memory/search')): Promise<Map<string, MemoryEntry[]>> {
  const memory = new MemoryIndex();
  await deferMemory(files, data, memory, 0);
  await memory.load((rel, syncId) => readMemoryFile(files, rel, syncId), engine);
  return memory.activeByRepository();
}

/** One memory file, parsed and validated; CorruptFileError when it is unusable or another sync's. */
export async function readMemoryFile(files: FileOps, rel: string, syncId: string): Promise<MemoryChange> {
  const file = parseJsonWith(rel, (await files.readText(rel)) ?? '', memoryFile);
  if (file.syncId !== syncId) throw new CorruptFileError(rel, 'belongs to another sync');
  return file;
}

/** Move the corrupt file aside (and history.json with it, as it references the file). */
export async function asCorrupt(files: FileOps, e: unknown, opts: Pick<LoadOptions, 'clock' | 'logger'>): Promise<unknown> {
  if (!(e instanceof CorruptFileError)) return e;
  const now = opts.clock.now();
  const moved = await moveIfPresent(files, e.rel, now);
  if (e.rel !== HISTORY_FILE) await moveIfPresent(files, HISTORY_FILE, now);
  const where = moved ?? files.abs(e.rel);
  opts.logger.error(`${e.message}; moved aside to ${where}`);
  return new SyncError('STORAGE_CORRUPT', `The sync history was damaged (${e.message}). It was moved aside to ${where}; a fresh history starts now.`, {
    path: where,
    hint: 'Nothing was deleted: the damaged file is kept next to the new one.',
    cause: e,
  });
}

async function moveIfPresent(files: FileOps, rel: string, now: Date): Promise<string | undefined> {
  try {
    return await files.moveAside(rel, now);
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** Top-level names the store creates (files, folders, temp and moved-aside copies). */
const STORE_FILES = ['history.json', 'etags.json', 'sync.lock', 'snapshots', 'memory', 'objects.git'];
const isStoreName = (name: string): boolean => STORE_FILES.some((f) => name === f || name.startsWith(`${f}.`));

/**
 * A storage folder is one with a history (current or moved aside), or one holding nothing but what
 * the store itself creates before its first history is written. Anything else is somebody's folder:
 * refused before a single file in it is touched.
 */
export async function assertStoreFolder(files: FileOps): Promise<void> {
  let top: string[];
  try {
    top = await files.list('');
  } catch (e) {
    if (errno(e) === 'ENOTDIR') throw new SyncError('STORAGE_ERROR', `${files.dir} is not a folder.`, { hint: 'Point --storage at a folder (it is created when missing).', path: files.dir, cause: e });
    throw storageFailure(e, files.dir, files.dir) ?? e;
  }
  if (top.some((n) => n === HISTORY_FILE || n.startsWith(`${HISTORY_FILE}.corrupt-`))) return;
  const foreign = top.filter((n) => !isStoreName(n));
  for (const [dir, own] of [[SNAPSHOT_DIR, SNAPSHOT_NAME], [MEMORY_DIR, MEMORY_NAME]] as const) {
    if (!top.includes(dir)) continue;
    const names = await files.list(dir).catch((e: unknown) => (errno(e) === 'ENOTDIR' ? [''] : Promise.reject(e)));
    foreign.push(...names.filter((n) => !own.test(n.replace(TEMP_SUFFIX, ''))).map((n) => (n ? `${dir}/${n}` : dir)));
  }
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, and ${foreign.length - 3} more` : '');
  throw new SyncError('STORAGE_ERROR', `${files.dir} is not a Project Sync storage folder: it has no history.json and holds files Project Sync did not create (${shown}). Nothing in it was changed.`, {
    hint: 'Point --storage at a new or empty folder, or at an existing Project Sync storage.',
    path: files.dir,
  });
}

/** Whether `rel` (top level, `snapshots/…` or `memory/…`) has a name only the store gives its files. */
function isOwnFile(rel: string): boolean {
  const slash = rel.indexOf('/');
  if (slash < 0) return TEMP_SUFFIX.test(rel) && isStoreName(rel);
  const dir = rel.slice(0, slash);
  const name = rel.slice(slash + 1).replace(TEMP_SUFFIX, '');
  return (dir === SNAPSHOT_DIR && SNAPSHOT_NAME.test(name)) || (dir === MEMORY_DIR && MEMORY_NAME.test(name));
}

/** Delete temp files and unreferenced snapshot/memory files older than the grace period: only names the store gives its files. */
async function removeOrphans(files: FileOps, data: HistoryFile, opts: LoadOptions): Promise<void> {
  // A live holder of the storage lock is syncing: its temp files (a first snapshot written while its
  // tree is listed stays one until the sync completes) and the files it is about to commit are its
  // own. The next open without a holder removes what it left.
  // A lock that cannot be read (another user's, unreadable here) counts as held: cleanup is best effort.
  const held = await isStorageLockHeld(files.dir, { clock: opts.clock }).catch((e: unknown) => {
    opts.logger.debug(`the storage lock could not be read (${String(e)}): no orphan is removed now`);
    return true;
  });
  if (held) {
    opts.logger.debug('another process holds the storage lock: no orphan is removed now');
    return;
  }
  const keep = new Set<string>();
  addReferences(keep, data);
  for (const name of await files.list('')) {
    if (!name.startsWith(`${HISTORY_FILE}.corrupt-`)) continue;
    try {
      addReferences(keep, JSON.parse((await files.readText(name)) ?? '') as unknown);
    } catch (e) {
      opts.logger.debug(`${name} is not readable JSON (${String(e)}); it keeps no files`);
    }
  }
  const cutoff = Date.now() - opts.orphanGraceMs;
  const candidates = [
    ...(await files.list('')).filter((n) => n.includes('.tmp-')),
    ...(await files.list(SNAPSHOT_DIR)).map((n) => `${SNAPSHOT_DIR}/${n}`),
    ...(await files.list(MEMORY_DIR)).map((n) => `${MEMORY_DIR}/${n}`),
  ].filter((rel) => isOwnFile(rel) && !keep.has(rel));
  for (const rel of candidates) {
    const mtime = await files.mtimeMs(rel);
    // Whole milliseconds, as Date.now() counts: a file written in this very millisecond is not younger than a grace of 0.
    if (mtime === undefined || Math.floor(mtime) > cutoff) continue;
    opts.logger.debug(`removing orphan ${rel}`);
    // Best effort: a read-only storage can still be read.
    await files.unlink(rel).catch((e: unknown) => {
      if (!storageProblem(errno(e), files.dir)) throw e;
      opts.logger.debug(`could not remove orphan ${rel}: ${String(e)}`);
    });
  }
}

function addReferences(keep: Set<string>, raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) return;
  const { snapshots, commits } = raw as { snapshots?: unknown; commits?: unknown };
  if (typeof snapshots === 'object' && snapshots !== null) {
    for (const node of Object.values(snapshots)) {
      const file = (node as { file?: unknown } | null)?.file;
      if (typeof file === 'string') keep.add(`${SNAPSHOT_DIR}/${file}`);
    }
  }
  if (Array.isArray(commits)) {
    for (const c of commits) {
      const file = (c as { memoryFile?: unknown } | null)?.memoryFile;
      if (typeof file === 'string') keep.add(memoryRel(file));
    }
  }
}
