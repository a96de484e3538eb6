import { strict as assert } from 'node:assert';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { isSyncError } from '../../src/core/errors';
import { nullLogger } from '../../src/core/logger';
import { acquireStorageLock, LOCK_FILE } from '../../src/storage';
import { tempDirs } from './storageFixtures';

type Msg = { type: string; pid?: number; message?: string };

function holder(dir: string): ChildProcess {
  return fork(path.join(__dirname, 'storageLockHolder.ts'), [dir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

async function next(child: ChildProcess): Promise<Msg> {
  const [m] = (await once(child, 'message')) as [Msg];
  return m;
}

describe('storage lock', () => {
  const dirs = tempDirs();
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    dirs.cleanup();
  });

  it('makes a second process wait, then fail with LOCKED naming the holder; free again after release', async () => {
    const dir = dirs.make();
    const child = holder(dir);
    children.push(child);
    const locked = await next(child);
    assert.equal(locked.type, 'locked');
    const info = JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; host: string; startedAt: string };
    assert.deepEqual([info.pid, info.host], [child.pid, hostname()]);
    assert.ok(!Number.isNaN(Date.parse(info.startedAt)));

    const t0 = Date.now();
    let caught: unknown;
    await acquireStorageLock(dir, { logger: nullLogger, waitMs: 300 }).catch((e: unknown) => (caught = e));
    assert.ok(Date.now() - t0 >= 300, 'it waited before giving up');
    assert.ok(isSyncError(caught, 'LOCKED'));
    assert.match(caught.message, new RegExp(`process ${child.pid} on ${hostname()}`));

    const waiting = acquireStorageLock(dir, { logger: nullLogger, waitMs: 5000 });
    child.send({ type: 'release' });
    assert.equal((await next(child)).type, 'released');
    const mine = await waiting;
    assert.equal(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    await mine.release();
    assert.ok(!existsSync(path.join(dir, LOCK_FILE)));
  });

  it('takes over the lock of a process that died holding it', async () => {
    const dir = dirs.make();
    const child = holder(dir);
    children.push(child);
    assert.equal((await next(child)).type, 'locked');
    child.send({ type: 'die' });
    await once(child, 'exit');
    assert.ok(existsSync(path.join(dir, LOCK_FILE)), 'the dead process left its lock behind');
    const t0 = Date.now();
    const lock = await acquireStorageLock(dir, { logger: nullLogger, waitMs: 5000 });
    assert.ok(Date.now() - t0 < 2000, 'no waiting for a dead holder');
    assert.equal(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    await lock.release();
  });

  it('takes over a very old lock from another host, but not a recent one', async () => {
    const dir = dirs.make();
    const lockPath = path.join(dir, LOCK_FILE);
    writeFileSync(lockPath, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: new Date().toISOString(), token: 't' }));
    await assert.rejects(acquireStorageLock(dir, { logger: nullLogger, waitMs: 150 }), (e) => isSyncError(e, 'LOCKED') && /elsewhere/.test(e.message));
    const old = new Date(Date.now() - 2 * 3600_000);
    writeFileSync(lockPath, JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: old.toISOString(), token: 't' }));
    utimesSync(lockPath, old, old);
    const lock = await acquireStorageLock(dir, { logger: nullLogger, waitMs: 150 });
    assert.equal(JSON.parse(readFileSync(lockPath, 'utf8')).host, hostname());
    await lock.release();
  });
});
