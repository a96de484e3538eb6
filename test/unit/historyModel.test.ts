// The one model of history (docs/ARCHITECTURE.md): each sync's base is the latest link of its own
// repository and branch, the active sync is the latest link of its repository, one diff decides
// what changed — for syncs, restores and stored deltas alike.
import { strict as assert } from 'node:assert';
import { diffSnapshots } from '../../src/core/diff';
import type { RepositoryFile } from '../../src/core/types';
import { byPath, completeWith, file, memoryView, factsOf, open, repo, syncFiles, tempDirs } from './storageFixtures';

const other = { host: 'github.com', owner: 'octo', name: 'second' };
const counts = (r: { stats: { added: number; modified: number; removed: number } }) => [r.stats.added, r.stats.modified, r.stats.removed];

describe('history model: base, active sync, one diff', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('compares a sync with the last sync of the same branch, not with whatever was synced last', async () => {
    const store = await open(dirs.make());
    const mainV1 = Array.from({ length: 20 }, (_, i) => file(`src/m${i}.ts`));
    const feature = [...mainV1.slice(0, 5), ...Array.from({ length: 30 }, (_, i) => file(`feature/f${i}.ts`))];
    const m1 = await syncFiles(store, mainV1, { branch: 'main' });
    const f1 = await syncFiles(store, feature, { branch: 'feature/graphql' });
    assert.equal(f1.baseSyncId, null, 'the first sync of a branch has no base');
    assert.deepEqual(counts(f1), [feature.length, 0, 0], 'everything is added in a first sync of a branch');
    assert.equal(f1.previousSyncId, m1.id, 'the chain still orders syncs as they happened');
    const mainV2 = mainV1.map((f, i) => (i < 6 ? file(f.path, 'v2') : f));
    const m2 = await syncFiles(store, mainV2, { branch: 'main' });
    assert.equal(m2.baseSyncId, m1.id);
    assert.equal(m2.previousSyncId, f1.id);
    assert.deepEqual(counts(m2), [0, 6, 0]);
    assert.equal(store.activeSync(repo)?.id, m2.id);
    assert.equal(store.baseFor(repo, 'feature/graphql')?.id, f1.id);
    // The active memory is main's new snapshot exactly, not feature's with main's diff applied.
    assert.deepEqual(memoryView((await store.memory({ repository: repo }))), memoryView(mainV2.map(factsOf)));
    const reopened = await open(store.dir);
    assert.deepEqual(memoryView((await reopened.memory({ repository: repo }))), memoryView(mainV2.map(factsOf)));
    assert.equal(reopened.get(m2.id)?.baseSyncId, m1.id);
  });

  it('keeps two repositories in one storage apart: own first links, own bases, own active sync', async () => {
    const store = await open(dirs.make());
    const a1 = await syncFiles(store, [file('a.ts')]);
    const b1 = await syncFiles(store, [file('b.ts')], { repository: other });
    assert.equal(b1.previousSyncId, null, 'a first link in the second repository is allowed');
    assert.equal(b1.baseSyncId, null);
    const a2 = await syncFiles(store, [file('a.ts', 'v2')]);
    const b2 = await syncFiles(store, [file('b.ts'), file('c.ts')], { repository: other });
    assert.deepEqual([a2.previousSyncId, a2.baseSyncId, b2.previousSyncId, b2.baseSyncId], [a1.id, a1.id, b1.id, b1.id]);
    assert.deepEqual([counts(a2), counts(b2)], [[0, 1, 0], [1, 0, 0]]);
    assert.equal(store.activeSync(repo)?.id, a2.id);
    assert.equal(store.activeSync(other)?.id, b2.id);
    assert.equal(store.activeSync()?.id, b2.id, 'without a repository: the latest link of any');
    assert.deepEqual((await store.memory({ repository: repo })).map((e) => e.path), ['a.ts']);
    assert.deepEqual((await store.memory({ repository: other })).map((e) => e.path), ['b.ts', 'c.ts']);
    // A second successor is refused within a repository, whatever the other repository holds.
    const x = await store.begin({ repository: other, branch: 'main' });
    const y = await store.begin({ repository: other, branch: 'main' });
    await completeWith(store, x, [file('b.ts', 'x')], { repository: other });
    await assert.rejects(completeWith(store, y, [file('b.ts', 'y')], { repository: other }), /already has a successor|no longer the latest/);
    assert.equal(store.activeSync(repo)?.id, a2.id, 'the first repository is untouched');
  });

  it('keeps a mode-only change (chmod) through a reopen of the store', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    const script = file('bin/run.sh');
    const files = [script, ...Array.from({ length: 40 }, (_, i) => file(`lib/${i}.ts`))];
    await syncFiles(store, files);
    const chmod: RepositoryFile = { ...script, mode: '100755' };
    const second = await syncFiles(store, [chmod, ...files.slice(1)]);
    assert.deepEqual(counts(second), [0, 1, 0], 'a chmod is a modification');
    await store.close();
    const reopened = await open(dir);
    const after = await reopened.readFiles(second.id);
    assert.equal(after.find((f) => f.path === 'bin/run.sh')?.mode, '100755');
    assert.deepEqual(after, byPath([chmod, ...files.slice(1)]));
  });

  it('counts a restore the way a sync counts the same pair of trees', async () => {
    const store = await open(dirs.make());
    const v1 = [file('a.ts'), file('b.ts'), { ...file('c.sh'), mode: '100755' as const }];
    const v2 = [file('a.ts', 'v2'), { ...file('c.sh'), mode: '100644' as const, size: 99 }, file('d.ts')];
    const s1 = await syncFiles(store, v1);
    const s2 = await syncFiles(store, v2);
    const restored = await store.restore(s1.id);
    assert.equal(restored.baseSyncId, s2.id, "a restore's base is the branch's latest link");
    const syncSameTrees = diffSnapshots(v2, v1);
    assert.deepEqual(counts(restored), [syncSameTrees.added.length, syncSameTrees.modified.length, syncSameTrees.removed.length]);
    assert.deepEqual(counts(restored), [1, 2, 1]);
    // And a sync from v2 back to v1's files counts exactly the same.
    const again = await syncFiles(store, v2);
    const back = await syncFiles(store, v1);
    assert.equal(again.baseSyncId, restored.id);
    assert.deepEqual(counts(back), counts(restored));
  });

  it('finds a file by its name at any depth', async () => {
    const store = await open(dirs.make());
    const deep = file('packages/core/src/lib/internal/http/router.ts');
    const noise = Array.from({ length: 300 }, (_, i) => file(`packages/p${i}/src/router-utils-${i}/index.ts`));
    await syncFiles(store, [deep, ...noise]);
    const hits = (await store.memory({ query: 'router', limit: 10 })).map((e) => e.path);
    assert.ok(hits.includes(deep.path), `router.ts is among the first 10: ${hits.join(', ')}`);
    assert.equal((await store.memory({ query: 'router.ts', limit: 1 }))[0]?.path, deep.path);
  });
});

describe('history model: schema 2 migration', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('names the base of version-1 links (their previousSyncId, what they were diffed against) and keeps a backup', async () => {
    const { readFileSync, writeFileSync, existsSync } = await import('node:fs');
    const path = await import('node:path');
    const dir = dirs.make();
    const store = await open(dir);
    const s1 = await syncFiles(store, [file('a.ts')]);
    const s2 = await syncFiles(store, [file('a.ts', 'v2')], { branch: 'feature' });
    const failed = await store.begin({ repository: repo, branch: 'main' });
    await store.fail(failed.id, 'failed', { code: 'NETWORK', message: 'x' });
    await store.close();
    const file1 = path.join(dir, 'history.json');
    const v2 = JSON.parse(readFileSync(file1, 'utf8')) as { schemaVersion: number; records: Array<Record<string, unknown>> };
    const v1 = { ...v2, schemaVersion: 1, records: v2.records.map(({ baseSyncId: _drop, ...r }) => r) };
    writeFileSync(file1, JSON.stringify(v1));
    const reopened = await open(dir);
    assert.deepEqual(
      [reopened.get(s1.id)?.baseSyncId, reopened.get(s2.id)?.baseSyncId, reopened.get(failed.id)?.baseSyncId],
      [null, s1.id, null],
    );
    assert.ok(existsSync(path.join(dir, 'history.json.v1.bak')));
    assert.equal((JSON.parse(readFileSync(file1, 'utf8')) as { schemaVersion: number }).schemaVersion, 2);
  });
});

describe('history model: readers during a commit', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('list(), get() and activeSync() agree at every moment of a restore (a commit in flight is invisible until written)', async () => {
    const store = await open(dirs.make());
    const a = await syncFiles(store, [file('a.ts')]);
    await syncFiles(store, [file('a.ts', 'v2')]);
    let done = false;
    const restoring = store.restore(a.id).finally(() => (done = true));
    let checks = 0;
    while (!done) {
      const newestLink = store.list().find((r) => r.status === 'completed');
      assert.equal(store.activeSync(repo)?.id, newestLink?.id, 'the active sync is the newest link the list shows');
      assert.ok(newestLink && store.get(newestLink.id), 'every listed record can be read');
      checks++;
      await new Promise((r) => setImmediate(r));
    }
    const restored = await restoring;
    assert.equal(store.activeSync(repo)?.id, restored.id);
    assert.ok(checks > 1, `observed ${checks} moments`);
  });
});
