import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isSyncError, type SyncError } from '../../src/core/errors';
import { migrate, MIGRATIONS, type Migration } from '../../src/storage/migrations';
import { SCHEMA_VERSION } from '../../src/storage';
import { offThread } from '../../src/storage/searchIndexBuild';
import { file, open, repo, syncFiles, tempDirs } from './storageFixtures';

const history = (dir: string) => path.join(dir, 'history.json');

async function expectCorrupt(dir: string): Promise<SyncError> {
  let caught: unknown;
  await open(dir).catch((e: unknown) => (caught = e));
  assert.ok(isSyncError(caught, 'STORAGE_CORRUPT'), `expected STORAGE_CORRUPT, got ${String(caught)}`);
  return caught;
}

/** A store with two syncs, closed. */
async function populated(dir: string): Promise<void> {
  const store = await open(dir);
  await syncFiles(store, [file('a.ts'), file('b.ts')]);
  await syncFiles(store, [file('a.ts', 'v2'), file('b.ts')]);
  await store.close();
}

describe('history store: corruption and schema versions', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  const damages: [string, (text: string) => string][] = [
    ['truncated', (t) => t.slice(0, Math.floor(t.length / 2))],
    ['not JSON', () => 'hello, I am not json'],
    ['the wrong shape', (t) => JSON.stringify({ ...JSON.parse(t), records: [{ id: 42 }] })],
    ['an empty file', () => ''],
    ['a broken chain', (t) => {
      const data = JSON.parse(t) as { records: { previousSyncId: string | null }[] };
      for (const r of data.records) r.previousSyncId = null;
      return JSON.stringify(data);
    }],
  ];
  for (const [what, damage] of damages) {
    it(`moves aside a history.json that is ${what}, reports it, and starts fresh`, async () => {
      const dir = dirs.make();
      await populated(dir);
      const damaged = damage(readFileSync(history(dir), 'utf8'));
      writeFileSync(history(dir), damaged);
      const err = await expectCorrupt(dir);
      assert.match(path.basename(err.details.path ?? ''), /^history\.json\.corrupt-/);
      assert.equal(path.dirname(err.details.path ?? ''), dir);
      assert.equal(readFileSync(err.details.path as string, 'utf8'), damaged, 'the damaged file is kept as it was');
      const fresh = await open(dir);
      assert.deepEqual(fresh.list(), []);
      const s = await syncFiles(fresh, [file('x.ts')]);
      assert.equal(s.previousSyncId, null);
      assert.equal((await open(dir)).activeSync(repo)?.id, s.id);
    });
  }

  for (const folder of ['snapshots', 'memory']) {
    it(`moves aside a corrupt ${folder} file and keeps the history that referenced it`, async () => {
      const dir = dirs.make();
      await populated(dir);
      const victim = readdirSync(path.join(dir, folder)).sort()[0] as string;
      const victimPath = path.join(dir, folder, victim);
      writeFileSync(victimPath, readFileSync(victimPath, 'utf8').slice(0, 20));
      const err = await expectCorrupt(dir);
      assert.equal(path.dirname(err.details.path ?? ''), path.join(dir, folder));
      assert.match(path.basename(err.details.path ?? ''), new RegExp(`^${victim.replace('.', '\\.')}\\.corrupt-`));
      assert.ok(readdirSync(dir).some((n) => n.startsWith('history.json.corrupt-')), 'the history that references it is kept');
      const fresh = await open(dir, { orphanGraceMs: 0 });
      assert.deepEqual(fresh.list(), []);
      await syncFiles(fresh, [file('x.ts')]);
      const others = readdirSync(path.join(dir, folder)).filter((n) => n !== victim && !n.includes('.corrupt-'));
      assert.ok(others.length >= 1, 'files of the moved-aside history are not deleted as orphans');
    });
  }

  // The first query builds the search index on this thread, or for a large memory in a worker thread (storage/searchIndexBuild.ts).
  for (const [where, minMemoryBytes] of [['on this thread', Number.MAX_SAFE_INTEGER], ['in a worker thread', 0]] as const) {
    it(`opens without reading memory files: the history answers, and a same-size damaged memory file is STORAGE_CORRUPT on the first memory query (index built ${where})`, async () => {
      const usual = offThread.minMemoryBytes;
      offThread.minMemoryBytes = minMemoryBytes;
      try {
        const dir = dirs.make();
        await populated(dir);
        const victim = readdirSync(path.join(dir, 'memory')).sort()[0] as string;
        const victimPath = path.join(dir, 'memory', victim);
        const size = readFileSync(victimPath).length;
        writeFileSync(victimPath, 'x'.repeat(size)); // the size recorded at write still matches
        const store = await open(dir);
        assert.equal(store.list().length, 2, 'the history is readable without the memory');
        let caught: unknown;
        await store.memory({ query: 'a' }).catch((e: unknown) => (caught = e));
        assert.ok(isSyncError(caught, 'STORAGE_CORRUPT'), `expected STORAGE_CORRUPT, got ${String(caught)}`);
        assert.match(path.basename(caught.details.path ?? ''), new RegExp(`^${victim.replace('.', '\\.')}\\.corrupt-`));
        assert.ok(readdirSync(dir).some((n) => n.startsWith('history.json.corrupt-')), 'the history that references it is kept aside');
        const fresh = await open(dir);
        assert.deepEqual(fresh.list(), []);
        await syncFiles(fresh, [file('x.ts')]);
        assert.deepEqual((await fresh.memory()).map((e) => e.path), ['x.ts']);
      } finally {
        offThread.minMemoryBytes = usual;
      }
    });
  }

  it('refuses a history written by a newer version and leaves it untouched', async () => {
    const dir = dirs.make();
    await populated(dir);
    const future = JSON.stringify({ ...JSON.parse(readFileSync(history(dir), 'utf8')), schemaVersion: SCHEMA_VERSION + 1 });
    writeFileSync(history(dir), future);
    const err = await expectCorrupt(dir);
    assert.match(err.message, /newer version/);
    assert.equal(readFileSync(history(dir), 'utf8'), future);
    assert.ok(!readdirSync(dir).some((n) => n.includes('.corrupt-')));
    await expectCorrupt(dir);
  });

  it('moves aside a corrupt etag cache without failing the open', async () => {
    const dir = dirs.make();
    await populated(dir);
    writeFileSync(path.join(dir, 'etags.json'), '{"version":1,"entries":[[');
    const store = await open(dir);
    assert.equal(store.etags.get('x'), undefined);
    assert.ok(readdirSync(dir).some((n) => n.startsWith('etags.json.corrupt-')));
    assert.equal(store.list().length, 2);
  });

  describe('migrations', () => {
    // A synthetic schema 0: records only, no indexes; schema 1 adds the commit and snapshot indexes.
    const v0ToV1: Migration = { to: 1, description: 'add commit and snapshot indexes', up: (d) => ({ ...d, commits: [], snapshots: {} }) };

    it('migrates a v0 file to v1 on open, keeping a backup of the original', async () => {
      const dir = dirs.make();
      const v0 = JSON.stringify({ records: [] });
      writeFileSync(history(dir), v0);
      const store = await open(dir, { migrations: [v0ToV1, ...MIGRATIONS] });
      await syncFiles(store, [file('a.ts')]);
      assert.equal(JSON.parse(readFileSync(history(dir), 'utf8')).schemaVersion, SCHEMA_VERSION);
      assert.equal(readFileSync(path.join(dir, 'history.json.v0.bak'), 'utf8'), v0);
    });

    it('treats a file whose migration is missing as corrupt', async () => {
      const dir = dirs.make();
      writeFileSync(history(dir), JSON.stringify({ records: [] }));
      await expectCorrupt(dir);
      assert.ok(!existsSync(history(dir)));
    });

    it('applies numbered steps in order and refuses the future', () => {
      const steps: Migration[] = [
        { to: 2, description: 'b', up: (d) => ({ ...d, trail: `${String(d.trail)}>2` }) },
        { to: 1, description: 'a', up: (d) => ({ ...d, trail: '1' }) },
      ];
      assert.deepEqual(migrate({ schemaVersion: 0 }, steps, 2), { data: { schemaVersion: 2, trail: '1>2' }, from: 0 });
      assert.throws(() => migrate({ schemaVersion: 3 }, steps, 2), /newer version/);
    });
  });
});
