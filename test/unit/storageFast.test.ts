// The store's fast paths: a no-change sync completed without its file list, the hand-written
// validators of the big arrays (same verdicts as the zod schemas), and snapshot validation on read.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { isSyncError } from '../../src/core/errors';
import { nullLogger } from '../../src/core/logger';
import type { CompleteSyncInput, HistoryStore } from '../../src/core/ports';
import { emptyStats, repositoryFileSchema, type RepositoryFile, type SyncRecord } from '../../src/core/types';
import { fileTupleSchema, memoryFileSchema, snapshotFileSchema, toTuple } from '../../src/storage/schema';
import { snapshotJson } from '../../src/storage/snapshots';
import { checkRepositoryFiles, memoryFacts, memoryFile, repositoryFile, ShapeError, snapshotFile } from '../../src/storage/validate';
import { byPath, factsOf, file, memoryView, open, repo, sha, syncFiles, tempDirs, treeOf } from './storageFixtures';

const dataFiles = (dir: string): string[] => ['snapshots', 'memory'].flatMap((d) => readdirSync(path.join(dir, d)).map((n) => `${d}/${n}`)).sort();

/** A no-change completion as the pipeline sends it: no files, an empty diff, no memory. */
const unchanged = (treeSha: string, baseSyncId: string | null): CompleteSyncInput => ({
  baseSyncId,
  commitSha: sha(`commit ${treeSha}`),
  treeSha,
  commitMessage: 'same',
  forcePushed: false,
  diff: { added: [], modified: [], removed: [] },
  memory: [],
  stats: emptyStats(),
});

async function rejected(p: Promise<unknown>, code: 'STORAGE_ERROR' | 'STORAGE_CORRUPT'): Promise<unknown> {
  let caught: unknown;
  await p.catch((e: unknown) => (caught = e));
  assert.ok(isSyncError(caught, code), `expected ${code}, got ${String(caught)}`);
  return caught;
}

describe('history store: no-change sync without files', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  async function withHead(dir: string): Promise<{ store: HistoryStore; head: SyncRecord; files: ReturnType<typeof file>[] }> {
    const store = await open(dir);
    const files = [file('a.ts'), file('b.ts'), file('c/d.ts')];
    await syncFiles(store, [file('a.ts')]);
    const head = await syncFiles(store, files);
    return { store, head, files };
  }

  it("completes on the head's tree: its file count and snapshot, no new file, memory unchanged", async () => {
    const dir = dirs.make();
    const { store, head, files } = await withHead(dir);
    const before = dataFiles(dir);
    const memoryBefore = memoryView((await store.memory()));
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const done = await store.complete(rec.id, unchanged(head.treeSha as string, head.id));
    assert.equal(done.status, 'completed');
    assert.equal(done.previousSyncId, head.id);
    assert.deepEqual([done.stats.files, done.stats.added, done.stats.modified, done.stats.removed], [3, 0, 0, 0]);
    assert.deepEqual(dataFiles(dir), before, 'no snapshot or memory file written');
    assert.deepEqual(await store.readFiles(done.id), byPath(files));
    assert.deepEqual(memoryView((await store.memory())), memoryBefore);
    await store.close();
    const reopened = await open(dir);
    assert.equal(reopened.activeSync(repo)?.id, done.id);
    assert.deepEqual(await reopened.readFiles(done.id), byPath(files));
    assert.deepEqual(memoryView((await reopened.memoryAt(done.id))), memoryBefore);
  });

  it('refuses a first sync without files: there is no base to apply a diff to', async () => {
    const dir = dirs.make();
    const first = await open(dir);
    const rec0 = await first.begin({ repository: repo, branch: 'main' });
    const err = await rejected(first.complete(rec0.id, unchanged(treeOf([file('a.ts')]), null)), 'STORAGE_ERROR');
    assert.match(String(err), /no base/);
    assert.equal(first.get(rec0.id)?.status, 'running', 'the attempt can still be failed or completed properly');
  });

  it('writes a new tree given only its diff as the base plus a delta, read back exactly after a reopen', async () => {
    const dir = dirs.make();
    const { store, head, files } = await withHead(dir);
    const next = [file('a.ts', 'v2'), file('c/d.ts'), file('e.ts')];
    const diff = { added: [file('e.ts')], modified: [{ before: file('a.ts'), after: file('a.ts', 'v2') }], removed: [file('b.ts')] };
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const done = await store.complete(rec.id, { ...unchanged(treeOf(next), head.id), diff, memory: [factsOf(file('a.ts', 'v2')), factsOf(file('e.ts'))] });
    assert.deepEqual([done.stats.files, done.stats.added, done.stats.modified, done.stats.removed], [3, 1, 1, 1]);
    await store.close();
    const reopened = await open(dir);
    assert.deepEqual(await reopened.readFiles(done.id), byPath(next));
    assert.deepEqual(await reopened.readFiles(head.id), byPath(files));
    assert.deepEqual(memoryView((await reopened.memory())), memoryView(next.map(factsOf)));
  });
});

describe('history store: hand-written validators agree with the zod schemas', () => {
  const good = file('src/a.ts');
  const tuple = [good.path, good.blobSha, good.mode, good.size];
  const tuples: unknown[] = [
    tuple,
    [good.path, good.blobSha, '160000', null],
    ['', good.blobSha, good.mode, 1],
    [good.path, good.blobSha.toUpperCase(), good.mode, 1],
    [good.path, good.blobSha, '100600', 1],
    [good.path, good.blobSha, good.mode, -1],
    [good.path, good.blobSha, good.mode, 1.5],
    [good.path, good.blobSha, good.mode],
    [good.path, good.blobSha, good.mode, 1, 'extra'],
    { 0: good.path },
    null,
  ];
  const facts = factsOf(good);
  const factsCases: unknown[] = [facts, { ...facts, path: '' }, { ...facts, lines: -2 }, { ...facts, symbols: ['x', 3] }, { ...facts, summary: null }, { ...facts, blobSha: 'abc' }, 'facts'];

  const agree = (schema: z.ZodType, check: (v: unknown) => unknown, v: unknown): void => {
    const expected = schema.safeParse(v);
    let ours: unknown;
    let problem: unknown;
    try {
      ours = check(v);
    } catch (e) {
      problem = e;
    }
    assert.equal(problem === undefined, expected.success, `${JSON.stringify(v)}: zod says ${expected.success ? 'valid' : 'invalid'}`);
    if (expected.success) assert.deepEqual(ours, expected.data);
    else assert.ok(problem instanceof ShapeError);
  };

  it('on snapshot entries, repository files and memory facts', () => {
    for (const t of tuples) agree(fileTupleSchema, (v) => snapshotFile({ parent: null, treeSha: good.blobSha, upsert: [v], remove: [] }).upsert[0], t);
    for (const t of tuples) agree(z.array(fileTupleSchema), (v) => snapshotFile({ parent: null, treeSha: good.blobSha, upsert: v, remove: [] }).upsert, [tuple, t]);
    const asObject = (t: unknown) => (Array.isArray(t) ? { path: t[0], blobSha: t[1], mode: t[2], size: t[3] } : t);
    for (const t of tuples) agree(repositoryFileSchema, repositoryFile, asObject(t));
    const passes = (v: unknown) => (checkRepositoryFiles(v, 'files'), v);
    for (const t of tuples) agree(z.array(repositoryFileSchema), passes, [good, asObject(t)]);
    const factsSchema = memoryFileSchema.shape.introduce.element;
    for (const f of factsCases) agree(factsSchema, memoryFacts, f);
  });

  it('on whole snapshot and memory files', () => {
    const snapshots: unknown[] = [
      { parent: null, treeSha: good.blobSha, upsert: [tuple], remove: [] },
      { parent: good.blobSha, treeSha: good.blobSha, upsert: [], remove: ['x'] },
      { parent: 'nope', treeSha: good.blobSha, upsert: [], remove: [] },
      { parent: null, treeSha: good.blobSha, upsert: [], remove: [1] },
      { parent: null, treeSha: good.blobSha, upsert: {}, remove: [] },
      { treeSha: good.blobSha, upsert: [], remove: [] },
      [],
    ];
    for (const s of snapshots) agree(snapshotFileSchema, snapshotFile, s);
    const memories: unknown[] = [
      { syncId: 's1', supersede: ['a'], introduce: [facts] },
      { syncId: '', supersede: [], introduce: [] },
      { syncId: 's1', supersede: 'a', introduce: [] },
      { syncId: 's1', supersede: [], introduce: [{ ...facts, lines: 'many' }] },
    ];
    for (const m of memories) agree(memoryFileSchema, memoryFile, m);
  });

  it('names where the problem is', () => {
    assert.throws(() => snapshotFile({ parent: null, treeSha: good.blobSha, upsert: [tuple, tuple, [good.path, 'x', good.mode, 1]], remove: [] }), /^Error: upsert\.2\.1: a 40-digit lowercase hex sha$/);
    assert.throws(() => snapshotFile({ parent: null, treeSha: good.blobSha, upsert: [tuple, 'x'], remove: [] }), /^Error: upsert\.1: expected an array$/);
    assert.throws(() => memoryFile({ syncId: 's', supersede: [], introduce: [facts, { ...facts, symbols: ['a', 7] }] }), /^Error: introduce\.1\.symbols\.1: expected a string$/);
    assert.throws(() => checkRepositoryFiles([good, { ...good, size: -1 }], 'files'), /^Error: files\.1\.size: expected a non-negative integer$/);
  });
});

describe('history store: snapshots validated when read, not on open', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('a snapshot damaged without changing its size is found on first read and moved aside', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    const done = await syncFiles(store, [file('a.ts'), file('b.ts')]);
    await store.close();
    const [victim] = readdirSync(path.join(dir, 'snapshots'));
    const victimPath = path.join(dir, 'snapshots', victim as string);
    const text = readFileSync(victimPath, 'utf8');
    writeFileSync(victimPath, text.replace(/"100644"/, '"100600"'));
    const reopened = await open(dir);
    assert.equal(reopened.activeSync(repo)?.id, done.id, 'open does not decode snapshots');
    const err = await rejected(reopened.readFiles(done.id), 'STORAGE_CORRUPT');
    assert.match(String(err), /upsert\.0\.2/);
    assert.ok(readdirSync(path.join(dir, 'snapshots')).some((n) => n.startsWith(`${victim as string}.corrupt-`)));
    await rejected(reopened.begin({ repository: repo, branch: 'main' }), 'STORAGE_CORRUPT');
    const fresh = await open(dir);
    assert.deepEqual(fresh.list(), []);
  });
});

describe('history store: a snapshot file written in pieces', () => {
  const files = [
    { path: 'a b.txt', blobSha: sha('1'), mode: '100644' as const, size: 12 },
    { path: 'caf\udce8 — 名前 "quoted"\\.md', blobSha: sha('2'), mode: '100755' as const, size: 0 },
    { path: 'del\x7f~', blobSha: sha('5'), mode: '100644' as const, size: Number.MAX_SAFE_INTEGER },
    { path: 'vendor', blobSha: sha('3'), mode: '160000' as const, size: null },
    { path: 'new\nline', blobSha: sha('4'), mode: '120000' as const, size: 7 },
  ];
  /** Bytes as the file gets them: the pieces joined. */
  const joined = (pieces: Iterable<Buffer>): string => Buffer.concat([...pieces]).toString('utf8');

  it('is JSON.stringify of the file, tuples given as files or as tuples, cut anywhere', () => {
    const base = { parent: null, treeSha: sha('tree'), upsert: files.map(toTuple), remove: [] };
    const delta = { parent: sha('parent'), treeSha: sha('tree 2'), upsert: files.slice(1).map(toTuple), remove: ['gone', 'caf\udce8 "x"'] };
    for (const piece of [1, 7, 64, 1 << 16]) {
      assert.equal(joined(snapshotJson({ ...base, upsert: files }, piece)), JSON.stringify(base));
      assert.equal(joined(snapshotJson(base, piece)), JSON.stringify(base));
      assert.equal(joined(snapshotJson(delta, piece)), JSON.stringify(delta));
      assert.equal(joined(snapshotJson({ ...delta, upsert: [], remove: [] }, piece)), JSON.stringify({ ...delta, upsert: [], remove: [] }));
    }
    assert.ok([...snapshotJson({ ...base, upsert: files }, 7)].length > 1, 'in several pieces');
  });

  it('paths longer than a piece, and escaped paths that outgrow the room left in one, come out as JSON.stringify', () => {
    // A tuple's bytes besides its path are at most 80: each length below lands a path at, across
    // and past a 256-byte piece's end, plain or growing sixfold when escaped (a control character).
    const long: RepositoryFile[] = [];
    for (const n of [1, 90, 150, 175, 176, 177, 250, 300, 700]) {
      long.push({ path: `p${n}/${'x'.repeat(n)}`, blobSha: sha(`p${n}`), mode: '100644', size: n });
      long.push({ path: `q${n}/${'\x01'.repeat(n)}`, blobSha: sha(`q${n}`), mode: '100644', size: n });
      long.push({ path: `r${n}/${'é'.repeat(n)}`, blobSha: sha(`r${n}`), mode: '100644', size: null });
    }
    const node = { parent: null, treeSha: sha('long'), upsert: long.map(toTuple), remove: long.map((f) => f.path) };
    for (const piece of [1, 64, 256, 1000]) {
      const pieces = [...snapshotJson({ ...node, upsert: long }, piece)];
      assert.equal(joined(pieces), JSON.stringify(node), `pieces of ${piece}`);
      assert.ok(pieces.every((b) => b.length > 0), 'no empty piece');
    }
  });
});

describe('history store: the ETag cache beside a commit', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('a sync whose ETag cache cannot be written is saved all the same, says so once, and the cache is written by the next flush', async () => {
    const dir = dirs.make();
    let full = true;
    const warnings: string[] = [];
    const logger = { ...nullLogger, warn: (m: string) => void warnings.push(m) };
    const store = await open(dir, {
      logger,
      failpoint: (step) => {
        if (full && step.includes('etags.json')) throw Object.assign(new Error(`ENOSPC: no space left on device, ${step}`), { code: 'ENOSPC' });
      },
    });
    // A REST answer the sync kept a validator for.
    store.etags.set('GET /repos/octo/demo/git/ref/heads/main', 'W/"1"', { data: { object: { sha: sha('head') } } });
    const done = await syncFiles(store, [file('a.ts')]);
    assert.equal(done.status, 'completed');
    assert.equal(store.get(done.id)?.status, 'completed');
    assert.equal(warnings.filter((w) => /ETag cache/.test(w)).length, 1, warnings.join('\n'));
    assert.ok(!readdirSync(dir).includes('etags.json'), 'not written while the disk is full');
    full = false;
    await store.close();
    const again = await open(dir);
    assert.equal(again.etags.get('GET /repos/octo/demo/git/ref/heads/main')?.etag, 'W/"1"', 'written by the flush after the failed one');
    assert.equal(again.get(done.id)?.status, 'completed');
    await again.close();
  });

  it('a disk still full when the store closes fails no command either: close() resolves and says so again', async () => {
    const dir = dirs.make();
    const warnings: string[] = [];
    const logger = { ...nullLogger, warn: (m: string) => void warnings.push(m) };
    const store = await open(dir, {
      logger,
      failpoint: (step) => {
        if (step.includes('etags.json')) throw Object.assign(new Error(`ENOSPC: no space left on device, ${step}`), { code: 'ENOSPC' });
      },
    });
    store.etags.set('GET /repos/octo/demo/git/ref/heads/main', 'W/"1"', { data: {} });
    const done = await syncFiles(store, [file('a.ts')]);
    await store.close();
    assert.equal(warnings.filter((w) => /ETag cache/.test(w)).length, 2, warnings.join('\n'));
    const again = await open(dir);
    assert.equal(again.get(done.id)?.status, 'completed');
    assert.equal(again.etags.get('GET /repos/octo/demo/git/ref/heads/main'), undefined, 'never written');
    await again.close();
  });
});
