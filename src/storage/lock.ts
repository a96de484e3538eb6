// One sync at a time per storage folder, across processes and windows: an exclusive lock file
// holding pid, host and start time. A lock whose process is gone (same host), or that is older
// than `staleMs` without a heartbeat, is taken over; otherwise we wait, then fail with LOCKED.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import { systemClock, type Clock } from '../core/ports';
import { errno } from './fsOps';

export const LOCK_FILE = 'sync.lock';
const POLL_MS = 100;

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

export async function acquireStorageLock(dir: string, opts: LockOptions): Promise<{ release(): Promise<void> }> {
  const clock = opts.clock ?? systemClock;
  const staleMs = opts.staleMs ?? 10 * 60_000;
  const lockPath = path.join(dir, LOCK_FILE);
  await fs.mkdir(dir, { recursive: true });
  const me: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: clock.now().toISOString(), token: randomUUID() };
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  for (;;) {
    if (await tryCreate(lockPath, me)) return holding(lockPath, me, staleMs, opts.logger);
    const holder = await readHolder(lockPath);
    if (holder && (await isStale(lockPath, holder, staleMs, clock))) {
      opts.logger.warn(`taking over a stale storage lock of pid ${holder.pid} on ${holder.host} (since ${holder.startedAt})`);
      await removeIfSame(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} (since ${holder.startedAt})` : 'another process';
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
  const lockPath = path.join(dir, LOCK_FILE);
  const holder = await readHolder(lockPath);
  return holder !== undefined && !(await isStale(lockPath, holder, opts.staleMs ?? 10 * 60_000, opts.clock ?? systemClock));
}

async function tryCreate(lockPath: string, me: LockInfo): Promise<boolean> {
  try {
    await fs.writeFile(lockPath, JSON.stringify(me), { flag: 'wx' });
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  }
}

async function readHolder(lockPath: string): Promise<LockInfo | undefined> {
  try {
    const raw: unknown = JSON.parse(await fs.readFile(lockPath, 'utf8'));
    const h = raw as Partial<LockInfo>;
    if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.startedAt === 'string') {
      return { pid: h.pid, host: h.host, startedAt: h.startedAt, token: typeof h.token === 'string' ? h.token : '' };
    }
    return { pid: -1, host: 'unknown', startedAt: new Date(0).toISOString(), token: '' };
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    // Unreadable lock (a holder is writing it this instant, or garbage): treat as held; age decides.
    return { pid: -1, host: 'unknown', startedAt: new Date(0).toISOString(), token: '' };
  }
}

async function isStale(lockPath: string, holder: LockInfo, staleMs: number, clock: Clock): Promise<boolean> {
  if (holder.host === os.hostname() && holder.pid > 0 && !processAlive(holder.pid)) return true;
  let touched = Date.parse(holder.startedAt);
  try {
    touched = Math.max(Number.isNaN(touched) ? 0 : touched, (await fs.stat(lockPath)).mtimeMs);
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw e;
  }
  return clock.now().getTime() - touched > staleMs;
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
async function removeIfSame(lockPath: string, holder: LockInfo): Promise<void> {
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (e) {
    if (errno(e) === 'ENOENT') return;
    throw e;
  }
  const moved = await readHolder(aside);
  if (moved && moved.token !== holder.token) {
    // We moved a fresh lock by mistake: put it back unless someone already created a new one.
    await fs.link(aside, lockPath).catch((e: unknown) => {
      if (errno(e) !== 'EEXIST') throw e;
    });
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
      const current = await readHolder(lockPath);
      if (current?.token === me.token) await fs.unlink(lockPath);
      else logger.warn('the storage lock was taken over by another process before release');
    },
  };
}
