// The sync pipeline: resolve → head → snapshot → diff with the base → read and index → save, as an
// async generator. It reads the repository through a RepositorySource and speaks no git.
import { Channel, Throttle } from './channel';
import { changedFiles, diffCounts, diffSnapshots, sortedByPath } from './diff';
import { SyncError, throwIfAborted, toSyncError, unlessAborted } from './errors';
import { scoped, type Logger } from './logger';
import { displayGitPath } from './paths';
import type { FileVersion } from './memory/extract';
import { extractorId, partialExtractor } from './memory/extractor';
import type { FactsPool } from './memory/pool';
import type { BlobContent, Clock, CompleteSyncInput, HistoryStore, ListedPieces, NetworkHooks, SnapshotPrewrite, RepositorySource, SourceHead } from './ports';
import type { SyncEvent, SyncRequest } from './syncEvents';
import {
  emptyStats,
  type MemoryFacts,
  type RemoteRepository,
  type RepositoryFile,
  type SnapshotDiff,
  type SyncPhase,
  type SyncRecord,
  type SyncStats,
} from './types';

export interface PipelineDeps {
  store: HistoryStore;
  logger: Logger;
  clock: Clock;
  maxFileSize: number;
  resolveRemote(workdir: string, remoteName?: string): Promise<RemoteRepository>;
  /** The repository as the engine reads it; `hooks` report rate-limit and retry waits. */
  open(repository: RemoteRepository, workdir: string, hooks: NetworkHooks): Promise<RepositorySource>;
  /** Exclusive use of the storage for the whole attempt (LOCKED when another process holds it). */
  lock(signal?: AbortSignal): Promise<{ release(): Promise<void> }>;
  /**
   * The extractor this engine's facts come from (memory/extractor.ts extractorId; default the
   * regexes'): recorded on each link; a base made by another has its files analysed again.
   */
  extractor?: string;
  /**
   * With the parsers: loads them on this thread and gives the extractor's id, which says whether
   * they all loaded (memory/extractor.ts extractorId). Awaited at every sync before the base's
   * extractor is compared; its answer replaces `extractor`.
   */
  resolveExtractor?: () => Promise<string>;
  /**
   * Worker threads for the memory facts of `files` changed files, or undefined to analyse them on
   * this thread (the engine decides: in the CLI small changes, or any on two cores or fewer). The
   * pipeline closes the pool when done.
   */
  factsPool?: (files: number) => Promise<FactsPool | undefined>;
  /**
   * From how many files to read a sync commits in two steps (snapshot, then memory). Default
   * LARGE_CHANGE_FILES; tests lower it.
   */
  largeChangeFiles?: number;
  /** Tests only: awaited between a large sync's snapshot step and its memory step. */
  afterSnapshotSaved?: (sync: SyncRecord) => Promise<void>;
}

/**
 * A large change: its snapshot is committed before its files are analysed (browsable and
 * restorable meanwhile; the record says memoryIncomplete). Below it, one commit. Either way, facts
 * already held for the same blobs (the store's blob index) are reused instead of reading them again.
 */
export const LARGE_CHANGE_FILES = 2000;

/** Files per message to a facts worker, and batches in flight at once (bounds the bytes held). */
const POOL_BATCH_FILES = 64;
const POOL_BATCH_BYTES = 1 << 20;
const POOL_IN_FLIGHT = 8;

const PROGRESS_INTERVAL_MS = 50;

export async function* runSync(deps: PipelineDeps, request: SyncRequest, signal?: AbortSignal): AsyncGenerator<SyncEvent, SyncRecord> {
  const log = scoped(deps.logger, 'sync');
  throwIfAborted(signal);
  const repository = await deps.resolveRemote(request.workdir, request.remoteName);
  const lock = await deps.lock(signal);
  try {
    // Under the lock no other process writes the history: what one wrote before is read now, so
    // the base the head is asked against below is the branch's latest.
    await deps.store.reload();
    // The source opens and the branch's head is asked for (which may start the transfer) while the
    // running record is written: that write ends in an fsync (40 ms on a VM's disk) that nothing on
    // the network needs. No event is yielded before the record is written.
    const run = new Run(deps, signal);
    run.ahead(repository, request);
    let record: SyncRecord;
    try {
      record = await deps.store.begin({ repository, branch: request.branch ?? '' });
    } catch (e) {
      await run.abandon();
      throw e;
    }
    run.begun(record);
    log.info(`started ${record.id} for ${repository.owner}/${repository.name}`);
    let settled = false;
    let completed = false;
    try {
      // Inside the try: a consumer that stops at 'started' cancels the attempt and closes the source.
      yield { type: 'started', sync: record };
      const done = yield* run.execute(repository, request);
      settled = true;
      completed = true;
      log.info(`completed ${done.id}: +${done.stats.added} ~${done.stats.modified} -${done.stats.removed} against ${done.baseSyncId ?? 'nothing (first sync of the branch)'}`);
      return done;
    } catch (e) {
      settled = true;
      const err = toSyncError(e);
      if (run.saved) throw savedButIncomplete(err, run.saved, log);
      const status = err.code === 'CANCELLED' ? 'cancelled' : 'failed';
      log.warn(`${status} ${record.id} in ${run.phase}: ${err.code} ${err.message}`);
      await deps.store.fail(record.id, status, { code: err.code, message: err.message }, run.phase);
      throw err;
    } finally {
      // A consumer that stops iterating (break, return()) cancels the attempt (a saved link stays).
      if (!settled && !run.saved) await deps.store.fail(record.id, 'cancelled', { code: 'CANCELLED', message: 'The sync was cancelled.' }, run.phase);
      await run.close(completed);
    }
  } finally {
    await lock.release();
  }
}

/** One attempt's mutable state; the generator methods yield its events. */
class Run {
  phase: SyncPhase = 'resolving';
  private readonly stats: SyncStats = emptyStats();
  private readonly channel = new Channel<SyncEvent>();
  private readonly throttle = new Throttle(PROGRESS_INTERVAL_MS);
  private readonly started = performance.now();
  private source: RepositorySource | undefined;
  /** The memory analysis module, loading. */
  private analysis: Promise<typeof import('./memory/analysis')> | undefined;
  /** The link, once its snapshot is committed ahead of its memory (a large change). */
  saved: SyncRecord | undefined;
  /** The extractor deps.resolveExtractor gave. */
  private resolved: string | undefined;
  /** Workers of this sync answered without some of their parsers. */
  private degraded = false;
  /**
   * The snapshot's file written while the tree is listed (the repository's first snapshot), as it
   * opens: close() removes what it opened unless complete() took it (abort() is then a no-op), even
   * when the attempt ended while it was opening.
   */
  private prewrite: Promise<SnapshotPrewrite | undefined> | undefined;

  /** The running record, once written (see begun()). */
  private record!: SyncRecord;
  /**
   * Waits reported before execute() reached the head (the record may not be written yet): told once
   * it has, after the 'fetchingHead' progress that a consumer takes as the end of any wait.
   */
  private heldWaits: Parameters<NonNullable<NetworkHooks['onWait']>>[0][] | undefined = [];
  /** Removes ahead()'s listener from the sync's signal. */
  private unrelay: (() => void) | undefined;
  /** The source opening and the head asked for ahead of the record (see ahead()). */
  private early: { source: Promise<RepositorySource>; head: Promise<SourceHead> | undefined; abort: AbortController } | undefined;

  private readonly hooks: NetworkHooks = {
    onWait: (w) => {
      if (this.heldWaits) this.heldWaits.push(w);
      else this.channel.push({ type: 'waiting', syncId: this.record.id, ...w });
    },
    // Files will be analysed: the analysis module (and its language tables) loads while git transfers the pack.
    onTransfer: () => void (this.analysis ??= preload()),
  };

  constructor(
    private readonly deps: PipelineDeps,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /**
   * Open the source and ask for the named branch's head (the default branch is asked for in
   * execute()) before the running record is written. Stopped by the sync's signal, or by abandon().
   */
  ahead(repository: RemoteRepository, request: SyncRequest): void {
    const abort = new AbortController();
    const relay = (): void => abort.abort(this.signal?.reason);
    if (this.signal?.aborted) relay();
    else this.signal?.addEventListener('abort', relay, { once: true });
    // A caller's signal may outlive the attempt: the listener goes with it.
    this.unrelay = () => this.signal?.removeEventListener('abort', relay);
    const source = this.deps.open(repository, request.workdir, this.hooks);
    const branch = request.branch;
    const head = branch === undefined ? undefined : source.then((s) => s.head(branch, this.deps.store.baseFor(repository, branch), abort.signal));
    // Until execute() awaits them (or if it never does), a failure is not unhandled.
    source.catch(() => undefined);
    head?.catch(() => undefined);
    this.early = { source, head, abort };
  }

  /** The running record is written: events may name it. */
  begun(record: SyncRecord): void {
    this.record = record;
  }

  /** The record could not be written: what ahead() started is stopped and its source closed. */
  async abandon(): Promise<void> {
    try {
      await this.stopEarly();
      const source = await this.early?.source.catch(() => undefined);
      // The caller reports why the record could not be written: a failure to close is only logged.
      await source?.close({ completed: false }).catch((e: unknown) => this.deps.logger.warn(`closing the source failed: ${String(e)}`));
    } finally {
      this.unrelay?.();
    }
  }

  /** The head ahead() asked for is stopped (with any transfer it began) and awaited. */
  private async stopEarly(): Promise<void> {
    const early = this.early;
    if (!early) return;
    early.abort.abort(new SyncError('CANCELLED', 'The sync was cancelled.'));
    await early.head?.catch(() => undefined);
  }

  async *execute(repository: RemoteRepository, request: SyncRequest): AsyncGenerator<SyncEvent, SyncRecord> {
    const { store } = this.deps;
    yield this.progress('resolving', 0, null, true);
    const early = this.early;
    if (!early) throw new SyncError('INTERNAL', 'The sync ran without opening its source.');
    const source = yield* this.channel.until(early.source);
    this.source = source;

    yield this.progress('fetchingHead', 0, 1, true);
    for (const w of this.heldWaits ?? []) this.channel.push({ type: 'waiting', syncId: this.record.id, ...w });
    this.heldWaits = undefined;
    const branch = request.branch ?? (yield* this.channel.until(source.defaultBranch(this.signal)));
    const base = store.baseFor(repository, branch);
    const head = yield* this.channel.until(early.head ?? source.head(branch, base, this.signal));
    yield this.progress('fetchingHead', 1, 1, true);

    const unchanged = base !== undefined && base.treeSha === head.treeSha;
    const large = this.deps.largeChangeFiles ?? LARGE_CHANGE_FILES;
    const isText = (f: RepositoryFile) => f.mode !== '160000' && f.mode !== '120000' && (f.size ?? 0) <= this.deps.maxFileSize;
    // Either the whole snapshot (then diffed with the base's), or the changes alone when the source
    // can tell them by subtree sha (then nothing on this path grows with the repository), or — a
    // large repository's first snapshot, written to its file as it was listed — the listing held
    // compactly by the source (`lean`), never as an object per file.
    let files: RepositoryFile[] | undefined;
    let changes: SnapshotDiff | undefined;
    let lean: { listing: ListedPieces; texts: number } | undefined;
    /** Entries the prewritten file holds, every one, in path order: stored by their count (CompleteSyncInput.listed). */
    let listedCount: number | undefined;
    if (unchanged) {
      this.stats.files = base.stats.files;
      changes = { added: [], modified: [], removed: [] };
    } else {
      yield this.progress('fetchingTree', 0, null, true);
      if (base && source.changes) changes = yield* this.channel.until(source.changes(head, base, { signal: this.signal }));
      if (changes && base) {
        this.stats.files = base.stats.files + changes.added.length - changes.removed.length;
      } else {
        // The repository's first snapshot is written while git lists it; complete() ends the file.
        if (base === undefined && store.prewriteSnapshot) this.prewrite = store.prewriteSnapshot(this.record.id, head.treeSha);
        const prewrite = this.prewrite && (yield* this.channel.until(this.prewrite));
        const onProgress = (n: number) => this.maybeProgress('fetchingTree', n, null);
        let texts = 0;
        const listing = prewrite
          ? source.snapshot(head, base, {
              signal: this.signal,
              onProgress,
              onListed: (listed) => prewrite.listed(listed),
              lean: (piece) => {
                prewrite.piece(piece);
                for (const f of piece) if (isText(f)) texts++;
              },
            })
          : source.snapshot(head, base, { signal: this.signal, onProgress });
        const listed = yield* this.channel.until(listing);
        if (Array.isArray(listed)) files = listed;
        else if (prewrite?.wrote(listed.count)) {
          // The file holds every entry in path order (checked as they came): stored by their count.
          // A large listing stays lean, its memory read back in groups; a small one is made again.
          listedCount = listed.count;
          if (listed.count >= large && this.storeHoldsNoOther(store)) {
            lean = { listing: listed, texts };
            scoped(this.deps.logger, 'sync').info(`the listing of ${listed.count} file(s) is held as git's output and read back in pieces (written to the snapshot as listed)`);
          } else files = [...piecesOf(listed)];
        } else files = sortedByPath([...piecesOf(listed)]) as RepositoryFile[];
        this.stats.files = files?.length ?? lean?.listing.count ?? 0;
      }
    }
    yield this.progress('fetchingTree', this.stats.files, this.stats.files, true);

    throwIfAborted(this.signal);
    yield this.progress('diffing', 0, null, true);
    // A lean first snapshot is all added; its diff holds no entry (CompleteSyncInput.listed).
    const diff: SnapshotDiff = changes ?? (lean ? { added: [], modified: [], removed: [] } : diffSnapshots(base ? await store.readFiles(base.id) : [], files ?? []));
    Object.assign(this.stats, diffCounts(diff));
    if (lean) this.stats.added = lean.listing.count;
    yield this.progress('diffing', 1, 1, true);

    // The parsers' id is decided here, once their load on this thread is known, not after the
    // analysis: an install where a grammar never loads then records `parsers.N+partial` on every
    // link and its next syncs find a base of their own extractor (only what changed is analysed),
    // where a label decided after the analysis would find every base stale and analyse the whole
    // branch at every sync. Loaded here, this thread also has the parsers the id names when a worker
    // fails and its files are analysed here (readAndIndex).
    if (this.deps.resolveExtractor) this.resolved = yield* this.channel.until(this.deps.resolveExtractor());
    const wanted = [...changedFiles(diff), ...stillMissing(base, diff)].filter(isText);
    // A base whose memory step never came: what it lacks is read now, so this link's memory is whole.
    // A base whose memory another extractor made (an older release, the other mode): every file is
    // analysed again, once, so this link's memory is all this extractor's.
    const stale = base !== undefined && base.memoryExtractor !== this.extractor;
    if (base?.memoryIncomplete || stale) wanted.push(...(yield* this.channel.until(this.unindexed(base, diff, wanted, stale))).filter(isText));
    const { reused, toRead } = wanted.length > 0 ? yield* this.channel.until(this.reuseKnown(wanted)) : { reused: [], toRead: wanted };
    const input: CompleteSyncInput = {
      branch: head.branch,
      commitSha: head.commitSha,
      treeSha: head.treeSha,
      commitMessage: head.commitMessage,
      forcePushed: head.forcePushed,
      baseSyncId: base?.id ?? null,
      // The file the listing wrote holds them all: the store takes their count (all added, no diff),
      // and the files when held here (to write the snapshot again should that file be gone).
      ...(listedCount !== undefined ? { listed: listedCount, diff: { added: [], modified: [], removed: [] } } : { diff }),
      ...(files ? { files } : {}),
      memory: [],
      memoryExtractor: this.extractor,
      stats: this.snapshotStats(),
    };
    let completed: SyncRecord;
    if (lean || toRead.length >= large) {
      // Two steps: the snapshot now; the memory, written to its file as the files are analysed.
      yield this.progress('saving', 0, 1, true);
      // A re-analysis (stale base) leaves the base's facts of unchanged files active until its memory
      // step: the snapshot step keeps the base's extractor, so an interrupted one is redone in full.
      const snapshotExtractor = stale ? base.memoryExtractor : this.extractor;
      yield* this.settle(source);
      this.saved = await store.complete(this.record.id, { ...input, memoryExtractor: snapshotExtractor, memoryPending: true, stats: this.snapshotStats() }, await this.prewritten());
      yield { type: 'saved', sync: this.saved };
      if (this.deps.afterSnapshotSaved) yield* this.channel.until(this.deps.afterSnapshotSaved(this.saved));
      throwIfAborted(this.signal);
      const writer = await store.openMemory(this.record.id);
      let committed = false;
      try {
        if (reused.length > 0) writer.add(reused);
        // A lean listing's text files, read in groups made from it as the reading goes.
        const reading = lean ? { groups: textGroups(lean.listing, isText), total: lean.texts } : toRead;
        const read = yield* this.readAndIndex(source, head, reading, (facts) => writer.add(facts));
        this.stats.contentFiles = writer.count;
        yield* this.settle(source);
        yield* this.saving();
        completed = await writer.commit({ missingContent: read.missing, stats: this.snapshotStats(), memoryExtractor: this.extractor });
        committed = true;
      } finally {
        if (!committed) await writer.abort();
      }
    } else {
      const memory: MemoryFacts[] = [...reused];
      const read = yield* this.readAndIndex(source, head, toRead, (facts) => memory.push(...facts));
      this.stats.contentFiles = memory.length;
      yield* this.settle(source);
      yield* this.saving();
      // Facts come back from the workers in any order: path order, through core's one sort.
      completed = await store.complete(this.record.id, { ...input, memory: [...sortedByPath(memory)], missingContent: read.missing, memoryExtractor: this.extractor, stats: this.snapshotStats() }, await this.prewritten());
    }
    this.phase = 'done';
    yield this.progress('done', 1, 1, true);
    return completed;
  }

  /**
   * Whether the store holds no completed sync (whose facts reuseKnown could look up): a lean
   * listing's files are not looked up, so it is kept lean only where there is nothing to find. A
   * failed or cancelled attempt (a first sync tried again) holds no facts.
   */
  private storeHoldsNoOther(store: HistoryStore): boolean {
    return store.list().every((r) => r.id === this.record.id || r.status !== 'completed');
  }

  /** complete()'s options: the prewritten snapshot (complete() ends or removes it). */
  private async prewritten(): Promise<{ prewritten?: SnapshotPrewrite }> {
    const prewritten = await this.prewrite;
    return prewritten ? { prewritten } : {};
  }

  private async *saving(): AsyncGenerator<SyncEvent, void> {
    throwIfAborted(this.signal);
    yield this.progress('saving', 0, 1, true);
    this.stats.durationMs = Math.round(performance.now() - this.started);
  }

  /**
   * Read every wanted blob once and hand its memory facts (one entry per path) to `keep` as they come,
   * in any order; `missing`: the files no source could give.
   */
  private async *readAndIndex(
    source: RepositorySource,
    head: SourceHead,
    wanted: RepositoryFile[] | { groups: Iterable<RepositoryFile[]>; total: number },
    keepFacts: (facts: MemoryFacts[]) => void,
  ): AsyncGenerator<SyncEvent, { missing: RepositoryFile[] }> {
    // Files are read a group at a time: all at once, or a lean listing's groups as they are made.
    const { groups, total } = Array.isArray(wanted) ? { groups: [wanted], total: wanted.length } : wanted;
    if (total === 0) return { missing: [] };
    yield this.progress('fetchingContent', 0, total, true);
    const { extractFacts } = yield* this.channel.until((this.analysis ??= preload()));
    const pool = this.deps.factsPool ? yield* this.channel.until(this.deps.factsPool(total)) : undefined;
    scoped(this.deps.logger, 'sync').info(`memory facts of ${total} file(s) ${pool ? 'in worker threads' : 'on this thread'}`);
    const keep = (facts: readonly (MemoryFacts | undefined)[]): void => {
      keepFacts(facts.filter((f): f is MemoryFacts => f !== undefined));
    };
    // With a pool, files go to the workers in batches while the next blobs are read; without one (or
    // when a worker fails) they are analysed here. Same code, same answer.
    // Each batch in flight settles without rejecting (a rejection nobody awaits yet would end the
    // process as unhandled); a failure is kept and thrown once, when the batches are awaited.
    const inFlight: Promise<void>[] = [];
    /** Batches sent and not yet answered. */
    let unsettled = 0;
    let failure: { error: unknown } | undefined;
    let workerFailed = false;
    let batch: FileVersion[] = [];
    let batchBytes = 0;
    const send = (): void => {
      const versions = batch;
      batch = [];
      batchBytes = 0;
      if (!pool) return keep(versions.map((v) => extractFacts(v)));
      unsettled++;
      inFlight.push(
        pool
          .extractMany(versions)
          .then(keep, (e: unknown) => {
            // Stopped because the sync was cancelled: nothing is analysed any more, here either.
            if (this.signal?.aborted) return;
            if (!workerFailed) scoped(this.deps.logger, 'sync').warn(`memory worker failed (${e instanceof Error ? e.message : String(e)}); analysing on this thread`);
            workerFailed = true;
            keep(versions.map((v) => extractFacts(v)));
          })
          .catch((e: unknown) => {
            failure ??= { error: e };
          })
          .finally(() => {
            unsettled--;
          }),
      );
    };
    const settle = async (p: Promise<unknown>): Promise<void> => {
      // A batch that never ends must not hold a cancelled sync: the wait ends at the cancel (the
      // workers are stopped below).
      await unlessAborted(p, this.signal);
      if (failure) throw failure.error;
    };
    const missing: RepositoryFile[] = [];
    let blobs: AsyncIterator<BlobContent> | undefined;
    try {
      const maxFileSize = this.deps.maxFileSize;
      let indexed = 0;
      let first = true;
      for (const group of groups) {
        const bySha = pathsByBlob(group);
        // Fetching is told for the first group only: a later one's would take the bar back from indexing.
        const onProgress = first ? (done: number, of: number) => this.maybeProgress('fetchingContent', done, Array.isArray(wanted) ? of : total) : undefined;
        first = false;
        blobs = source.read(group, head, { signal: this.signal, ...(onProgress ? { onProgress } : {}) })[Symbol.asyncIterator]();
        for (;;) {
          const step = yield* this.channel.until(blobs.next());
          if (step.done) break;
          if (this.phase !== 'indexing') yield this.progress('indexing', indexed, total, true);
          const { sha, bytes } = step.value;
          const same = bySha.get(sha);
          for (const f of same === undefined ? [] : Array.isArray(same) ? same : [same]) {
            indexed++;
            if (!bytes) {
              missing.push(f);
              continue;
            }
            batch.push({ path: f.path, blobSha: f.blobSha, mode: f.mode, size: f.size, content: bytes, maxFileSize });
            batchBytes += bytes.length;
            if (!pool || batch.length >= POOL_BATCH_FILES || batchBytes >= POOL_BATCH_BYTES) send();
            while (inFlight.length >= POOL_IN_FLIGHT) yield* this.channel.until(settle(inFlight.shift() as Promise<void>));
          }
          this.maybeProgress('indexing', indexed, total);
        }
        blobs = undefined;
      }
      if (batch.length > 0) send();
      yield* this.channel.until(settle(Promise.all(inFlight)));
    } finally {
      // Cancelled or failed midway: the reading stops, and the batches still out are waited for, so none outlives the sync.
      await blobs?.return?.(undefined);
      // Cancelled with batches still out: the workers are stopped (those batches then settle at once,
      // rejected), not waited for: a batch that never ends (an extractor caught in a pathological file)
      // must not hold the cancel.
      if (this.signal?.aborted && unsettled > 0) await pool?.stop();
      await Promise.all(inFlight);
      // Workers whose parsers did not all load (where this thread's did) answered with regex symbols
      // for some languages: this link's memory is recorded as the partial extractor's (the next sync
      // analyses the branch again, once, with whole parsers).
      if (pool?.degraded() && this.extractor !== partialExtractor(this.extractor)) {
        this.degraded = true;
        scoped(this.deps.logger, 'sync').warn(`memory parsers did not all load in the worker threads; this sync's memory is recorded as extractor ${this.extractor}`);
      }
      await pool?.close();
    }
    if (missing.length > 0) yield { type: 'warning', syncId: this.record.id, message: missingWarning(missing, head.branch) };
    yield this.progress('indexing', total, total, true);
    return { missing: [...sortedByPath(missing)] };
  }

  /**
   * Files of `base`'s snapshot this sync leaves as they were (and does not already read) that need
   * reading: those without a memory entry (a base whose memory step never came), or every one when
   * `all` (a base whose memory another extractor made). O(files), once.
   */
  private async unindexed(base: SyncRecord, diff: SnapshotDiff, wanted: readonly RepositoryFile[], all: boolean): Promise<RepositoryFile[]> {
    const { store } = this.deps;
    const [files, entries] = await Promise.all([store.readFiles(base.id), all ? [] : store.memoryAt(base.id)]);
    const skip = new Set([...entries.map((e) => e.path), ...wanted.map((f) => f.path), ...diff.modified.map((m) => m.after.path), ...diff.removed.map((f) => f.path)]);
    const lacking = files.filter((f) => !skip.has(f.path));
    const log = scoped(this.deps.logger, 'sync');
    if (all) log.info(`the memory of ${base.id} was made by ${base.memoryExtractor ? `extractor ${base.memoryExtractor}` : 'an earlier extractor'}; analysing its ${lacking.length} unchanged file(s) again with ${this.extractor}`);
    else log.info(`the memory of ${base.id} was left incomplete; reading its ${lacking.length} unindexed file(s) again`);
    return lacking;
  }

  /** The extractor of the facts this sync writes: resolveExtractor's answer, or the deps', made partial by degraded workers. */
  private get extractor(): string {
    const id = this.resolved ?? this.deps.extractor ?? extractorId(false);
    return this.degraded ? partialExtractor(id) : id;
  }

  /**
   * Facts the store holds for the same blob under a name that gives the same language (the facts
   * depend on the bytes and the language only): reused for this path, never read or analysed again.
   */
  private async reuseKnown(wanted: RepositoryFile[]): Promise<{ reused: MemoryFacts[]; toRead: RepositoryFile[] }> {
    const known = await this.deps.store.knownFacts(wanted, this.extractor);
    if (known.length === 0) return { reused: [], toRead: wanted };
    const { languageByName } = await (this.analysis ??= preload());
    const bySha = byBlob(known);
    const reused: MemoryFacts[] = [];
    const toRead: RepositoryFile[] = [];
    for (const f of wanted) {
      const candidates = bySha.get(f.blobSha);
      const lang = candidates && languageByName(f.path);
      const hit = candidates?.find((k) => k.path === f.path || languageByName(k.path) === lang);
      if (hit) reused.push({ ...hit, path: f.path });
      else toRead.push(f);
    }
    scoped(this.deps.logger, 'sync').info(`memory facts of ${reused.length} of ${wanted.length} file(s) reused by blob sha`);
    return { reused, toRead };
  }

  /** The source's work under way ended (see RepositorySource.settle): the figures about to be recorded are final. */
  private async *settle(source: RepositorySource): AsyncGenerator<SyncEvent, void> {
    if (source.settle) yield* this.channel.until(source.settle(this.signal));
    throwIfAborted(this.signal);
  }

  private snapshotStats(): SyncStats {
    const t = this.source?.traffic() ?? { requests: 0, bytes: 0, source: 'none' };
    return { ...this.stats, requests: t.requests, bytes: t.bytes, contentSource: t.source };
  }

  private maybeProgress(phase: SyncPhase, done: number, total: number | null): void {
    if (this.throttle.ready()) this.channel.push(this.progress(phase, done, total));
  }

  private progress(phase: SyncPhase, done: number, total: number | null, force = false): SyncEvent {
    if (force) this.throttle.ready(true);
    this.phase = phase;
    return { type: 'progress', syncId: this.record.id, phase, done, total, stats: this.snapshotStats() };
  }

  async close(completed: boolean): Promise<void> {
    try {
      // An attempt that ends before its head was awaited (stopped by its consumer) stops that request
      // first: its ref arriving after the close would start a transfer nobody ends.
      if (!completed) await this.stopEarly();
      // A source opened ahead but never reached by execute() (cancelled meanwhile) is closed too.
      const source = this.source ?? (await this.early?.source.catch(() => undefined));
      await source?.close({ completed });
    } finally {
      this.unrelay?.();
      // complete() took it or removed it; a sync that ended before complete() removes it here.
      await (await this.prewrite?.catch(() => undefined))?.abort();
    }
  }
}

/**
 * The base's files whose content was missing and that this sync leaves as they were (a changed or
 * removed path is read anew or gone): fetched again, so a rejected blob gets its memory entry at
 * the next sync even when nothing changed. O(missing + diff), never O(repository).
 */
function stillMissing(base: SyncRecord | undefined, diff: SnapshotDiff): RepositoryFile[] {
  if (!base || base.missingContent.length === 0) return [];
  const touched = new Set([...diff.modified.map((m) => m.after.path), ...diff.removed.map((f) => f.path)]);
  return base.missingContent.filter((f) => !touched.has(f.path));
}

/**
 * The analysis module, its language tables built: started before the network's answers are in (a
 * failure is seen where it is awaited; until then it must not be an unhandled rejection).
 */
function preload(): Promise<typeof import('./memory/analysis')> {
  const loading = import('./memory/analysis').then((m) => {
    m.linguistTables();
    return m;
  });
  loading.catch(() => undefined);
  return loading;
}

/** Every entry of a lean listing, made again (a listing small, out of order, or in a store with a completed sync). */
function* piecesOf(listing: ListedPieces): Generator<RepositoryFile> {
  for (const piece of listing.pieces()) yield* piece;
}

/**
 * Files of a lean listing read per group: one read's set-up each (~1 ms: its first blobs asked and
 * awaited). A group's entries live until its last blob is analysed: 4,096 a group outlived the young
 * generation's collections and was promoted, old-generation garbage that kept the 100k first sync's
 * peak where the held list had it (128–148 MB); 1,024 peaked at 118–122 MB, the memory no later.
 */
const READ_GROUP_FILES = 1024;

/** The text files of a lean listing, in groups of about READ_GROUP_FILES made as they are asked for. */
function* textGroups(listing: ListedPieces, isText: (f: RepositoryFile) => boolean): Generator<RepositoryFile[]> {
  let group: RepositoryFile[] = [];
  for (const piece of listing.pieces()) {
    for (const f of piece) if (isText(f)) group.push(f);
    if (group.length >= READ_GROUP_FILES) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0) yield group;
}

/**
 * The files of each blob sha: the file itself, or an array when one blob is several paths. Held
 * while its group is read (the whole memory step but for a lean listing's groups): an array per
 * blob cost 10 MB of heap at 100k files.
 */
function pathsByBlob(files: readonly RepositoryFile[]): Map<string, RepositoryFile | RepositoryFile[]> {
  const out = new Map<string, RepositoryFile | RepositoryFile[]>();
  for (const f of files) {
    const same = out.get(f.blobSha);
    if (same === undefined) out.set(f.blobSha, f);
    else if (Array.isArray(same)) same.push(f);
    else out.set(f.blobSha, [same, f]);
  }
  return out;
}

/** Items grouped by blob sha (one blob can be several paths). */
function byBlob<T extends { blobSha: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const same = out.get(item.blobSha);
    if (same) same.push(item);
    else out.set(item.blobSha, [item]);
  }
  return out;
}

/** An error after the snapshot was committed: the link stays, and the message says so. */
function savedButIncomplete(err: SyncError, saved: SyncRecord, log: Logger): SyncError {
  log.warn(`${saved.id}: memory left incomplete (${err.code} ${err.message})`);
  const note = `The snapshot of ${saved.branch} is saved; its memory is incomplete until the next sync of ${saved.branch}.`;
  return new SyncError(err.code, `${err.message} ${note}`, { ...err.details, cause: err });
}

/** What the user is told about files without content: which, and that the next sync tries again. */
function missingWarning(missing: readonly RepositoryFile[], branch: string): string {
  const SHOWN = 5;
  const names = missing.slice(0, SHOWN).map((f) => displayGitPath(f.path)).join(', ');
  const more = missing.length > SHOWN ? ` and ${missing.length - SHOWN} more` : '';
  const what = missing.length === 1 ? `1 file could not be fetched: ${names}. It has` : `${missing.length} files could not be fetched: ${names}${more}. They have`;
  return `${what} no memory entry yet; the next sync of ${branch} fetches ${missing.length === 1 ? 'it' : 'them'} again.`;
}
