// The persisted search index of the active memory (memory.index in the storage folder): what lets a
// fresh process answer a memory query without reading the memory files or building an index over
// every entry. It is a cache. It records the commits it reflects (their count and a hash of their
// sync ids and memory file names); a file that is missing, unreadable, damaged, of another format,
// or whose commits are not a prefix of this history's is ignored and the index is built from the
// memory; commits after the ones it reflects are applied from their memory files into its overlay.
// Never written by open or complete(): after a query that had to build the index or found it far
// behind, once the query's answer is ready, only while no process holds the storage lock,
// atomically (temp file + rename), so two processes each write a whole index of a real state.
// For a large memory the heavy work is a worker thread's (./searchIndexBuild): building the index,
// bringing it up to date with a large change, and folding changes into a new file (that one after
// the answer is out; close() waits for it).
import { createHash } from 'node:crypto';
import type { StoredIndex } from '../core/memory/search';
import type { Logger } from '../core/logger';
import type { MemoryEntry } from '../core/types';
import type { FileOps } from './fsOps';
import { isStorageLockHeld } from './lock';
import type { MemoryChange, MemoryQuery } from './memoryIndex';
import { MEMORY_INDEX_FILE, repoKey, type CommitEntry, type HistoryFile } from './schema';
import { buildIndexFile, IndexWorkerError, LARGE_CHANGE_BYTES, memoryBytes, offThread, pendingBytes } from './searchIndexBuild';

export interface SearchCacheHost {
  /** The history as committed. */
  data(): HistoryFile;
  /** Every active entry by repository key, after the first `commits` commits (reads the whole memory). */
  loadAll(): Promise<{ commits: number; groups: Map<string, MemoryEntry[]> }>;
  /** The memory change of a commit that has a memory file. */
  readChange(commit: CommitEntry): Promise<MemoryChange>;
}

interface Meta {
  commits: number;
  key: string;
}

type Engine = typeof import('../core/memory/search');

/**
 * The file is rewritten (the overlay folded in: engine.ts mergeSegments, no entry tokenized again)
 * when more entries than this changed since it was written, or more links than REWRITE_LINKS were
 * applied: every new process pays for reading their memory files and indexing the overlay.
 */
const REWRITE_CHANGES = 1_000;
const REWRITE_LINKS = 10;

const CLOSED = 'the history store was closed';

const commitId = (c: CommitEntry): string => `${c.syncId}\0${c.memoryFile ?? ''}`;

function keyOf(commits: readonly CommitEntry[], count: number): string {
  const h = createHash('sha256');
  for (let i = 0; i < count; i++) h.update(`${commitId(commits[i] as CommitEntry)}\n`);
  return h.digest('hex');
}

export class MemorySearchCache {
  private index: StoredIndex<MemoryEntry> | undefined;
  /** commitId of each commit the index reflects. */
  private covered: string[] = [];
  private fileTried = false;
  /** How many commits the file on disk reflects (as far as this process knows). */
  private written = 0;
  private unwritable = false;
  private queue: Promise<unknown> = Promise.resolve();
  private stale = false;
  private writing: Promise<void> | undefined;
  /** The build in a worker thread that a query waits for. */
  private building: AbortController | undefined;
  private closed = false;
  /** The file a worker built, while the index is still exactly it: written as it is. */
  private built: { bytes: Uint8Array; commits: number } | undefined;
  /** Figures of the last open, build and write (the benchmark prints them). */
  readonly timings: { openMs?: number; buildMs?: number; writeMs?: number; bytes?: number } = {};

  /** `inThread`: never hand work to a worker thread (the worker's own cache). */
  constructor(
    private readonly files: FileOps,
    private readonly logger: Logger,
    private readonly opts: { inThread?: boolean } = {},
  ) {}

  /**
   * The answer to an active-memory query: with words, from the index (built if need be); without,
   * a listing in path order from an index at hand (this process's, or memory.index), never built
   * for it. Undefined otherwise (superseded entries; a listing with no index at hand, or one far behind).
   */
  async query(host: SearchCacheHost, opts: MemoryQuery): Promise<MemoryEntry[] | undefined> {
    if (opts.includeSuperseded === true) return undefined;
    const engine = await import('../core/memory/search');
    const query = opts.query ?? '';
    if (!engine.hasWords(query)) return this.list(host, engine, opts);
    // One at a time: two first queries must not both open, build or apply links.
    return this.between(async () => {
      const index = await this.current(host, engine);
      const out = index.search(query, opts.limit ?? Infinity, opts.repository && repoKey(opts.repository));
      if (this.stale || index.changes > REWRITE_CHANGES || this.covered.length - this.written > REWRITE_LINKS) {
        // A large index with changes to fold in is folded in a worker thread: the answer does not wait
        // for it (close() does), nor for a write already under way (which may be waiting for this query).
        const background = index.changes > 0 && this.large(host.data());
        const underWay = this.writing !== undefined;
        const writing = this.persist(host, engine);
        if (!background && !underWay) await writing;
      }
      return out;
    });
  }

  /** Stop a build in a worker that a query waits for (the query fails), and wait for the query under way and a write in progress. */
  async close(): Promise<void> {
    this.closed = true;
    this.building?.abort(new Error(CLOSED));
    await this.queue;
    await this.writing;
  }

  /** A listing from the index at hand, brought up to date when that is cheap (see query()). */
  private list(host: SearchCacheHost, engine: Engine, opts: MemoryQuery): Promise<MemoryEntry[] | undefined> {
    return this.between(async () => {
      const data = host.data();
      await this.atHand(engine, data);
      if (!this.index || this.workerWork(data) || !(await this.applied(host, data))) return undefined;
      return this.index?.list(opts.limit ?? Infinity, opts.repository && repoKey(opts.repository));
    });
  }

  /** This process's index, else memory.index's (read once), if it reflects a prefix of this history. */
  private async atHand(engine: Engine, data: HistoryFile): Promise<void> {
    if (!this.index && !this.fileTried) {
      this.fileTried = true;
      await this.open(engine, data.commits);
    }
    if (this.index && !this.covers(data.commits)) this.drop('the history changed under it');
  }

  /** The index, brought up to the history's last commit. */
  private async current(host: SearchCacheHost, engine: Engine): Promise<StoredIndex<MemoryEntry>> {
    const data = host.data();
    await this.atHand(engine, data);
    if (this.workerWork(data)) {
      const t = performance.now();
      const file = await this.fileOffThread(data, true);
      if (file) {
        this.index = engine.StoredIndex.open<MemoryEntry>(file);
        this.built = { bytes: file, commits: data.commits.length };
        this.covered = data.commits.map(commitId);
        this.timings.buildMs = performance.now() - t;
        this.stale = true;
        return this.index;
      }
    }
    // A memory file that cannot be read drops the index: the whole memory is loaded below, which reports it as the store does.
    if (this.index) await this.applied(host, data);
    if (!this.index) {
      const t = performance.now();
      const all = await host.loadAll();
      this.index = engine.StoredIndex.build(all.groups, undefined);
      this.covered = data.commits.slice(0, all.commits).map(commitId);
      this.timings.buildMs = performance.now() - t;
      this.stale = true;
      await this.apply(host, data);
    }
    return this.index;
  }

  /** The worker thread's part (./searchIndexWorker): the file of the index of `host`'s whole history, built or opened, brought up to date and folded on this thread. */
  async file(host: SearchCacheHost, engine: Engine): Promise<Uint8Array> {
    const data = host.data();
    return this.fold(engine, await this.current(host, engine), data.commits.length, data.commits);
  }

  /** The file of `index` reflecting the first `count` of `commits` (its changes folded in); a folded index replaces it as the live one. */
  private fold(engine: Engine, index: StoredIndex<MemoryEntry>, count: number, commits: readonly CommitEntry[]): Uint8Array {
    index.meta = { commits: count, key: keyOf(commits, count) } satisfies Meta;
    const bytes = index.toBytes();
    if (index.changes > 0 && this.index === index) this.index = engine.StoredIndex.open<MemoryEntry>(bytes);
    return bytes;
  }

  /** Building the index of a large memory, or applying a large change to it: a worker thread's work. */
  private workerWork(data: HistoryFile): boolean {
    return this.large(data) && (!this.index || pendingBytes(data, this.covered.length) >= LARGE_CHANGE_BYTES);
  }

  /** The commits after the covered ones applied; false (the index dropped) when a memory file could not be read. */
  private async applied(host: SearchCacheHost, data: HistoryFile): Promise<boolean> {
    try {
      await this.apply(host, data);
      return true;
    } catch (e) {
      this.drop(`a newer memory file could not be applied (${String(e)})`);
      return false;
    }
  }

  /** Whether the memory is large enough that building or folding its index is a worker thread's work. */
  private large(data: HistoryFile): boolean {
    return this.opts.inThread !== true && memoryBytes(data) >= offThread.minMemoryBytes;
  }

  /**
   * The index file of `data` (its commits, all of them) made in a worker thread (./searchIndexBuild):
   * memory.index opened and brought up to date there, or built from the memory files; undefined when
   * the worker failed (logged: the work is done here, where a damaged memory file is reported as
   * the store reports it). `stoppable`: a query waits for it, and close() stops it (a write after an
   * answer is waited for instead).
   */
  private async fileOffThread(data: HistoryFile, stoppable: boolean): Promise<Uint8Array | undefined> {
    if (stoppable && this.closed) throw new Error(CLOSED);
    const abort = new AbortController();
    if (stoppable) this.building = abort;
    try {
      return await buildIndexFile(this.files.dir, data, abort.signal);
    } catch (e) {
      if (!(e instanceof IndexWorkerError)) throw e;
      this.logger.debug(`${e.message}; the memory search index is built on this thread`);
      return undefined;
    } finally {
      if (this.building === abort) this.building = undefined;
    }
  }

  private async open(engine: Engine, commits: readonly CommitEntry[]): Promise<void> {
    const t = performance.now();
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.files.readBytes(MEMORY_INDEX_FILE);
    } catch (e) {
      this.logger.debug(`${MEMORY_INDEX_FILE} is not readable (${String(e)}); the index is built from the memory`);
      return;
    }
    if (!bytes) return;
    try {
      const index = engine.StoredIndex.open<MemoryEntry>(bytes);
      const meta = index.meta as Meta | undefined;
      if (typeof meta?.commits !== 'number' || meta.commits > commits.length || keyOf(commits, meta.commits) !== meta.key) {
        this.logger.debug(`${MEMORY_INDEX_FILE} reflects another history; the index is built from the memory`);
        return;
      }
      this.index = index;
      this.covered = commits.slice(0, meta.commits).map(commitId);
      this.written = meta.commits;
      this.timings.openMs = performance.now() - t;
    } catch (e) {
      if (!(e instanceof engine.UnusableIndexError)) throw e;
      this.logger.debug(`${MEMORY_INDEX_FILE} is unusable (${e.message}); the index is built from the memory`);
    }
  }

  private covers(commits: readonly CommitEntry[]): boolean {
    if (this.covered.length > commits.length) return false;
    for (let i = this.covered.length - 1; i >= 0; i--) if (this.covered[i] !== commitId(commits[i] as CommitEntry)) return false;
    return true;
  }

  private drop(why: string): void {
    this.logger.debug(`memory search index dropped: ${why}`);
    this.index = undefined;
    this.built = undefined;
    this.covered = [];
  }

  /** Apply the commits after the covered ones (as MemoryIndex replays them: supersede, then introduce). */
  private async apply(host: SearchCacheHost, data: HistoryFile): Promise<void> {
    const index = this.index as StoredIndex<MemoryEntry>;
    const byId = new Map(data.records.map((r) => [r.id, r]));
    for (let i = this.covered.length; i < data.commits.length; i++) {
      const c = data.commits[i] as CommitEntry;
      const rec = byId.get(c.syncId);
      if (rec && c.memoryFile !== null) {
        const change = await host.readChange(c);
        const group = repoKey(rec.repository);
        for (const path of change.supersede) index.supersede(group, path);
        for (const f of change.introduce) {
          index.introduce(group, { path: f.path, blobSha: f.blobSha, language: f.language, lines: f.lines, symbols: f.symbols, summary: f.summary, introducedBySyncId: c.syncId, supersededBySyncId: null });
        }
      }
      this.covered.push(commitId(c));
    }
  }

  /**
   * Write the index as it is now (the answer is ready; close() waits for the write, so no write
   * outlives a store). With changes to fold in, a large index is folded in a worker thread, from the
   * history as it is when the write starts; the folded index replaces this one between queries
   * (through the queue: never while a query applies commits), and only if no query applied more.
   */
  private persist(host: SearchCacheHost, engine: Engine): Promise<void> {
    if (this.writing) return this.writing;
    if (!this.index || this.covered.length === 0 || this.unwritable || this.closed) return Promise.resolve();
    const index = this.index;
    const data = host.data();
    const count = this.covered.length;
    const foldOffThread = index.changes > 0 && this.large(data);
    this.stale = false;
    this.writing = (async () => {
      if (await this.lockHeld()) return;
      const t = performance.now();
      const built = this.built;
      this.built = undefined;
      if (built && built.commits === count && index.changes === 0) return this.write(built.bytes, count, t);
      if (!foldOffThread) {
        // Awaited by its query, which holds the queue: nothing is applied meanwhile.
        return this.write(this.fold(engine, index, count, data.commits), count, t);
      }
      const file = await this.fileOffThread(data, false);
      // The worker failed: folded here, between queries, as the index is then.
      const folded = file
        ? await this.between(() => {
            if (this.index === index && this.covered.length <= data.commits.length && this.covers(data.commits)) {
              this.index = engine.StoredIndex.open<MemoryEntry>(file);
              this.covered = data.commits.map(commitId);
            }
            return { bytes: file, commits: data.commits.length };
          })
        : await this.between(() => (this.index === index ? { bytes: this.fold(engine, index, this.covered.length, host.data().commits), commits: this.covered.length } : undefined));
      // Another process may have taken the lock while the worker ran.
      if (folded && !(await this.lockHeld())) await this.write(folded.bytes, folded.commits, t);
    })()
      .catch((e: unknown) => {
        // A read-only or full storage: answer from memory, and stop trying in this process.
        this.unwritable = true;
        this.logger.debug(`could not write ${MEMORY_INDEX_FILE}: ${String(e)}`);
      })
      .finally(() => (this.writing = undefined));
    return this.writing;
  }

  /** Run `fn` between queries (after the ones under way). */
  private between<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Whether another process holds the storage lock (then the index is written later: stale). */
  private async lockHeld(): Promise<boolean> {
    if (!(await isStorageLockHeld(this.files.dir))) return false;
    this.logger.debug(`not writing ${MEMORY_INDEX_FILE}: another operation holds the storage lock`);
    this.stale = true;
    return true;
  }

  private async write(bytes: Uint8Array, commits: number, since: number): Promise<void> {
    await this.files.writeAtomic(MEMORY_INDEX_FILE, bytes);
    this.written = commits;
    this.timings.writeMs = performance.now() - since;
    this.timings.bytes = bytes.byteLength;
  }
}
