import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { isSyncError } from '../../src/core/errors';
import type { StoreChange } from '../../src/core/ports';
import { byPath, completeWith, factsOf, file, memoryView, open, repo, syncFiles, tempDirs } from './storageFixtures';

const dataFiles = (dir: string) => [...readdirSync(path.join(dir, 'snapshots')), ...readdirSync(path.join(dir, 'memory'))].sort();

describe('history store: chain, supersession, restore', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('creates a missing folder and chains completed syncs by previousSyncId', async () => {
    const dir = path.join(dirs.make(), 'nested', 'storage');
    const store = await open(dir);
    const first = await syncFiles(store, [file('a.ts'), file('b.ts')]);
    const second = await syncFiles(store, [file('a.ts', 'v2'), file('c.ts')]);
    assert.equal(first.previousSyncId, null);
    assert.equal(second.previousSyncId, first.id);
    assert.deepEqual([second.stats.files, second.stats.added, second.stats.modified, second.stats.removed], [2, 1, 1, 1]);
    assert.equal(store.activeSync(repo)?.id, second.id);
    assert.deepEqual(store.list().map((r) => r.id), [second.id, first.id]);
    await store.close();
    const reopened = await open(dir);
    assert.equal(reopened.activeSync(repo)?.id, second.id);
    assert.deepEqual(await reopened.readFiles(first.id), byPath([file('a.ts'), file('b.ts')]));
  });

  it('refuses a second successor of the same sync', async () => {
    const store = await open(dirs.make());
    const base = await syncFiles(store, [file('a.ts')]);
    const x = await store.begin({ repository: repo, branch: 'main' });
    const y = await store.begin({ repository: repo, branch: 'main' });
    assert.equal(y.startedAfterSyncId, base.id);
    await completeWith(store, x, [file('a.ts', 'x')]);
    await assert.rejects(completeWith(store, y, [file('a.ts', 'y')]), (e) => isSyncError(e, 'STORAGE_ERROR') && /already has a successor/.test(e.message));
    assert.equal(store.get(y.id)?.status, 'running');
    assert.equal(store.activeSync(repo)?.id, x.id);
    const links = store.list().filter((r) => r.previousSyncId === base.id);
    assert.equal(links.length, 1);
  });

  it('picks up what another process committed before its own next write', async () => {
    const dir = dirs.make();
    const windowA = await open(dir);
    const windowB = await open(dir);
    const base = await syncFiles(windowA, [file('a.ts')]);
    const late = await windowB.begin({ repository: repo, branch: 'main' });
    assert.equal(late.startedAfterSyncId, base.id);
    const raced = await windowA.begin({ repository: repo, branch: 'main' });
    await completeWith(windowA, raced, [file('a.ts', 'v2')]);
    await assert.rejects(completeWith(windowB, late, [file('a.ts', 'v3')]), (e) => isSyncError(e, 'STORAGE_ERROR'));
    const after = await syncFiles(windowB, [file('a.ts', 'v4')]);
    assert.equal(after.previousSyncId, raced.id);
    assert.deepEqual(memoryView((await windowB.memory())), memoryView([factsOf(file('a.ts', 'v4'))]));
    assert.equal((await open(dir)).list().length, 4);
  });

  it('records failed and cancelled attempts without making them links', async () => {
    const store = await open(dirs.make());
    const base = await syncFiles(store, [file('a.ts')]);
    const failing = await store.begin({ repository: repo, branch: 'main' });
    const failed = await store.fail(failing.id, 'failed', { code: 'NETWORK', message: 'offline' }, 'fetchingTree');
    assert.deepEqual([failed.status, failed.phase, failed.previousSyncId, failed.startedAfterSyncId], ['failed', 'fetchingTree', null, base.id]);
    const next = await syncFiles(store, [file('a.ts', 'v2')]);
    assert.equal(next.previousSyncId, base.id);
    await assert.rejects(store.fail(failing.id, 'cancelled', { code: 'CANCELLED', message: 'x' }), (e) => isSyncError(e, 'STORAGE_ERROR'));
    await assert.rejects(store.readFiles(failing.id), (e) => isSyncError(e, 'SYNC_NOT_FOUND'));
    await assert.rejects(store.readFiles('nope'), (e) => isSyncError(e, 'SYNC_NOT_FOUND'));
  });

  it('supersedes memory across three syncs: modify, delete, re-add a path', async () => {
    const store = await open(dirs.make());
    const s1 = await syncFiles(store, [file('a.ts'), file('b.ts')]);
    const s2 = await syncFiles(store, [file('a.ts', 'v2'), file('b.ts')]);
    const s3 = await syncFiles(store, [file('b.ts')]);
    const s4 = await syncFiles(store, [file('a.ts', 'v3'), file('b.ts')]);
    const active = (await store.memory());
    assert.deepEqual(memoryView(active), memoryView([factsOf(file('a.ts', 'v3')), factsOf(file('b.ts'))]));
    assert.equal(active.find((e) => e.path === 'a.ts')?.introducedBySyncId, s4.id);
    const history = (await store.memory({ includeSuperseded: true })).filter((e) => e.path === 'a.ts');
    assert.deepEqual(
      history.map((e) => [e.blobSha, e.introducedBySyncId, e.supersededBySyncId]),
      [
        [file('a.ts').blobSha, s1.id, s2.id],
        [file('a.ts', 'v2').blobSha, s2.id, s3.id],
        [file('a.ts', 'v3').blobSha, s4.id, null],
      ],
    );
    assert.deepEqual((await store.memoryAt(s3.id)).map((e) => e.path), ['b.ts']);
    assert.deepEqual(memoryView((await store.memoryAt(s2.id))), memoryView([factsOf(file('a.ts', 'v2')), factsOf(file('b.ts'))]));
    assert.deepEqual((await store.memory({ query: 'a.ts' })).map((e) => e.path), ['a.ts']);
  });

  it('restores an older sync: files and active memory equal it, and no record is lost', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    const v1 = [file('a.ts'), file('b.ts'), file('c.ts')];
    const s1 = await syncFiles(store, v1);
    const s2 = await syncFiles(store, [file('a.ts', 'v2'), file('b.ts'), file('d.ts'), file('e.ts')]);
    const before = dataFiles(dir);
    const events: StoreChange[] = [];
    store.onDidChange((e) => events.push(e));
    const r = await store.restore(s1.id);
    assert.deepEqual([r.kind, r.restoredFromSyncId, r.previousSyncId, r.treeSha, r.commitSha, r.status], ['restore', s1.id, s2.id, s1.treeSha, s1.commitSha, 'completed']);
    assert.deepEqual([r.stats.files, r.stats.added, r.stats.modified, r.stats.removed], [3, 1, 1, 2]);
    assert.deepEqual(events, [{ kind: 'restore', syncId: r.id }]);
    assert.equal(store.activeSync(repo)?.id, r.id);
    assert.deepEqual(await store.readFiles(r.id), byPath(v1));
    assert.deepEqual(memoryView((await store.memory())), memoryView(v1.map(factsOf)));
    assert.ok(!dataFiles(dir).some((f) => f.startsWith(s1.treeSha as string) && !before.includes(f)), 'a restore stores no new snapshot');
    assert.deepEqual(store.list().map((x) => x.id), [r.id, s2.id, s1.id]);
    // Syncing after the restore diffs against the restored files.
    const s3 = await syncFiles(store, [...v1, file('f.ts')]);
    assert.deepEqual([s3.previousSyncId, s3.stats.added, s3.stats.modified, s3.stats.removed], [r.id, 1, 0, 0]);
    await store.close();
    const reopened = await open(dir);
    assert.deepEqual(memoryView((await reopened.memory())), memoryView([...v1, file('f.ts')].map(factsOf)));
    assert.deepEqual(memoryView((await reopened.memoryAt(s2.id))), memoryView([file('a.ts', 'v2'), file('b.ts'), file('d.ts'), file('e.ts')].map(factsOf)));
  });

  it('stores no new snapshot or memory file for a no-change sync', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    const files = [file('a.ts'), file('b.ts')];
    await syncFiles(store, files);
    const before = dataFiles(dir);
    const same = await syncFiles(store, files);
    assert.deepEqual([same.stats.added, same.stats.modified, same.stats.removed, same.stats.files], [0, 0, 0, 2]);
    assert.deepEqual(dataFiles(dir), before);
    assert.deepEqual(await store.readFiles(same.id), byPath(files));
  });

  it('fires change events for begin, complete and fail', async () => {
    const store = await open(dirs.make());
    const events: StoreChange[] = [];
    store.onDidChange((e) => events.push(e));
    const done = await syncFiles(store, [file('a.ts')]);
    const attempt = await store.begin({ repository: repo, branch: 'main' });
    await store.fail(attempt.id, 'cancelled', { code: 'CANCELLED', message: 'stop' });
    assert.deepEqual(events, [
      { kind: 'begin', syncId: done.id },
      { kind: 'complete', syncId: done.id },
      { kind: 'begin', syncId: attempt.id },
      { kind: 'fail', syncId: attempt.id },
    ]);
  });

  it('keeps etags across reopen, bounded in size', async () => {
    const dir = dirs.make();
    const store = await open(dir, { etagMaxBytes: 200 });
    store.etags.set('a', '"1"', { x: 1 });
    for (let i = 0; i < 20; i++) store.etags.set(`k${i}`, `"e${i}"`, { n: i });
    await store.close();
    const again = await open(dir);
    assert.deepEqual(again.etags.get('k19'), { etag: '"e19"', body: { n: 19 } });
    assert.equal(again.etags.get('a'), undefined, 'the least recently used entry was dropped');
  });
});
