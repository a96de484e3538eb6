// `--storage` pointed at the wrong place (issue 16, item 5): somebody's existing folder is refused
// and left exactly as it was; a typo on a read command creates nothing and says there is no storage.
// Through the built CLI.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distCli, errorLine } from './support/distCli';

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('--storage on a folder that is not a store (issue 16)', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-folder-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** A user's folder whose names look like ours: snapshots/x, memory/y, a.tmp-z, all an hour old. */
  function usersFolder(): string {
    const dir = path.join(tmp, 'mine');
    mkdirSync(path.join(dir, 'snapshots'), { recursive: true });
    mkdirSync(path.join(dir, 'memory'), { recursive: true });
    const old = new Date(Date.now() - 3600_000);
    for (const rel of ['snapshots/x', 'memory/y', 'a.tmp-z', 'notes.txt']) {
      writeFileSync(path.join(dir, rel), `user data ${rel}`);
      utimesSync(path.join(dir, rel), old, old);
    }
    return dir;
  }

  for (const args of [['history'], ['files'], ['memory'], ['restore', '00000000-0000-4000-8000-000000000000'], ['sync', '--repo', '.']]) {
    it(`${args[0]}: refuses a non-empty folder without history.json (STORAGE_ERROR, exit 1) and deletes nothing`, async () => {
      const dir = usersFolder();
      const before = tree(dir);
      const run = await distCli([...args, '--storage', dir, '--json']);
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const err = errorLine(run);
      assert.equal(err.code, 'STORAGE_ERROR');
      assert.match(String(err.message), /not a Project Sync storage folder/);
      assert.deepEqual(tree(dir), before, 'every file of the folder is still there');
      for (const rel of ['snapshots/x', 'memory/y', 'a.tmp-z']) assert.equal(readFileSync(path.join(dir, rel), 'utf8'), `user data ${rel}`);
      const human = await distCli([...args, '--storage', dir]);
      assert.equal(human.code, 1);
      assert.match(human.stderr, /not a Project Sync storage folder/);
      assert.doesNotMatch(human.stdout, /No syncs yet/);
    });
  }

  for (const args of [['history'], ['files'], ['memory'], ['restore', '00000000-0000-4000-8000-000000000000']]) {
    it(`${args[0]} --storage on a missing folder (a typo): "no storage there" (SYNC_NOT_FOUND), exit 1, nothing created`, async () => {
      const typo = path.join(tmp, 'typo');
      const run = await distCli([...args, '--storage', typo, '--json']);
      assert.equal(run.code, 1, run.stdout);
      const err = errorLine(run);
      assert.equal(err.code, 'SYNC_NOT_FOUND', 'no sync can be found where there is no storage (the code restore/files gave for an unknown id)');
      assert.match(String(err.message), /There is no Project Sync storage at/);
      assert.ok(!existsSync(typo), 'no storage was created');
      const human = await distCli([...args, '--storage', typo]);
      assert.equal(human.code, 1);
      assert.match(human.stderr, /There is no Project Sync storage at .*typo/);
      assert.ok(!existsSync(typo));
    });
  }

  it('history of an existing empty store still says "No syncs yet." (exit 0), and an empty folder is left empty', async () => {
    const store = path.join(tmp, 'store');
    mkdirSync(store);
    writeFileSync(path.join(store, 'history.json'), JSON.stringify({ schemaVersion: 1, records: [], commits: [], snapshots: {} }));
    const run = await distCli(['history', '--storage', store]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'No syncs yet.\n');
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    const fresh = await distCli(['history', '--storage', empty]);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(fresh.stdout, 'No syncs yet.\n');
    assert.deepEqual(readdirSync(empty), [], 'a read command writes nothing');
  });

  it('--storage on a file: STORAGE_ERROR with a clear sentence (not INTERNAL: EEXIST)', async () => {
    const file = path.join(tmp, 'a-file');
    writeFileSync(file, 'not a folder');
    for (const args of [['sync', '--repo', '.'], ['history']]) {
      const run = await distCli([...args, '--storage', file, '--json']);
      assert.equal(run.code, 1);
      const err = errorLine(run);
      assert.equal(err.code, 'STORAGE_ERROR', JSON.stringify(err));
      assert.match(String(err.message), /is not a folder/);
    }
    assert.equal(readFileSync(file, 'utf8'), 'not a folder');
  });

  it('a real store keeps its own orphans cleaned, but never a name it did not give', async () => {
    const store = path.join(tmp, 'store2');
    mkdirSync(path.join(store, 'snapshots'), { recursive: true });
    writeFileSync(path.join(store, 'history.json'), JSON.stringify({ schemaVersion: 1, records: [], commits: [], snapshots: {} }));
    const old = new Date(Date.now() - 3600_000);
    const ours = `snapshots/${'a'.repeat(40)}-0123abcd.json`;
    for (const rel of [ours, 'snapshots/x', 'a.tmp-z', 'history.json.tmp-0123abcd']) {
      writeFileSync(path.join(store, rel), '{}');
      utimesSync(path.join(store, rel), old, old);
    }
    const run = await distCli(['history', '--storage', store]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!existsSync(path.join(store, ours)), 'an old unreferenced snapshot of ours is removed');
    assert.ok(!existsSync(path.join(store, 'history.json.tmp-0123abcd')), 'and an old temp file of ours');
    assert.ok(existsSync(path.join(store, 'snapshots/x')) && existsSync(path.join(store, 'a.tmp-z')), 'names we never give are left alone');
  });
});
