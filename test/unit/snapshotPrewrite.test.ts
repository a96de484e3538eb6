// A repository's first snapshot is written while its tree is listed (HistoryStore.prewriteSnapshot):
// complete() then only ends the file. These tests hold the store to writing exactly what it wrote
// before (same bytes, same checks), and only when the snapshot it stores is the list it was given;
// and the pipeline to using it for a first sync and leaving no temp file when a sync ends early.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { SyncError, isSyncError } from '../../src/core/errors';
import { nullLogger } from '../../src/core/logger';
import type { HistoryStore, NetworkHooks, RepositorySource, SnapshotPrewrite, SourceHead } from '../../src/core/ports';
import { runSync, type PipelineDeps } from '../../src/core/sync';
import type { SyncEvent } from '../../src/core/syncEvents';
import type { RemoteRepository, RepositoryFile, SyncRecord } from '../../src/core/types';
import { acquireStorageLock, openHistoryStore } from '../../src/storage';
import { writeAll, type AtomicFile } from '../../src/storage/fsOps';
import { PrewrittenSnapshot } from '../../src/storage/snapshots';
import { byPath, completeWith, file, open, repo, sha, syncFiles, tempDirs, treeOf } from './storageFixtures';

const snapshotDir = (dir: string): string => path.join(dir, 'snapshots');
const snapshotNames = (dir: string): string[] => (existsSync(snapshotDir(dir)) ? readdirSync(snapshotDir(dir)).sort() : []);
const temps = (dir: string): string[] => snapshotNames(dir).filter((n) => n.includes('.tmp-'));
const written = (dir: string): string[] => snapshotNames(dir).filter((n) => !n.includes('.tmp-'));

/** Real names: a space, a quote, a backslash, non-ASCII, an undecodable byte, a newline; sorted. */
const listing = (): RepositoryFile[] =>
  byPath([
    file('a b.txt'),
    file('caf\udce8 "quoted"\\.md'),
    file('new\nline'),
    file('src/deep/er/index.ts'),
    file('src/main.ts'),
    { path: 'vendor/lib', blobSha: sha('submodule'), mode: '160000', size: null },
    file('名前.md'),
  ]);

/** Hands `files` to the prewrite as a listing does: one growing array, in pieces. */
function listInPieces(prewrite: SnapshotPrewrite, files: RepositoryFile[], pieces = 3): RepositoryFile[] {
  const list: RepositoryFile[] = [];
  const step = Math.ceil(files.length / pieces);
  for (let i = 0; i < files.length; i += step) {
    list.push(...files.slice(i, i + step));
    prewrite.listed(list);
  }
  return list;
}

async function prewrite(store: HistoryStore, rec: SyncRecord, files: RepositoryFile[]): Promise<SnapshotPrewrite> {
  const p = await store.prewriteSnapshot?.(rec.id, treeOf(files));
  assert.ok(p, 'a prewrite for the repository\'s first link');
  return p;
}

describe('history store: a first snapshot written while it is listed', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('complete() ends the file the listing wrote: the bytes a snapshot written at complete() has, read back after a reopen', async () => {
    const files = listing();
    const plainDir = dirs.make();
    const plain = await open(plainDir);
    await syncFiles(plain, files);
    const [plainName] = written(plainDir);

    const dir = dirs.make();
    const store = await open(dir);
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const p = await prewrite(store, rec, files);
    const list = listInPieces(p, files);
    const [temp] = temps(dir);
    assert.ok(temp, 'the file is being written while the tree is listed');
    const inode = statSync(path.join(snapshotDir(dir), temp)).ino;
    const done = await completeWith(store, rec, list, { prewritten: p });
    assert.deepEqual(temps(dir), [], 'no temp file left');
    const [name] = written(dir);
    assert.equal(statSync(path.join(snapshotDir(dir), name as string)).ino, inode, 'the file written while listing is the one committed');
    assert.equal(readFileSync(path.join(snapshotDir(dir), name as string), 'utf8'), readFileSync(path.join(snapshotDir(plainDir), plainName as string), 'utf8'));
    assert.deepEqual(await store.readFiles(done.id), files);
    await store.close();
    const reopened = await open(dir);
    assert.deepEqual(await reopened.readFiles(done.id), files);
    await p.abort();
    assert.deepEqual(written(dir), [name], 'abort() after complete() removes nothing');
  });

  it('a lean listing handed over in pieces: complete() with only its count stores the same bytes and files, all added; out of order or mixed with a list, nothing is stored without the files', async () => {
    const files = listing();
    const plainDir = dirs.make();
    const plain = await open(plainDir);
    await syncFiles(plain, files);
    const [plainName] = written(plainDir);
    const leanInput = (rec: SyncRecord, count: number) => ({
      baseSyncId: null,
      commitSha: sha(`commit ${treeOf(files)}`),
      treeSha: treeOf(files),
      commitMessage: 'first',
      forcePushed: false,
      listed: count,
      diff: { added: [], modified: [], removed: [] },
      memory: [],
      memoryPending: true,
      stats: { ...(rec.stats as SyncRecord['stats']), files: 0, added: 0, modified: 0, removed: 0 },
    });
    /** A new store, its first sync begun and its file prewritten; `hand` gives the file the listing. */
    const begun = async (hand: (p: SnapshotPrewrite) => void) => {
      const d = dirs.make();
      const st = await open(d);
      const r = await st.begin({ repository: repo, branch: 'main' });
      const q = await prewrite(st, r, files);
      hand(q);
      const refusal = (input: Parameters<HistoryStore['complete']>[1]) => st.complete(r.id, input, { prewritten: q }).then(() => undefined, (e: unknown) => e);
      return { d, st, r, q, refusal };
    };

    const dir = dirs.make();
    const store = await open(dir);
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const p = await prewrite(store, rec, files);
    for (let i = 0; i < files.length; i += 3) p.piece(files.slice(i, i + 3));
    assert.equal(p.wrote(files.length), true);
    assert.equal(p.wrote(files.length - 1), false, 'a count other than what was written');
    const done = await store.complete(rec.id, leanInput(rec, files.length), { prewritten: p });
    assert.deepEqual(temps(dir), []);
    const [name] = written(dir);
    assert.equal(readFileSync(path.join(snapshotDir(dir), name as string), 'utf8'), readFileSync(path.join(snapshotDir(plainDir), plainName as string), 'utf8'));
    assert.equal(done.stats.files, files.length);
    assert.equal(done.stats.added, files.length, 'a first snapshot stored from its count is all added');
    await store.close();
    assert.deepEqual(await (await open(dir)).readFiles(done.id), files);

    const refusals: { name: string; hand: (p: SnapshotPrewrite) => void }[] = [
      { name: 'out of order', hand: (q) => [...files].reverse().forEach((f) => q.piece([f])) },
      { name: 'a list, then pieces', hand: (q) => (q.listed(files.slice(0, 2)), q.piece(files.slice(2))) },
      { name: 'pieces, then a list', hand: (q) => (q.piece(files.slice(0, 2)), q.listed(files)) },
      { name: 'an entry that is no file', hand: (q) => q.piece(files.map((f, i) => (i === 2 ? { ...f, blobSha: 'not-a-sha' } : f))) },
    ];
    for (const c of refusals) {
      const { d, st, r, q, refusal } = await begun(c.hand);
      assert.equal(q.wrote(files.length), false, `${c.name}: not held`);
      const err = await refusal(leanInput(r, files.length));
      assert.ok(isSyncError(err, 'STORAGE_ERROR') && /without its files/.test(err.message), `${c.name}: refused, got ${String(err)}`);
      assert.deepEqual(snapshotNames(d), [], `${c.name}: nothing left`);
      await st.close();
    }

    // A count with a diff beside it, or with files that are not as many, is not a snapshot stored by its count.
    for (const extra of [{ files: files.slice(1) }, { diff: { added: [files[0] as RepositoryFile], modified: [], removed: [] } }]) {
      const { d, st, r, refusal } = await begun((q) => q.piece(files));
      const err = await refusal({ ...leanInput(r, files.length), ...extra });
      assert.ok(isSyncError(err, 'STORAGE_ERROR') && /beside it/.test(err.message), `refused, got ${String(err)}`);
      assert.deepEqual(snapshotNames(d), []);
      await st.close();
    }

    // Its temp file removed meanwhile: with the files beside the count, written again from them.
    const again = await begun((q) => q.piece(files));
    for (const t of temps(again.d)) rmSync(path.join(snapshotDir(again.d), t));
    const rewritten = await again.st.complete(again.r.id, { ...leanInput(again.r, files.length), files }, { prewritten: again.q });
    assert.deepEqual(await again.st.readFiles(rewritten.id), files);
    assert.equal(rewritten.stats.added, files.length);
    await again.st.close();

    // Without them, the files are not held to write again: said, nothing stored.
    const gone = await begun((q) => q.piece(files));
    for (const t of temps(gone.d)) rmSync(path.join(snapshotDir(gone.d), t));
    const err = await gone.refusal(leanInput(gone.r, files.length));
    assert.ok(isSyncError(err, 'STORAGE_ERROR') && /is gone.*sync again/.test(err.message), `a vanished file is said, got ${String(err)}`);
    assert.deepEqual(written(gone.d), []);
    await gone.st.close();
  });

  it('a listing out of path order, another list than the one completed, or an entry that is no file: written at complete() as before, the temp file gone', async () => {
    const files = listing();
    const cases: { name: string; list: (p: SnapshotPrewrite) => RepositoryFile[]; completed: (listed: RepositoryFile[]) => RepositoryFile[]; refused?: RegExp }[] = [
      // git lists in byte order: a name above U+FFFF sorts after U+E000-U+FFFF there, before it as a JS string.
      { name: 'out of order', list: (p) => listInPieces(p, [...files].reverse()), completed: () => files },
      { name: 'a copy of the list', list: (p) => listInPieces(p, files), completed: (listed) => [...listed] },
      { name: 'grown after the last call', list: (p) => listInPieces(p, files.slice(0, -1)), completed: (listed) => (listed.push(files.at(-1) as RepositoryFile), listed) },
      { name: 'a bad sha', list: (p) => listInPieces(p, files.map((f, i) => (i === 2 ? { ...f, blobSha: 'not-a-sha' } : f))), completed: (listed) => listed, refused: /blobSha/ },
      { name: 'a path twice', list: (p) => listInPieces(p, [...files.slice(0, 3), files[2] as RepositoryFile, ...files.slice(3)]), completed: (listed) => listed, refused: /twice/ },
    ];
    for (const c of cases) {
      const dir = dirs.make();
      const store = await open(dir);
      const rec = await store.begin({ repository: repo, branch: 'main' });
      const p = await prewrite(store, rec, files);
      const listed = c.list(p);
      const [temp] = temps(dir);
      const inode = statSync(path.join(snapshotDir(dir), temp as string)).ino;
      const completing = completeWith(store, rec, c.completed(listed), { prewritten: p });
      if (c.refused) {
        const err = await completing.then(() => undefined, (e: unknown) => e);
        assert.ok(isSyncError(err, 'STORAGE_ERROR') && c.refused.test(err.message), `${c.name}: refused as before, got ${String(err)}`);
        assert.deepEqual(snapshotNames(dir), [], `${c.name}: nothing left`);
        continue;
      }
      const done = await completing;
      assert.deepEqual(temps(dir), [], `${c.name}: no temp file left`);
      const [name] = written(dir);
      assert.notEqual(statSync(path.join(snapshotDir(dir), name as string)).ino, inode, `${c.name}: written at complete()`);
      assert.deepEqual(await store.readFiles(done.id), files, c.name);
    }
  });

  it('a store opened by another process while the sync holds the lock keeps the temp file; one removed anyway is written again at complete()', async () => {
    const files = listing();
    const dir = dirs.make();
    const store = await open(dir);
    const lock = await acquireStorageLock(dir, { logger: nullLogger });
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const p = await prewrite(store, rec, files);
    const list = listInPieces(p, files);
    const [temp] = temps(dir);
    // Another window opens the store with no grace: the sync's files are its own while it holds the lock.
    await (await open(dir, { orphanGraceMs: 0 })).close();
    assert.deepEqual(temps(dir), [temp as string], 'the temp file of a sync in progress is kept');
    // Removed anyway (by hand, by a cleaner of old files): complete() writes the snapshot again.
    rmSync(path.join(snapshotDir(dir), temp as string));
    const done = await completeWith(store, rec, list, { prewritten: p });
    assert.deepEqual(await store.readFiles(done.id), files);
    assert.equal(written(dir).length, 1);
    await lock.release();
    await store.close();
    assert.deepEqual(await (await open(dir)).readFiles(done.id), files);
  });

  it('a temp file that cannot be opened costs the sync nothing: the snapshot is written at complete()', async () => {
    const files = listing();
    const dir = dirs.make();
    let refused = 0;
    const store = await open(dir, {
      failpoint: (step) => {
        if (step.startsWith('write snapshots/') && refused++ === 0) throw Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' });
      },
    });
    const rec = await store.begin({ repository: repo, branch: 'main' });
    assert.equal(await store.prewriteSnapshot?.(rec.id, treeOf(files)), undefined);
    const done = await completeWith(store, rec, files);
    assert.deepEqual(await store.readFiles(done.id), files);
    assert.equal(refused, 2, 'refused once, then written at complete()');
  });

  it('a listing that keeps this thread busy between its pieces is still written ahead: the file takes every piece queued at each write', async () => {
    // 100k entries (~11 MB) in 25 pieces, one event-loop turn between them (as ls-tree's chunks
    // arrive): a write per 64 KB piece, each needing a turn, fell more than 4 MB behind and gave up.
    const files = byPath(Array.from({ length: 100_000 }, (_, i) => file(`src/dir${String(i % 300).padStart(3, '0')}/module${String(i).padStart(6, '0')}.ts`)));
    const dir = dirs.make();
    const store = await open(dir);
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const p = await prewrite(store, rec, files);
    const list: RepositoryFile[] = [];
    for (let i = 0; i < files.length; i += 4000) {
      list.push(...files.slice(i, i + 4000));
      p.listed(list);
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(p instanceof PrewrittenSnapshot && p.holds(list), 'still the file complete() takes');
    const [temp] = temps(dir);
    const done = await completeWith(store, rec, list, { prewritten: p });
    assert.deepEqual(written(dir), [(temp as string).replace(/\.tmp-.*$/, '')], 'the file written while listing is the one committed');
    await store.close();
    assert.deepEqual(await (await open(dir)).readFiles(done.id), files);
  });

  it('a disk that falls 4 MB behind the listing ends the head start: the snapshot is written at complete()', async () => {
    // 60k entries make about 6 MB of text; the file takes none of it (its writes never drain).
    const files = Array.from({ length: 60_000 }, (_, i) => file(`src/dir${String(i % 300).padStart(3, '0')}/module${String(i).padStart(6, '0')}.ts`));
    const sortedFiles = byPath(files);
    const written: number[] = [];
    let aborted = false;
    const out: AtomicFile = {
      write: (t) => void written.push(t.length),
      drained: () => new Promise<void>(() => undefined),
      commit: async () => assert.fail('never committed'),
      abort: async () => void (aborted = true),
    };
    const p = new PrewrittenSnapshot(out, treeOf(sortedFiles), 'x.json');
    const list = listInPieces(p, sortedFiles, 20);
    assert.equal(p.holds(list), false, 'no longer the file complete() takes');
    const queued = written.reduce((a, b) => a + b, 0);
    assert.ok(queued > 4 * 1024 * 1024 && queued < 5 * 1024 * 1024, `stopped once ~4 MB were queued (${queued})`);
    await p.abort();
    assert.ok(aborted);
  });

  it("only for the repository's first link; abort() removes the temp file", async () => {
    const dir = dirs.make();
    const store = await open(dir);
    const rec = await store.begin({ repository: repo, branch: 'main' });
    const p = await prewrite(store, rec, listing());
    listInPieces(p, listing());
    await p.abort();
    assert.deepEqual(snapshotNames(dir), [], 'abort() removed it');
    await completeWith(store, rec, listing());
    const next = await store.begin({ repository: repo, branch: 'feature' });
    assert.equal(await store.prewriteSnapshot?.(next.id, treeOf([file('x.ts')])), undefined, "another branch's first snapshot is a delta on the chain head's");
    const other = await store.begin({ repository: { ...repo, name: 'other' }, branch: 'main' });
    assert.equal(await store.prewriteSnapshot?.(other.id, treeOf(listing())), undefined, 'a tree stored already is not written again');
  });
});

// The pipeline, with a real store and a source whose listing arrives in pieces.
const repository = { host: 'github.com', owner: repo.owner, name: repo.name, apiBaseUrl: 'https://api.github.com', webUrl: 'https://github.com/octo/demo', cloneUrl: 'https://github.com/octo/demo.git', remoteName: 'origin' } as RemoteRepository;

function pipeline(store: HistoryStore, files: RepositoryFile[], listingFails?: Error): PipelineDeps {
  const head: SourceHead = { branch: 'main', commitSha: sha(`commit ${treeOf(files)}`), treeSha: treeOf(files), commitMessage: 'c', parents: [], forcePushed: false };
  return {
    store,
    logger: nullLogger,
    clock: { now: () => new Date() },
    maxFileSize: 1 << 20,
    resolveRemote: async () => repository,
    lock: async () => ({ release: async () => undefined }),
    open: async () =>
      ({
        repository,
        defaultBranch: async () => 'main',
        head: async () => head,
        snapshot: async (_head, _base, opts) => {
          const list: RepositoryFile[] = [];
          for (const f of files) {
            list.push(f);
            opts.onListed?.(list);
            await new Promise((r) => setImmediate(r));
          }
          if (listingFails) throw listingFails;
          return list;
        },
        read: (blobs) =>
          (async function* () {
            for (const b of blobs) yield { sha: b.blobSha, bytes: new TextEncoder().encode(`export const x = 1; // ${b.path}\n`) };
          })(),
        traffic: () => ({ requests: 0, bytes: 0, source: 'local' }),
        close: async () => undefined,
      }) as RepositorySource,
  };
}

/**
 * pipeline() whose source lists leanly, as the git path's cache does: pieces of two entries handed to
 * `lean` as they come, the list returned as ListedPieces (read once); `reads` gets each read's size.
 */
function leanPipeline(store: HistoryStore, files: RepositoryFile[], reads: number[], largeChangeFiles?: number): PipelineDeps {
  const deps = pipeline(store, files);
  const open = deps.open;
  deps.open = async (r, w, h) => {
    const source = await open(r, w, h);
    return {
      ...source,
      snapshot: (async (_head: SourceHead, _base: SyncRecord | undefined, opts: { lean?: (piece: readonly RepositoryFile[]) => void }) => {
        if (!opts.lean) throw new Error('a first sync asks for a lean listing');
        for (let i = 0; i < files.length; i += 2) {
          opts.lean(files.slice(i, i + 2));
          await new Promise((resolve) => setImmediate(resolve));
        }
        let read = false;
        return {
          count: files.length,
          pieces: () => {
            assert.equal(read, false, 'read once');
            read = true;
            return (function* () {
              for (let i = 0; i < files.length; i += 2) yield files.slice(i, i + 2);
            })();
          },
        };
      }) as unknown as RepositorySource['snapshot'],
      read: (blobs, head, opts) => {
        reads.push(blobs.length);
        return (async function* () {
          // As the engine's: blobs made available, told before they are read (after the progress
          // throttle's 50 ms, so a fetching event the pipeline passes on is seen).
          await new Promise((resolve) => setTimeout(resolve, 70));
          opts.onProgress?.(blobs.length, blobs.length);
          yield* source.read(blobs, head, opts);
        })();
      },
    };
  };
  return largeChangeFiles === undefined ? deps : { ...deps, largeChangeFiles };
}

async function drain(gen: AsyncGenerator<SyncEvent, SyncRecord>, onEvent: (e: SyncEvent) => void = () => undefined): Promise<{ done?: SyncRecord; error?: unknown }> {
  try {
    for (;;) {
      const next = await gen.next();
      if (next.done) return { done: next.value };
      onEvent(next.value);
    }
  } catch (error) {
    return { error };
  }
}

describe('sync pipeline: the first snapshot is written while the tree is listed', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it("a repository's first sync opens its snapshot file during the listing; the next sync of it writes at saving", async () => {
    const dir = dirs.make();
    let phase = '';
    const openedIn: string[] = [];
    const store = await openHistoryStore(dir, {
      logger: nullLogger,
      failpoint: (step) => {
        if (step.startsWith('write snapshots/')) openedIn.push(phase);
      },
    });
    const track = (e: SyncEvent) => {
      if (e.type === 'progress') phase = e.phase;
    };
    const first = listing();
    const one = await drain(runSync(pipeline(store, first), { workdir: '/w', branch: 'main' }), track);
    assert.equal(one.error, undefined);
    assert.deepEqual(await store.readFiles((one.done as SyncRecord).id), first);
    const second = byPath([...first.slice(1), file('zz.ts')]);
    const two = await drain(runSync(pipeline(store, second), { workdir: '/w', branch: 'main' }), track);
    assert.equal(two.error, undefined);
    assert.deepEqual(await store.readFiles((two.done as SyncRecord).id), second);
    assert.deepEqual(openedIn, ['fetchingTree', 'saving']);
    assert.deepEqual(temps(dir), []);
  });

  it('a lean listing: the file written as listed is the snapshot stored, small or large; a large one is read back in groups, every text file analysed', async () => {
    const small = listing();
    const large = byPath(Array.from({ length: 2500 }, (_, i) => file(`dir${i % 40}/file ${i}.ts`)));
    for (const [name, files, threshold, groups] of [
      ['small', small, undefined, [6]],
      ['large', large, 100, [1024, 1024, 452]],
    ] as const) {
      const dir = dirs.make();
      const opened: string[] = [];
      const store = await openHistoryStore(dir, { logger: nullLogger, failpoint: (step) => void (step.startsWith('write snapshots/') && opened.push(step)) });
      const reads: number[] = [];
      const events: SyncEvent[] = [];
      const run = await drain(runSync(leanPipeline(store, [...files], reads, threshold), { workdir: '/w', branch: 'main' }), (e) => events.push(e));
      assert.equal(run.error, undefined, `${name}: ${String(run.error)}`);
      const done = run.done as SyncRecord;
      assert.equal(opened.length, 1, `${name}: one snapshot file, the one written as listed`);
      assert.deepEqual(await store.readFiles(done.id), files);
      assert.equal(done.stats.files, files.length);
      assert.equal(done.stats.added, files.length, `${name}: all added`);
      assert.deepEqual(reads, groups, `${name}: the text files read in groups`);
      const texts = files.filter((f) => f.mode !== '160000').length;
      assert.equal(done.stats.contentFiles, texts);
      assert.equal((await store.memoryAt(done.id)).length, texts, `${name}: every text file has its facts`);
      const saved = events.some((e) => e.type === 'saved');
      assert.equal(saved, name === 'large', `${name}: ${name === 'large' ? 'two steps' : 'one step'}`);
      const progress = events.filter((e): e is Extract<SyncEvent, { type: 'progress' }> => e.type === 'progress');
      const indexing = progress.filter((e) => e.phase === 'indexing').map((e) => e.done);
      assert.deepEqual(indexing, [...indexing].sort((a, b) => a - b), `${name}: indexing progress never goes back`);
      const firstIndexing = progress.findIndex((e) => e.phase === 'indexing');
      assert.ok(!progress.slice(firstIndexing).some((e) => e.phase === 'fetchingContent'), `${name}: no fetching after indexing began`);
      await store.close();
    }
  });

  it("a large lean listing in a store holding another repository's completed sync is read as one list (its files looked up among that sync's facts); after only a failed attempt it stays lean", async () => {
    const large = byPath(Array.from({ length: 2500 }, (_, i) => file(`dir${i % 40}/file ${i}.ts`)));
    for (const [other, expected] of [
      ['completed', [2500]],
      ['failed', [1024, 1024, 452]],
    ] as const) {
      const dir = dirs.make();
      const store = await openHistoryStore(dir, { logger: nullLogger });
      if (other === 'completed') await syncFiles(store, [file('elsewhere.ts')], { repository: { ...repo, name: 'other' } });
      else await store.fail((await store.begin({ repository: repo, branch: 'main' })).id, 'failed', { code: 'NETWORK', message: 'The connection dropped.' });
      const reads: number[] = [];
      const run = await drain(runSync(leanPipeline(store, [...large], reads, 100), { workdir: '/w', branch: 'main' }));
      assert.equal(run.error, undefined, `${other}: ${String(run.error)}`);
      assert.deepEqual(reads, expected, `${other}: ${expected.length === 1 ? 'one read' : 'read in groups'}`);
      const done = run.done as SyncRecord;
      assert.deepEqual(await store.readFiles(done.id), large);
      assert.equal(done.stats.added, large.length);
      assert.equal((await store.memoryAt(done.id)).length, large.length);
      await store.close();
    }
  });

  it('a sync stopped by its consumer while its snapshot file opens leaves no temp file', async () => {
    const dir = dirs.make();
    const store = await openHistoryStore(dir, { logger: nullLogger });
    let release!: () => void;
    const opening = new Promise<void>((r) => (release = r));
    let hooks: NetworkHooks | undefined;
    // The store opens the file, and its answer is slow to come back; meanwhile the source reports a
    // wait, which the consumer sees.
    const prewriteSnapshot = store.prewriteSnapshot?.bind(store);
    let opened: SnapshotPrewrite | undefined;
    store.prewriteSnapshot = async (syncId: string, treeSha: string) => {
      opened = await prewriteSnapshot?.(syncId, treeSha);
      hooks?.onWait?.({ reason: 'retry', seconds: 1 });
      await opening;
      return opened;
    };
    const deps = pipeline(store, listing());
    const open = deps.open;
    deps.open = async (r, w, h) => {
      hooks = h;
      return open(r, w, h);
    };
    const gen = runSync(deps, { workdir: '/w', branch: 'main' });
    for (;;) {
      const next = await gen.next();
      assert.equal(next.done, false, 'the wait is seen before the sync ends');
      if ((next.value as SyncEvent).type === 'waiting') break;
    }
    assert.ok(opened, 'the file was opened');
    assert.equal(temps(dir).length, 1);
    const stopping = gen.return(undefined as unknown as SyncRecord);
    release();
    await stopping;
    assert.deepEqual(snapshotNames(dir), [], 'the file whose opening the stop interrupted was removed');
    assert.equal(store.list()[0]?.status, 'cancelled');
  });

  it('a sync that fails or is cancelled while listing leaves no temp file', async () => {
    for (const failure of [new SyncError('NETWORK', 'The connection dropped.'), new SyncError('CANCELLED', 'The sync was cancelled.')]) {
      const dir = dirs.make();
      const store = await openHistoryStore(dir, { logger: nullLogger });
      const run = await drain(runSync(pipeline(store, listing(), failure), { workdir: '/w', branch: 'main' }));
      assert.equal((run.error as SyncError).code, failure.code);
      assert.deepEqual(snapshotNames(dir), [], `${failure.code}: no snapshot file, no temp file`);
    }
  });
});

describe('storage: a file written in pieces', () => {
  it('every byte reaches the file when the system takes part of a write, in order, across pieces', async () => {
    const file: number[] = [];
    let calls = 0;
    // A system that takes at most 5 bytes a call (a full pipe or a signal can cut a write short).
    const handle = {
      writev: async (pieces: readonly NodeJS.ArrayBufferView[]) => {
        calls++;
        const all = Buffer.concat(pieces.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
        const taken = all.subarray(0, 5);
        file.push(...taken);
        return { bytesWritten: taken.length, buffers: pieces };
      },
    } as unknown as Parameters<typeof writeAll>[0];
    const pieces = ['abc', '', 'defghij', 'k', 'lmnopqrstuvwxyz'].map((t) => Buffer.from(t));
    await writeAll(handle, pieces);
    assert.equal(Buffer.from(file).toString(), 'abcdefghijklmnopqrstuvwxyz');
    assert.equal(calls, 6);
    const stuck = { writev: async () => ({ bytesWritten: 0, buffers: [] }) } as unknown as Parameters<typeof writeAll>[0];
    await assert.rejects(writeAll(stuck, [Buffer.from('x')]), /no byte/);
  });
});
