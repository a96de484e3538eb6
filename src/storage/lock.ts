// One sync at a time per storage folder, across processes and windows: an exclusive lock file
// holding pid, host and start time. It is written whole (a temp file, then a hard link to the lock
// name), so it is never seen empty or torn. A lock whose process is gone (same host), that is older
// than `staleMs` without a heartbeat, or that carries a time in the future, is taken over; so is a
// damaged one (empty, garbage, a symbolic link, a folder). Otherwise we wait, then fail with LOCKED.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import { systemClock, type Clock } from '../core/ports';
import { errno, randomSuffix, storageFailure } from './fsOps';

export const LOCK_FILE = 'sync.lock';
const POLL_MS = 100;
/** Clocks of two machines sharing a folder may differ a little; more than this in the future is a damaged lock. */
const CLOCK_SKEW_MS = 60_000;

export interface LockOptions {
  /** How long to wait for another holder before LOCKED. Default 10 s. */
  waitMs?: number;
  logger: Logger;
  clock?: Clock;
  /** A lock not refreshed for this long is stale even if its process seems alive. Default 10 min. */
  staleMs?: number;
}

export interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

/** What is at the lock's name: a lock we can read, or something damaged that no live process holds. */
type Found = { kind: 'held'; info: LockInfo; mtimeMs: number } | { kind: 'damaged'; reason: string; folder: boolean };

export async function acquireStorageLock(dir: string, opts: LockOptions): Promise<{ release(): Promise<void> }> {
  const clock = opts.clock ?? systemClock;
  const staleMs = opts.staleMs ?? 10 * 60_000;
  const lockPath = path.join(dir, LOCK_FILE);
  await fs.mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw storageFailure(e, dir, dir) ?? e;
  });
  const me: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: clock.now().toISOString(), token: randomUUID() };
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  for (;;) {
    if (await tryCreate(dir, lockPath, me)) return holding(lockPath, me, staleMs, opts.logger);
    const found = await readLock(lockPath);
    const why = found && staleReason(found, staleMs, clock);
    if (found && why) {
      const who = found.kind === 'held' ? `of pid ${found.info.pid} on ${found.info.host} (since ${found.info.startedAt})` : `(${found.reason})`;
      opts.logger.warn(`taking over a stale storage lock ${who}: ${why}`);
      await removeIfSame(lockPath, found, opts.logger);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = found?.kind === 'held' ? `process ${found.info.pid} on ${found.info.host} (since ${found.info.startedAt})` : 'another process';
      throw new SyncError('LOCKED', `Another sync is using this storage: ${who}.`, {
        hint: 'Wait for it to finish, or close the other window.',
        path: lockPath,
      });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Whether a live process (possibly this one) holds the storage lock right now. */
export async function isStorageLockHeld(dir: string, opts: { clock?: Clock; staleMs?: number } = {}): Promise<boolean> {
  const found = await readLock(path.join(dir, LOCK_FILE));
  return found?.kind === 'held' && staleReason(found, opts.staleMs ?? 10 * 60_000, opts.clock ?? systemClock) === undefined;
}

/** Write the whole lock under a temp name, then link it to the lock name: exclusive, and never empty. */
async function tryCreate(dir: string, lockPath: string, me: LockInfo): Promise<boolean> {
  const tmp = `${lockPath}.tmp-${randomSuffix()}`;
  const text = JSON.stringify(me);
  try {
    await fs.writeFile(tmp, text, { flag: 'wx' });
    try {
      await fs.link(tmp, lockPath);
      return true;
    } catch (e) {
      if (errno(e) === 'EEXIST') return false;
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errno(e) ?? '')) throw e;
      // A file system without hard links: an exclusive create of the (tiny) lock instead.
      return await createDirectly(lockPath, text);
    }
  } catch (e) {
    throw storageFailure(e, lockPath, dir) ?? e;
  } finally {
    await fs.rm(tmp, { force: true }).catch((e: unknown) => e);
  }
}

async function createDirectly(lockPath: string, text: string): Promise<boolean> {
  try {
    await fs.writeFile(lockPath, text, { flag: 'wx' });
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    await fs.rm(lockPath, { force: true }).catch((rmError: unknown) => rmError);
    throw e;
  }
}

/** Read what is at the lock's name without following a symbolic link; undefined when nothing is there. */
async function readLock(lockPath: string): Promise<Found | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    const st = await fs.lstat(lockPath);
    if (st.isSymbolicLink()) return { kind: 'damaged', reason: 'a symbolic link', folder: false };
    if (st.isDirectory()) return { kind: 'damaged', reason: 'a folder', folder: true };
    if (!st.isFile()) return { kind: 'damaged', reason: 'not a regular file', folder: false };
    mtimeMs = st.mtimeMs;
    text = await fs.readFile(lockPath, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  }
  if (text === '') return { kind: 'damaged', reason: 'empty', folder: false };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { kind: 'damaged', reason: `not JSON (${(e as Error).message})`, folder: false };
  }
  const h = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<LockInfo>;
  if (typeof h.pid !== 'number' || !Number.isSafeInteger(h.pid) || typeof h.host !== 'string' || typeof h.startedAt !== 'string' || Number.isNaN(Date.parse(h.startedAt))) {
    return { kind: 'damaged', reason: 'not a lock Project Sync wrote', folder: false };
  }
  return { kind: 'held', info: { pid: h.pid, host: h.host, startedAt: h.startedAt, token: typeof h.token === 'string' ? h.token : '' }, mtimeMs };
}

/** Why nobody can be holding this lock any more; undefined while it may be held. */
function staleReason(found: Found, staleMs: number, clock: Clock): string | undefined {
  if (found.kind === 'damaged') return `the lock is ${found.reason}`;
  const { info } = found;
  if (info.host === os.hostname() && info.pid > 0 && !processAlive(info.pid)) return `process ${info.pid} is gone`;
  if (info.host === os.hostname() && info.pid <= 0) return 'it names no process';
  const now = clock.now().getTime();
  const started = Date.parse(info.startedAt);
  if (started > now + CLOCK_SKEW_MS || found.mtimeMs > now + CLOCK_SKEW_MS) return 'its time is in the future';
  if (now - Math.max(started, found.mtimeMs) > staleMs) return `not refreshed for over ${Math.round(staleMs / 1000)} s`;
  return undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

/** Remove the lock only if it is still the one judged stale (another taker may have replaced it). */
async function removeIfSame(lockPath: string, judged: Found, logger: Logger): Promise<void> {
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (e) {
    if (errno(e) === 'ENOENT') return;
    throw e;
  }
  const moved = await readLock(aside);
  const same = judged.kind === 'held' ? moved?.kind === 'held' && moved.info.token === judged.info.token : moved?.kind !== 'held';
  if (!same && moved?.kind === 'held') {
    // We moved a fresh lock by mistake: put it back unless someone already created a new one.
    await fs.link(aside, lockPath).catch((e: unknown) => {
      if (errno(e) !== 'EEXIST') throw e;
    });
  }
  if (moved?.kind === 'damaged' && moved.folder) {
    // Not ours to delete: keep it beside the store under a name that says what happened.
    logger.warn(`a folder was in the way of the storage lock; it was moved to ${aside}`);
    return;
  }
  await fs.unlink(aside);
}

function holding(lockPath: string, me: LockInfo, staleMs: number, logger: Logger): { release(): Promise<void> } {
  const beat = setInterval(() => {
    const now = new Date();
    fs.utimes(lockPath, now, now).catch((e: unknown) => logger.warn(`could not refresh the storage lock: ${String(e)}`));
  }, Math.max(1000, staleMs / 4));
  beat.unref();
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      const current = await readLock(lockPath);
      if (current?.kind === 'held' && current.info.token === me.token) await fs.unlink(lockPath);
      else logger.warn('the storage lock was taken over by another process before release');
    },
  };
}
