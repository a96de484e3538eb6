// The store's persisted search index (memory.index, storage/memorySearchCache.ts): a query with words
// is answered from it in a new process as from an index built afresh; it is brought up to date with
// links committed after it was written; a damaged, truncated or foreign file is ignored and
// rewritten, never STORAGE_CORRUPT; it is not written while another process holds the storage lock.
// All of it holds whether the index is built on the calling thread or, for a large memory, in a
// worker thread (storage/searchIndexBuild.ts): the suite runs once each way.
import { strict as assert } from 'node:assert';
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SearchIndex } from '../../src/core/memory';
import type { HistoryStore } from '../../src/core/ports';
import type { MemoryEntry, RepositoryFile, RepositoryRef } from '../../src/core/types';
import { nullLogger } from '../../src/core/logger';
import { acquireStorageLock } from '../../src/storage';
import { changedFiles, diffSnapshots } from '../../src/core/diff';
import { emptyStats } from '../../src/core/types';
import { LARGE_CHANGE_BYTES, offThread } from '../../src/storage/searchIndexBuild';
import { StoredIndex } from '../../src/core/memory/storedIndex';
import { factsOf, file, open, repo, sha, syncFiles, tempDirs, treeOf } from './storageFixtures';

const INDEX = 'memory.index';
const WORDS = ['sync', 'config', 'parser', 'handler', 'router', 'cookie', 'server', 'client', 'storage', 'memory', 'search', 'token'];
const QUERIES = ['sync', 'config parser', 'handl', 'routerr', 'cookie server', 'storage', 'memory search token', 'nothing-here'];
const other: RepositoryRef = { host: 'github.com', owner: 'octo', name: 'other' };

function tree(n: number, version = 'v1', skip = -1): RepositoryFile[] {
  const out: RepositoryFile[] = [];
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    const a = WORDS[i % WORDS.length] as string;
    const b = WORDS[(i * 7 + 3) % WORDS.length] as string;
    out.push(file(`src/${a}/${b}${i}.ts`, i % 10 === 0 ? version : 'v1'));
  }
  return out;
}

/** The active entries in path order as the memory files give them (never from an index: superseded ones included, then left out). */
async function truth(store: HistoryStore, repository?: RepositoryRef): Promise<MemoryEntry[]> {
  const all = await store.memory({ limit: Number.MAX_SAFE_INTEGER, includeSuperseded: true, ...(repository ? { repository } : {}) });
  return all.filter((e) => e.supersededBySyncId === null);
}

/** The answers of the in-memory path: a SearchIndex over the active entries (what the store did before memory.index). */
async function reference(store: HistoryStore, q: string, repository?: RepositoryRef): Promise<MemoryEntry[]> {
  return new SearchIndex(await truth(store, repository)).search(q, 20);
}

/** A listing (no words) of `repository`'s entries: all, and the first 10. */
async function listings(store: HistoryStore, repository: RepositoryRef = repo): Promise<MemoryEntry[][]> {
  return [await store.memory({ limit: Number.MAX_SAFE_INTEGER, repository }), await store.memory({ limit: 10, repository })];
}

/**
 * `fn` on a store of `dir` opened while these memory files hold same-size garbage (reading one is
 * STORAGE_CORRUPT); the store is closed and the files put back after.
 */
async function whileDamaged(dir: string, files: readonly string[], fn: (store: HistoryStore) => Promise<void>): Promise<void> {
  const originals = files.map((f) => [f, readFileSync(f)] as const);
  for (const [f, bytes] of originals) writeFileSync(f, Buffer.alloc(bytes.length, 0x20));
  try {
    const store = await open(dir);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  } finally {
    for (const [f, bytes] of originals) writeFileSync(f, bytes);
  }
}

async function answers(store: HistoryStore, repository?: RepositoryRef): Promise<MemoryEntry[][]> {
  const out: MemoryEntry[][] = [];
  for (const q of QUERIES) out.push(await store.memory({ query: q, limit: 20, ...(repository ? { repository } : {}) }));
  return out;
}

async function references(store: HistoryStore, repository?: RepositoryRef): Promise<MemoryEntry[][]> {
  const out: MemoryEntry[][] = [];
  for (const q of QUERIES) out.push(await reference(store, q, repository));
  return out;
}

/** Every file of `tree(1_200)` moved from src/ to lib/: 2,400 changes, past the rewrite threshold. */
const moved = (): RepositoryFile[] => tree(1_200).map((f) => file(f.path.replace(/^src\//, 'lib/')));

/**
 * A store in `dir` whose index (built by a query, written) reflects 1,200 files, and a second link
 * that moved them all, not yet applied to it.
 */
async function movedAfterIndexed(dir: string): Promise<HistoryStore> {
  const store = await open(dir);
  await syncFiles(store, tree(1_200));
  await answers(store);
  await syncFiles(store, moved());
  return store;
}

/** A storage of two links: 300 files, then a change of 30 of them and one removed. */
async function twoLinks(dir: string): Promise<void> {
  const store = await open(dir);
  await syncFiles(store, tree(300));
  await syncFiles(store, tree(300, 'v2', 5));
  await store.close();
}

const memoryFiles = (dir: string): string[] => readdirSync(path.join(dir, 'memory')).map((n) => path.join(dir, 'memory', n));

/** Each way the first query builds the index: on the calling thread (a small memory), in a worker thread (a large one). */
const BUILDS = [
  ['on the calling thread', Number.MAX_SAFE_INTEGER],
  ['in a worker thread', 0],
] as const;

for (const [where, minMemoryBytes] of BUILDS) describe(`history store: the persisted memory search index (built ${where})`, () => {
  const dirs = tempDirs();
  const usual = offThread.minMemoryBytes;
  before(() => (offThread.minMemoryBytes = minMemoryBytes));
  after(() => (offThread.minMemoryBytes = usual));
  afterEach(() => dirs.cleanup());

  it('is written by the first query with words, and a new store answers from it alone, as from a fresh build', async () => {
    const dir = dirs.make();
    await twoLinks(dir);
    const first = await open(dir);
    await first.memory({ limit: 10 });
    assert.ok(!existsSync(path.join(dir, INDEX)), 'opening and listing write no index');
    const built = await answers(first);
    await first.close();
    assert.ok(existsSync(path.join(dir, INDEX)), 'the query wrote memory.index');
    assert.ok(built[0] && built[0].length > 0);

    // Same-size garbage in every memory file: reading any of them would be STORAGE_CORRUPT.
    await whileDamaged(dir, memoryFiles(dir), async (second) => {
      assert.deepEqual(await answers(second), built, 'answered from memory.index without a memory file');
    });

    const third = await open(dir);
    assert.deepEqual(built, await references(third), 'the same answers as a SearchIndex over the active entries');
    await third.close();
  });

  it('lists (no words) from memory.index once written: in path order, as the memory files list', async () => {
    const dir = dirs.make();
    await twoLinks(dir);
    const first = await open(dir);
    const listed = await listings(first);
    assert.equal(listed[0]?.length, 299, 'the 300 files less the removed one');
    assert.deepEqual(listed[0], await truth(first, repo));
    await answers(first);
    assert.deepEqual(await listings(first), listed, 'from this store\'s index');
    await first.close();

    await whileDamaged(dir, memoryFiles(dir), async (second) => {
      // The very JSON (key order included) the CLI prints for a listing from the memory files.
      assert.equal(JSON.stringify(await listings(second)), JSON.stringify(listed), 'from memory.index, no memory file read');
      // One repository in the history: a listing without one is that repository's.
      assert.deepEqual(await second.memory({ limit: 10 }), listed[1]);
      assert.deepEqual(await second.memory({ limit: 10, repository: other }), [], 'another repository has no entries');
      // A limit as the memory files' listing takes it: a fraction's whole part.
      assert.deepEqual(await second.memory({ limit: 2.5, repository: repo }), listed[1]?.slice(0, 2));
    });
  });

  it('a listing applies the links committed after memory.index from their memory files alone', async () => {
    const dir = dirs.make();
    await twoLinks(dir);
    const store = await open(dir);
    await answers(store);
    await store.close();
    const old = memoryFiles(dir);
    const later = await open(dir);
    await syncFiles(later, [...tree(300, 'v3', 7), file('src/brandnew/routerWidget.ts')]);
    const expected = [await truth(later, repo), (await truth(later, repo)).slice(0, 10)];
    await later.close();
    assert.ok(expected[0]?.some((e) => e.path === 'src/brandnew/routerWidget.ts'));

    // The two links memory.index reflects are damaged: only the third link's memory file can be read.
    await whileDamaged(dir, old, async (reopened) => {
      assert.deepEqual(await listings(reopened), expected);
    });
  });

  it('answers concurrent first queries from one index (opened or built once)', async () => {
    const dir = dirs.make();
    await twoLinks(dir);
    const store = await open(dir);
    const together = await Promise.all(QUERIES.map((q) => store.memory({ query: q, limit: 20 })));
    await store.close();
    const reopened = await open(dir);
    assert.deepEqual(together, await answers(reopened));
    const again = await Promise.all(QUERIES.map((q) => reopened.memory({ query: q, limit: 20 })));
    assert.deepEqual(again, together);
    await reopened.close();
  });

  it('brings a stale index up to date with the links committed after it, in this store and in a new one', async () => {
    const dir = dirs.make();
    await twoLinks(dir);
    const store = await open(dir);
    await answers(store);
    const written = statSync(path.join(dir, INDEX)).mtimeMs;
    // A third link: changed files (new blobs), one removed, one added.
    await syncFiles(store, [...tree(300, 'v3', 7), file('src/brandnew/routerWidget.ts')]);
    const after = await answers(store);
    assert.deepEqual(after, await references(store));
    assert.equal((await store.memory({ query: 'routerWidget', limit: 1 }))[0]?.path, 'src/brandnew/routerWidget.ts');
    assert.ok(!after.flat().some((e) => e.path === 'src/router/router7.ts'), 'the removed file is no longer found');
    await store.close();
    assert.equal(statSync(path.join(dir, INDEX)).mtimeMs, written, 'a small change is kept in the overlay, not rewritten');

    const fresh = await open(dir);
    assert.deepEqual(await answers(fresh), after, 'a new store applies the newer link from its memory file');
    await fresh.close();
  });

  it('folds a large change into a rewritten file: the very file a build from scratch writes', async () => {
    const dir = dirs.make();
    // Every file moved: 1,200 entries superseded and 1,200 introduced, over the rewrite threshold.
    const store = await movedAfterIndexed(dir);
    const after = await answers(store);
    await store.close();
    const folded = readFileSync(path.join(dir, INDEX));
    rmSync(path.join(dir, INDEX));
    const scratch = await open(dir);
    assert.deepEqual(await answers(scratch), after);
    await scratch.close();
    assert.deepEqual(readFileSync(path.join(dir, INDEX)), folded);
    assert.ok(after.flat().every((e) => e.path.startsWith('lib/')));
  });

  for (const [name, damage] of [
    ['truncated', (f: string) => truncateSync(f, Math.floor(statSync(f).size / 2))],
    ['damaged in the middle', (f: string) => {
      const bytes = readFileSync(f);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = (bytes[at] as number) ^ 0xff;
      writeFileSync(f, bytes);
    }],
    ['not an index at all', (f: string) => writeFileSync(f, '{"hello": "world"}')],
  ] as const) {
    it(`ignores and rewrites an index file that is ${name}`, async () => {
      const dir = dirs.make();
      await twoLinks(dir);
      const store = await open(dir);
      const built = await answers(store);
      await store.close();
      const f = path.join(dir, INDEX);
      const good = readFileSync(f);
      damage(f);
      const reopened = await open(dir);
      assert.deepEqual(await answers(reopened), built);
      await reopened.close();
      assert.deepEqual(readFileSync(f), good, 'rewritten whole');
    });
  }

  it("does not use another history's index (a copy from another storage)", async () => {
    const a = dirs.make();
    const b = dirs.make();
    await twoLinks(a);
    const sa = await open(a);
    await answers(sa);
    await sa.close();
    const sb = await open(b);
    // More links than the copied index reflects: only the commits' identities tell them apart.
    for (const v of ['v1', 'v2', 'v3']) await syncFiles(sb, tree(40, v));
    await sb.close();
    copyFileSync(path.join(a, INDEX), path.join(b, INDEX));
    const reopened = await open(b);
    const got = await answers(reopened);
    assert.deepEqual(got, await references(reopened));
    assert.ok(got.flat().every((e) => /^src\/[a-z]+\/[a-z]+([0-9]|[1-3][0-9])\.ts$/.test(e.path)), 'only this history\'s 40 files');
    await reopened.close();
    assert.notDeepEqual(readFileSync(path.join(b, INDEX)), readFileSync(path.join(a, INDEX)), 'rewritten for this history');
  });

  it('follows a link committed in two steps (snapshot, then memory): queried between them and after', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    await syncFiles(store, tree(100));
    const before = await answers(store);
    const files = [...tree(100, 'v2'), file('src/late/routerLate.ts')];
    const base = store.baseFor(repo, 'main');
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const diff = diffSnapshots(await store.readFiles(base?.id as string), files);
    await store.complete(rec.id, {
      baseSyncId: base?.id ?? null, commitSha: sha('two-step'), treeSha: treeOf(files), commitMessage: 'two steps', forcePushed: false,
      files, diff, memory: [], memoryPending: true, stats: { ...emptyStats(), added: diff.added.length, modified: diff.modified.length },
    });
    const between = await answers(store);
    assert.deepEqual(between, await references(store), 'the snapshot step superseded the changed files');
    assert.notDeepEqual(between, before);
    const writer = await store.openMemory(rec.id);
    writer.add(changedFiles(diff).map(factsOf));
    await writer.commit({ missingContent: [], stats: emptyStats() });
    const after = await answers(store);
    assert.deepEqual(after, await references(store));
    assert.equal((await store.memory({ query: 'routerLate', limit: 1 }))[0]?.path, 'src/late/routerLate.ts');
    await store.close();
    const reopened = await open(dir);
    assert.deepEqual(await answers(reopened), after);
    await reopened.close();
  });

  it('keeps a name that is not UTF-8 (lone surrogates) exactly through the file', async () => {
    const dir = dirs.make();
    const odd = 'src/caf\udce9/router\udc80x.ts';
    const store = await open(dir);
    await syncFiles(store, [...tree(20), file(odd)]);
    assert.equal((await store.memory({ query: 'router', limit: 50 })).filter((e) => e.path === odd).length, 1);
    await store.close();
    const reopened = await open(dir);
    const hits = await reopened.memory({ query: 'router', limit: 50 });
    await reopened.close();
    assert.deepEqual(hits.filter((e) => e.path === odd).map((e) => e.path), [odd]);
  });

  it('answers per repository as an index of that repository alone would', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    await syncFiles(store, tree(200));
    await syncFiles(store, tree(120, 'v2'), { repository: other });
    for (const r of [repo, other]) assert.deepEqual(await answers(store, r), await references(store, r));
    await store.close();
    const reopened = await open(dir);
    for (const r of [repo, other]) assert.deepEqual(await answers(reopened, r), await references(reopened, r));
    await reopened.close();
  });

  it('is not written while another process holds the storage lock', async () => {
    const dir = dirs.make();
    await twoLinks(dir);
    const lock = await acquireStorageLock(dir, { logger: nullLogger });
    try {
      const store = await open(dir);
      const got = await answers(store);
      await store.close();
      assert.ok(!existsSync(path.join(dir, INDEX)));
      assert.deepEqual(got, await references(await open(dir)));
    } finally {
      await lock.release();
    }
  });
});

describe('history store: the memory search index of a large memory is built in a worker thread', () => {
  const dirs = tempDirs();
  const usual = offThread.minMemoryBytes;
  const build = StoredIndex.build;
  let calls = 0;
  beforeEach(() => {
    calls = 0;
    // Counted on this thread only: a worker thread has its own copy of the class.
    StoredIndex.build = ((...args: Parameters<typeof build>) => {
      calls++;
      return build.apply(StoredIndex, args);
    }) as typeof build;
  });
  afterEach(() => {
    StoredIndex.build = build;
    offThread.minMemoryBytes = usual;
    dirs.cleanup();
  });

  it('builds in a worker from the size on, never on this thread, and writes the very file a build here writes', async () => {
    const here = dirs.make();
    await twoLinks(here);
    const there = dirs.make();
    cpSync(here, there, { recursive: true });
    const memory = readdirSync(path.join(here, 'memory')).reduce((n, f) => n + statSync(path.join(here, 'memory', f)).size, 0);

    offThread.minMemoryBytes = memory + 1;
    const small = await open(here);
    const built = await answers(small);
    await small.close();
    assert.equal(calls, 1, 'a memory under the size is indexed on this thread');

    offThread.minMemoryBytes = memory;
    calls = 0;
    const large = await open(there);
    assert.deepEqual(await answers(large), built);
    assert.equal(calls, 0, 'nothing was indexed on this thread');
    assert.deepEqual(await answers(large), built, 'later queries use the index the worker built');
    await large.close();
    assert.deepEqual(readFileSync(path.join(there, INDEX)), readFileSync(path.join(here, INDEX)));
  });

  /** Calls of StoredIndex methods on this thread while `fn` runs. */
  async function callsDuring(names: readonly ('introduce' | 'toBytes')[], fn: () => Promise<void>): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const originals = names.map((n) => [n, StoredIndex.prototype[n]] as const);
    for (const [n, f] of originals) {
      counts[n] = 0;
      (StoredIndex.prototype as unknown as Record<string, unknown>)[n] = function (this: unknown, ...args: unknown[]) {
        counts[n] = (counts[n] as number) + 1;
        return (f as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
    try {
      await fn();
    } finally {
      for (const [n, f] of originals) (StoredIndex.prototype as unknown as Record<string, unknown>)[n] = f;
    }
    return counts;
  }

  /** memory.index as a store indexing on this thread writes it for the same history (a copy of `dir`). */
  async function writtenHere(dir: string): Promise<Buffer> {
    const copy = dirs.make();
    cpSync(dir, copy, { recursive: true });
    rmSync(path.join(copy, INDEX), { force: true });
    const minimum = offThread.minMemoryBytes;
    offThread.minMemoryBytes = Number.MAX_SAFE_INTEGER;
    try {
      const store = await open(copy);
      await answers(store);
      await store.close();
    } finally {
      offThread.minMemoryBytes = minimum;
    }
    return readFileSync(path.join(copy, INDEX));
  }

  it('folds a large change in a worker thread once the answer is out: this thread applies it but never folds, and writes the file a build from scratch writes', async () => {
    const dir = dirs.make();
    offThread.minMemoryBytes = 0;
    // A memory file of less than LARGE_CHANGE_BYTES, applied here.
    const store = await movedAfterIndexed(dir);
    let after: MemoryEntry[][] = [];
    const calls = await callsDuring(['introduce', 'toBytes'], async () => {
      after = await answers(store);
      await store.close();
    });
    assert.ok((calls.introduce as number) >= 1_200, 'the change was applied here to answer');
    assert.equal(calls.toBytes, 0, 'no fold on this thread');
    assert.ok(after.flat().every((e) => e.path.startsWith('lib/')));
    assert.deepEqual(readFileSync(path.join(dir, INDEX)), await writtenHere(dir));
  });

  it('brings an index up to date with a large change in a worker thread: this thread neither reads its entries nor folds', async () => {
    const dir = dirs.make();
    offThread.minMemoryBytes = 0;
    const store = await open(dir);
    await syncFiles(store, tree(300));
    await answers(store);
    await store.close();
    // A link whose memory file is past LARGE_CHANGE_BYTES.
    const writer = await open(dir);
    await syncFiles(writer, [...tree(300), ...tree(3_000, 'v2').map((f) => file(f.path.replace(/^src\//, 'big/'), 'v2'))]);
    await writer.close();
    const size = readdirSync(path.join(dir, 'memory')).map((f) => statSync(path.join(dir, 'memory', f)).size);
    assert.ok(Math.max(...size) >= LARGE_CHANGE_BYTES, `memory files of ${size.join(', ')} bytes`);
    const reader = await open(dir);
    let got: MemoryEntry[][] = [];
    const calls = await callsDuring(['introduce', 'toBytes'], async () => {
      got = await answers(reader);
    });
    assert.deepEqual(calls, { introduce: 0, toBytes: 0 });
    assert.deepEqual(got, await references(reader));
    await reader.close();
    assert.deepEqual(readFileSync(path.join(dir, INDEX)), await writtenHere(dir));
  });

  it('a query that applies a link while a fold is in the worker keeps it: the folded index replaces it only between queries, and only without newer links', async () => {
    const dir = dirs.make();
    offThread.minMemoryBytes = 0;
    const store = await movedAfterIndexed(dir);
    // Past the rewrite threshold: this query's answer is out while its fold runs in the worker.
    const cache = (store as unknown as { searchCache: { fileOffThread(...a: unknown[]): Promise<unknown> } }).searchCache;
    const fileOffThread = cache.fileOffThread.bind(cache);
    let folded!: () => void;
    const foldDone = new Promise<void>((resolve) => (folded = resolve));
    cache.fileOffThread = (...a: unknown[]) => fileOffThread(...a).finally(() => folded());
    await store.memory({ query: 'config', limit: 5 });
    // The next link is applied by a query that reads its memory file only once the fold is back.
    await syncFiles(store, [...moved(), file('lib/late/zebraLate.ts')]);
    const host = (store as unknown as { searchHost: { readChange(c: unknown): Promise<unknown> } }).searchHost;
    const readChange = host.readChange;
    host.readChange = async (c: unknown) => {
      await foldDone;
      return readChange(c);
    };
    const got = await store.memory({ query: 'zebraLate', limit: 5 });
    host.readChange = readChange;
    assert.deepEqual(got.map((e) => e.path), ['lib/late/zebraLate.ts']);
    assert.deepEqual(await answers(store), await references(store));
    await store.close();
    const again = await open(dir);
    assert.deepEqual((await again.memory({ query: 'zebraLate', limit: 5 })).map((e) => e.path), ['lib/late/zebraLate.ts'], 'and a new process too');
    assert.deepEqual(await answers(again), await references(again));
    await again.close();
  });

  it('does not write a fold from the worker once another process holds the storage lock', async () => {
    const dir = dirs.make();
    offThread.minMemoryBytes = 0;
    const store = await movedAfterIndexed(dir);
    const before = readFileSync(path.join(dir, INDEX));
    await store.memory({ query: 'config', limit: 5 });
    // Taken while the worker folds.
    const lock = await acquireStorageLock(dir, { logger: nullLogger });
    try {
      await store.close();
      assert.deepEqual(readFileSync(path.join(dir, INDEX)), before, 'not rewritten under the lock');
    } finally {
      await lock.release();
    }
  });

  it('stops a build under way when the store closes: the query fails, nothing is written, and the next store builds it', async () => {
    const dir = dirs.make();
    await twoLinks(dir);
    offThread.minMemoryBytes = 0;
    const store = await open(dir);
    const query = store.memory({ query: 'config parser', limit: 20 });
    await store.close();
    await assert.rejects(query, /the history store was closed/);
    assert.ok(!existsSync(path.join(dir, INDEX)), 'no index written by a closed store');
    const again = await open(dir);
    assert.deepEqual(await answers(again), await references(again));
    await again.close();
    assert.ok(existsSync(path.join(dir, INDEX)));
  });
});
