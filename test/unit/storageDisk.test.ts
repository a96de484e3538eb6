// The storage lock and the disk under it (issue 16, items 3 and 4), through the built CLI:
// damaged lock files are taken over; a really full disk (a small tmpfs, filled) while the lock is
// written or while the pack arrives, and a read-only storage, are STORAGE_ERROR with one clear
// sentence, leave no empty lock and no tmp_pack_*, and the next sync after freeing space works.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitChanges } from '../support/repos';
import { bareWorkspace, Fixture } from './support/cliHarness';
import { distCli, errorLine, type DistRun } from './support/distCli';

const ENV = { PROJECT_SYNC_TIMEOUT_MS: '10000' };

function ok(run: DistRun, what: string): void {
  assert.ok(!run.hung, `${what}: hung`);
  assert.equal(run.code, 0, `${what}: ${run.stdout.slice(-600)} ${run.stderr.slice(-600)}`);
}

/** Fill the file system under `dir` to the last byte; returns the filler to delete. */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1 << 20, 64 << 10, 4096, 1]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

/** Mount a tmpfs of `size` at a new folder; undefined when this machine does not allow it. */
function tmpfs(size: string): string | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

function unmount(dir: string | undefined): void {
  if (!dir) return;
  execFileSync('umount', [dir], { stdio: 'pipe' });
  rmSync(dir, { recursive: true, force: true });
}

describe('the storage lock and a full or read-only disk (issue 16)', function () {
  this.timeout(180_000);
  let fx: Fixture;
  let tmp: string;
  let pristine: string;

  before(async () => {
    const spec: Record<string, string> = {};
    for (let i = 0; i < 60; i++) spec[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
    fx = await Fixture.create(spec);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-lockdamage-'));
    pristine = path.join(tmp, 'pristine');
    ok(await distCli(['sync', '--repo', fx.workspace.dir, '--storage', pristine, '--json'], ENV), 'first sync');
  });
  after(async () => {
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const damaged: [string, (lock: string) => void][] = [
    ['empty (what a full disk used to leave)', (lock) => writeFileSync(lock, '')],
    ['garbage', (lock) => writeFileSync(lock, '\u0000\u00ffnot json{{')],
    ['a dangling symbolic link', (lock) => symlinkSync(path.join(tmp, 'nowhere', 'gone'), lock)],
    ['a folder', (lock) => {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'inside'), 'kept');
    }],
    ['from another host with a time in the future', (lock) => {
      const future = new Date(Date.now() + 24 * 3600_000);
      writeFileSync(lock, JSON.stringify({ pid: 4242, host: 'another-host.example', startedAt: future.toISOString(), token: 'x' }));
      utimesSync(lock, future, future);
    }],
  ];

  for (const [what, plant] of damaged) {
    it(`a sync.lock that is ${what} is taken over at once, not LOCKED for 10 minutes`, async () => {
      const storage = path.join(tmp, `lock-${damaged.findIndex((d) => d[0] === what)}`);
      cpSync(pristine, storage, { recursive: true });
      plant(path.join(storage, 'sync.lock'));
      const started = Date.now();
      const run = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--json'], ENV);
      ok(run, what);
      assert.ok(Date.now() - started < 9000, 'without waiting for the 10 s lock timeout');
      assert.ok(!existsSync(path.join(storage, 'sync.lock')), 'released after the sync');
      if (what === 'a folder') {
        const aside = readdirSync(storage).find((n) => n.startsWith('sync.lock.stale-'));
        assert.ok(aside && readFileSync(path.join(storage, aside, 'inside'), 'utf8') === 'kept', 'a folder in the way is moved aside, not deleted');
      }
    });
  }

  it('a lock from another host with a recent time is still honoured (LOCKED)', async () => {
    const storage = path.join(tmp, 'lock-honoured');
    cpSync(pristine, storage, { recursive: true });
    writeFileSync(path.join(storage, 'sync.lock'), JSON.stringify({ pid: 4242, host: 'another-host.example', startedAt: new Date().toISOString(), token: 'x' }));
    const run = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--json'], ENV);
    assert.equal(run.code, 1);
    assert.equal(errorLine(run).code, 'LOCKED');
    assert.match(String(errorLine(run).message), /another-host\.example/);
  });

  describe('on a real full tmpfs', () => {
    let disk: string | undefined;
    beforeEach(function () {
      disk = tmpfs('24m');
      if (!disk) this.skip(); // needs root and a kernel that allows mount (see docs/SECURITY.md)
    });
    afterEach(() => unmount(disk));

    it('a full disk when the lock is written: STORAGE_ERROR (not INTERNAL: ENOSPC), no empty sync.lock, fine once space is freed', async () => {
      const storage = path.join(disk as string, 'storage');
      cpSync(pristine, storage, { recursive: true });
      await commitChanges(fx.repo, { 'src/lockdisk.ts': 'export const lockdisk = 1;\n' });
      const filler = fill(disk as string);
      const run = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--json'], ENV);
      assert.equal(run.code, 1, run.stdout);
      const err = errorLine(run);
      assert.equal(err.code, 'STORAGE_ERROR', JSON.stringify(err));
      assert.match(String(err.message), /disk is full/);
      assert.ok(!existsSync(path.join(storage, 'sync.lock')), 'no lock is left behind');
      assert.deepEqual(readdirSync(storage).filter((n) => n.startsWith('sync.lock')), [], 'nor a temp lock');
      rmSync(filler);
      const again = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--json'], ENV);
      ok(again, 'the sync after freeing space');
    });

    it('a read-only storage: STORAGE_ERROR naming it (not INTERNAL: EROFS); reading still works', async () => {
      const storage = path.join(disk as string, 'storage');
      cpSync(pristine, storage, { recursive: true });
      execFileSync('mount', ['-o', 'remount,ro', disk as string]);
      try {
        const run = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--json'], ENV);
        assert.equal(run.code, 1, run.stdout);
        const err = errorLine(run);
        assert.equal(err.code, 'STORAGE_ERROR', JSON.stringify(err));
        assert.match(String(err.message), /read-only/);
        ok(await distCli(['history', '--storage', storage, '--json']), 'history of a read-only storage');
      } finally {
        execFileSync('mount', ['-o', 'remount,rw', disk as string]);
      }
    });

    it('a full disk while REST blobs are stored (portable path, a small delta): STORAGE_ERROR, no temp object left', async () => {
      const env = { ...ENV, PROJECT_SYNC_GIT: 'none' };
      const ws = await bareWorkspace(fx.server, 'octo', 'repo');
      try {
        const storage = path.join(disk as string, 'storage');
        ok(await distCli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], env), 'first sync');
        const few: Record<string, string> = {};
        for (let i = 0; i < 5; i++) few[`rest/r${i}.txt`] = randomBytes(150 * 1024).toString('base64') + '\n';
        await commitChanges(fx.repo, few);
        // Without the base commit in its cache the portable path lists the tree and takes a small
        // change by REST blobs (with it, a thin pack).
        rmSync(path.join(storage, 'objects.git'), { recursive: true, force: true });
        const filler = fill(disk as string);
        rmSync(filler);
        writeFileSync(filler, Buffer.alloc(Math.max(0, sizeFree(disk as string) - 256 * 1024)));
        const run = await distCli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], env);
        assert.equal(run.code, 1, run.stdout);
        const err = errorLine(run);
        assert.equal(err.code, 'STORAGE_ERROR', JSON.stringify(err));
        assert.match(String(err.message), /disk is full/);
        const temps = readdirSync(path.join(storage, 'objects.git', 'objects'), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.tmp'));
        assert.deepEqual(temps, []);
        rmSync(filler);
        ok(await distCli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], env), 'the sync after freeing space');
      } finally {
        await ws.cleanup();
      }
    });

    for (const git of ['git', 'none']) {
      it(`a full disk during the pack (PROJECT_SYNC_GIT=${git}): STORAGE_ERROR said once, not NETWORK; no tmp_pack_* left; fine once space is freed`, async () => {
        const ws = await bareWorkspace(fx.server, 'octo', 'repo');
        try {
          const env = { ...ENV, PROJECT_SYNC_GIT: git };
          const storage = path.join(disk as string, 'storage');
          ok(await distCli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], env), 'first sync (a pack)');
          // 60 new incompressible files, about 3 MB of pack: more than the space left.
          const big: Record<string, string> = {};
          for (let i = 0; i < 60; i++) big[`big-${git}/b${i}.txt`] = randomBytes(36 * 1024).toString('base64') + '\n';
          await commitChanges(fx.repo, big);
          const filler = fill(disk as string);
          rmSync(filler);
          writeFileSync(filler, Buffer.alloc(Math.max(0, sizeFree(disk as string) - 512 * 1024)));
          const run = await distCli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], env);
          assert.equal(run.code, 1, run.stdout);
          const err = errorLine(run);
          assert.equal(err.code, 'STORAGE_ERROR', JSON.stringify(err));
          assert.match(String(err.message), /disk is full/);
          assert.match(String(err.message), /objects\.git/, `it failed while storing the pack: ${String(err.message)}`);
          assert.doesNotMatch(`${err.message} ${err.hint}`, /connection/i);
          const human = await distCli(['sync', '--repo', ws.dir, '--storage', storage], env);
          assert.equal(human.code, 1);
          assert.equal(human.stderr.match(/disk is full/g)?.length, 1, `said once: ${human.stderr}`);
          assert.doesNotMatch(human.stderr, /Check your connection/);
          const leftovers = readdirSync(path.join(storage, 'objects.git'), { recursive: true, encoding: 'utf8' }).filter((n) => /tmp_pack_|tmp_obj_|tmp_idx_|\.lock$/.test(n));
          assert.deepEqual(leftovers, [], 'no temp pack, temp object or lock file is left in objects.git');
          rmSync(filler);
          ok(await distCli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], env), 'the sync after freeing space');
        } finally {
          await ws.cleanup();
        }
      });
    }
  });
});

function sizeFree(dir: string): number {
  const out = execFileSync('df', ['-B1', '--output=avail', dir], { encoding: 'utf8' });
  return Number(out.trim().split('\n').pop());
}
