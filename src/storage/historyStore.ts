// The HistoryStore: records in history.json (lowdb), snapshots and memory files beside it. Every
// mutation writes its new data files under fresh names first, then rewrites history.json once.
import { Emitter } from '../core/emitter';
import { SyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Clock, CompleteSyncInput, HistoryStore, MemoryWriter, SnapshotPrewrite, StoreChange } from '../core/ports';
import { diffSnapshots } from '../core/diff';
import type { ErrorCode, MemoryEntry, MemoryFacts, RepositoryFile, RepositoryRef, SyncRecord } from '../core/types';
import type { PersistentEtagCache } from './etags';
import { errno, randomSuffix, type FileOps } from './fsOps';
import { isStorageLockHeld } from './lock';
import { BLOB_INDEX_FILE, BLOB_RECORD_BYTES, BlobIndex, FactLocations, historyEpoch } from './blobIndex';
import { asCorrupt, memoryRel, readMemoryFile, replayMemory, type StoreState } from './loader';
import { MemoryIndex, type MemoryChange, type MemoryQuery } from './memoryIndex';
import { MemorySearchCache, type SearchCacheHost } from './memorySearchCache';
import { assertNoSuccessor, checkCompleteInput, checkMemoryFacts, checkMemoryInput, completedRecord, newRunningRecord, restoreRecord } from './records';
import { PrewrittenSnapshot } from './snapshots';
import { HISTORY_FILE, isLink, repoKey, type CommitEntry, type HistoryFile, type SnapshotNode } from './schema';

/** Characters of facts text gathered before a write (the join stays under V8's large-object size). */
const MEMORY_WRITE_CHUNK = 32 * 1024;

export class LowdbHistoryStore implements HistoryStore {
  private readonly emitter = new Emitter<StoreChange>();
  readonly onDidChange = this.emitter.event;
  private queue: Promise<unknown> = Promise.resolve();
  private byId = new Map<string, SyncRecord>();
  private broken: SyncError | undefined;

  constructor(
    private readonly files: FileOps,
    private readonly state: StoreState,
    readonly etags: PersistentEtagCache,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.committed = state.db.data;
    this.index();
    this.searchCache = new MemorySearchCache(files, logger);
    this.blobs = new BlobIndex(files, logger);
  }

  /** Where each blob's facts stand in the memory files (storage/blobIndex.ts). */
  private readonly blobs: BlobIndex;

  /** Active-memory queries with words: the persisted search index (storage/memorySearchCache.ts). */
  private readonly searchCache: MemorySearchCache;
  private readonly searchHost: SearchCacheHost = {
    data: () => this.state.db.data,
    loadAll: async () => {
      await this.loadMemory();
      return { groups: this.state.memory.activeByRepository(), commits: this.state.applied };
    },
    readChange: (c) => readMemoryFile(this.files, memoryRel(c.memoryFile as string), c.syncId),
  };

  get dir(): string {
    return this.files.dir;
  }

  /**
   * What readers see: the last history that reached the disk. A commit in flight (lowdb writes
   * `db.data`) stays invisible until its write has succeeded, so `list()`, `get()`, `activeSync()`
   * and `baseFor()` always answer from one consistent state.
   */
  private committed: HistoryFile;

  private get data(): HistoryFile {
    return this.committed;
  }

  list(): SyncRecord[] {
    return [...this.data.records].reverse().map(copy);
  }

  get(id: string): SyncRecord | undefined {
    const r = this.byId.get(id);
    return r && copy(r);
  }

  activeSync(repository?: RepositoryRef): SyncRecord | undefined {
    const r = this.latestLink(repository);
    return r && copy(r);
  }

  baseFor(repository: RepositoryRef, branch: string): SyncRecord | undefined {
    const r = this.latestLink(repository, branch);
    return r && copy(r);
  }

  async readFiles(syncId: string): Promise<RepositoryFile[]> {
    const rec = this.link(syncId);
    try {
      return await this.state.snapshots.read(rec.treeSha as string);
    } catch (e) {
      throw await this.corrupted(e);
    }
  }

  reload(): Promise<void> {
    return this.exclusive(async () => undefined);
  }

  begin(input: { repository: RepositoryRef; branch: string }): Promise<SyncRecord> {
    return this.exclusive(async () => {
      const rec = newRunningRecord(input.repository, input.branch, this.latestLink(input.repository), this.clock.now());
      await this.commit({ ...this.data, records: [...this.data.records, rec] });
      this.emitter.fire({ kind: 'begin', syncId: rec.id });
      return copy(rec);
    });
  }

  complete(syncId: string, input: CompleteSyncInput, opts: { prewritten?: SnapshotPrewrite } = {}): Promise<SyncRecord> {
    return this.exclusive(async () => {
      const prewritten = opts.prewritten instanceof PrewrittenSnapshot ? opts.prewritten : undefined;
      try {
        const held = input.listed !== undefined ? prewritten?.wrote(input.listed) : prewritten?.holds(input.files);
        return await this.completeLink(syncId, input, held ? prewritten : undefined);
      } finally {
        await opts.prewritten?.abort();
      }
    });
  }

  prewriteSnapshot(syncId: string, treeSha: string): Promise<SnapshotPrewrite | undefined> {
    return this.exclusive(async () => {
      // The repository's first link: complete() writes its snapshot whole, with no parent.
      if (this.running(syncId).startedAfterSyncId !== null) return undefined;
      // Only a head start: a file that cannot be opened now (a full or read-only disk says so again
      // at complete(), in the words every write failure gets) costs the sync nothing.
      return this.state.snapshots.prewrite(treeSha).catch((e: unknown) => {
        this.logger.debug(`the snapshot is written at completion: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
    });
  }

  /** complete(), with the snapshot's file already written when `prewritten` (which holds input.files, checked as it was listed). */
  private async completeLink(syncId: string, input: CompleteSyncInput, prewritten: PrewrittenSnapshot | undefined): Promise<SyncRecord> {
    const rec = this.running(syncId);
    checkCompleteInput(input, { filesChecked: prewritten !== undefined });
    assertNoSuccessor(this.data.records, rec.repository, rec.startedAfterSyncId);
    const base = this.checkedBase(rec, input);
    // The snapshot's file and the memory's are written side by side: neither is named until
    // history.json is (an attempt that fails leaves at most files nothing names, removed at the next open).
    const written = allWritten(
      this.snapshotFor(rec, base, input, prewritten),
      this.memoryChange(rec, base, input).then((change) => this.writeMemory(change, rec.id)),
    );
    // Either side may have found the history damaged (and moved it aside): that is what to tell.
    const [{ node, fileCount }, memory] = await written.catch((e: unknown) => {
      throw this.broken ?? e;
    });
    const done = completedRecord(rec, input, fileCount, this.clock.now());
    await this.indexBlobs(memory.located, rec.id);
    // The ETag cache (validators of the server's answers, whatever became of the sync) beside history.json.
    await allWritten(this.commitEntry(done, { ...memory.entry, treeSha: input.treeSha }, node, memory.change), this.saveEtags());
    this.emitter.fire({ kind: 'complete', syncId });
    return copy(done);
  }

  async openMemory(syncId: string): Promise<MemoryWriter> {
    const rec = this.link(syncId);
    if (!rec.memoryIncomplete) throw new SyncError('STORAGE_ERROR', `Sync ${syncId} has its memory already.`);
    const memoryFile = memoryFileName(syncId);
    const file = await this.files.openAtomic(memoryRel(memoryFile));
    // The file's JSON is written as it comes: the head, each batch of facts, the tail at commit.
    const located = new FactLocations();
    const text = new FactsText(`{"syncId":${JSON.stringify(syncId)},"supersede":[],"introduce":[`, located);
    file.write(text.head);
    let count = 0;
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pending.length === 0) return;
      file.write(pending.join(''));
      pending = [];
      pendingBytes = 0;
    };
    return {
      get count() {
        return count;
      },
      add: (facts) => {
        checkMemoryFacts(facts);
        // Written in pieces small enough to die young: held to 1 MB, the facts' text outlived
        // young-generation GCs and the joined piece was a large object, both old-generation garbage.
        // Checked per fact: one add() may bring thousands (the facts a large sync reuses).
        for (const f of facts) {
          const json = text.next(f);
          count++;
          pending.push(json);
          pendingBytes += json.length;
          if (pendingBytes >= MEMORY_WRITE_CHUNK) flush();
        }
      },
      commit: (input) =>
        this.exclusive(async () => {
          const current = this.link(syncId);
          if (this.data.commits.at(-1)?.syncId !== syncId) {
            await file.abort();
            throw new SyncError('STORAGE_ERROR', `Sync ${syncId} is no longer the latest sync: its memory is left to the next sync of ${current.branch}.`);
          }
          checkMemoryInput(input.missingContent);
          let entry: CommitEntry = { syncId, treeSha: current.treeSha as string, memoryFile: null };
          if (count > 0) {
            flush();
            file.write(']}');
            entry = { ...entry, memoryFile, memoryBytes: await file.commit() };
          } else {
            await file.abort();
          }
          const { memoryIncomplete: _, ...rest } = current;
          // The extractor of every fact active now: this step's, when it says (the snapshot step of a
          // re-analysis kept its base's, whose facts stayed active until now).
          if (input.memoryExtractor !== undefined) rest.memoryExtractor = input.memoryExtractor;
          const done: SyncRecord = { ...rest, missingContent: input.missingContent.map((f) => ({ ...f })), stats: { ...input.stats, files: current.stats.files, added: current.stats.added, modified: current.stats.modified, removed: current.stats.removed } };
          // Its snapshot step superseded every path it changed, so its memory only introduces. The
          // index reads the file on the memory's next use (the facts are not kept here).
          await this.indexBlobs(located, syncId);
          await allWritten(this.commitEntry(done, entry, undefined, entry.memoryFile ? { rel: memoryRel(entry.memoryFile) } : null), this.saveEtags());
          this.emitter.fire({ kind: 'memory', syncId });
          return copy(done);
        }),
      abort: () => file.abort(),
    };
  }

  async knownFacts(files: readonly { blobSha: string }[], extractor: string): Promise<MemoryFacts[]> {
    // A first sync into a new store holds no memory: nothing to look up (nor a set of 100k shas to build).
    if (files.length === 0 || this.data.commits.every((c) => c.memoryFile === null)) return [];
    // A link introduces only facts of its own extractor (a restore's are its target's).
    const madeBy = new Set(this.data.records.filter((r) => r.memoryExtractor === extractor).map((r) => r.id));
    const first = this.data.commits[0];
    if (madeBy.size === 0 || !first) return [];
    // A lookup reads the whole index: done when it costs less than analysing the files would (a
    // few files against a large history are analysed again), so its cost stays O(change).
    const indexBytes = await this.blobs.bytes();
    if (indexBytes > files.length * LOOKUP_BYTES_PER_FILE) {
      this.logger.debug(`${BLOB_INDEX_FILE} (${indexBytes} bytes) not read for ${files.length} file(s): analysing them costs less`);
      return [];
    }
    const wanted = new Set(files.map((f) => f.blobSha));
    // Wanted: a large share of every fact stored (a branch's first sync, a switch across most of the
    // tree), or the memory is loaded already: the memory index answers, and whatever needs it next
    // (complete() after another branch's sync plans against it) finds it loaded.
    if (!this.state.memory.unloaded || files.length * WHOLE_MEMORY_SHARE >= indexBytes / BLOB_RECORD_BYTES) {
      await this.loadMemory();
      return this.state.memory.withBlobs(wanted, madeBy);
    }
    const found = await this.blobs.find(historyEpoch(first.syncId), wanted);
    // Per memory file, the locations to read: a blob's newest few (the same blob under many names
    // gives the same facts wherever the language is the same).
    const reads = new Map<string, { blobSha: string; offset: number; length: number }[]>();
    for (const [blobSha, locations] of found) {
      let taken = 0;
      for (const l of locations) {
        const c = this.data.commits[l.commit];
        if (!c?.memoryFile || !madeBy.has(c.syncId) || l.length > MAX_FACT_BYTES) continue;
        const list = reads.get(c.memoryFile) ?? [];
        list.push({ blobSha, offset: l.offset, length: l.length });
        reads.set(c.memoryFile, list);
        if (++taken === MAX_LOCATIONS_READ) break;
      }
    }
    const out: MemoryFacts[] = [];
    let rejected = 0;
    for (const [memoryFile, list] of reads) {
      list.sort((a, b) => a.offset - b.offset);
      const bytes = await this.files.readRanges(memoryRel(memoryFile), list).catch(() => undefined);
      if (!bytes) {
        rejected += list.length;
        continue;
      }
      list.forEach((l, i) => {
        const facts = parsedFacts(bytes[i] as Buffer, l.blobSha);
        if (facts) out.push(facts);
        else rejected++;
      });
    }
    if (rejected > 0) this.logger.debug(`${BLOB_INDEX_FILE}: ${rejected} location(s) did not hold the facts of their blob (ignored)`);
    return out;
  }

  /**
   * The blob index learns where the commit about to be made (the next one, for `syncId`) wrote its
   * facts. Before history.json, like every data file: a crash in between leaves records pointing at a
   * commit that never came, which a lookup refuses (what stands there is not those facts).
   */
  private async indexBlobs(located: FactLocations, syncId: string): Promise<void> {
    const first = this.data.commits[0]?.syncId ?? syncId;
    try {
      await this.blobs.append(historyEpoch(first), this.data.commits.length, located);
    } catch (e) {
      // The file system refused the cache (full, read-only, a folder in its place): the facts are
      // committed all the same, and found again only by analysing. Anything else is a fault.
      if (!(e instanceof SyncError) && errno(e) === undefined) throw e;
      this.logger.debug(`${BLOB_INDEX_FILE} not updated (${e instanceof Error ? e.message : String(e)}): these facts are not found by blob sha`);
    }
  }

  fail(syncId: string, status: 'failed' | 'cancelled', error: { code: ErrorCode; message: string }, phase?: SyncRecord['phase']): Promise<SyncRecord> {
    return this.exclusive(async () => {
      const rec = this.running(syncId);
      const ended: SyncRecord = { ...rec, status, error: { ...error }, phase: phase ?? rec.phase, completedAt: this.clock.now().toISOString() };
      await this.commit({ ...this.data, records: this.data.records.map((r) => (r.id === syncId ? ended : r)) });
      this.emitter.fire({ kind: 'fail', syncId });
      return copy(ended);
    });
  }

  restore(syncId: string): Promise<SyncRecord> {
    return this.exclusive(async () => {
      const target = this.link(syncId);
      const head = this.latestLink(target.repository) as SyncRecord;
      assertNoSuccessor(this.data.records, target.repository, head.id);
      const base = this.latestLink(target.repository, target.branch);
      const [before, after] = await Promise.all([base ? this.readFiles(base.id) : [], this.readFiles(syncId)]);
      const rec = restoreRecord(target, head, base, diffSnapshots(before, after), after.length, this.clock.now());
      const change = this.state.memory.planRestore(target.repository, await this.memoryAt(syncId));
      await this.commitLink(rec, target.treeSha as string, undefined, change, rec.id, true);
      this.emitter.fire({ kind: 'restore', syncId: rec.id });
      return copy(rec);
    });
  }

  async memory(opts?: MemoryQuery): Promise<MemoryEntry[]> {
    const found = await this.searchCache.query(this.searchHost, opts ?? {});
    if (found) return found;
    await this.loadMemory();
    return this.state.memory.query(opts);
  }

  async memoryAt(syncId: string): Promise<MemoryEntry[]> {
    const rec = this.link(syncId);
    await this.loadMemory();
    return this.state.memory.at(syncId, rec.repository);
  }

  /** Read the memory files the index has not read yet (the first use after open or a reload). */
  private async loadMemory(): Promise<void> {
    const index = this.state.memory;
    if (!index.unloaded) return;
    try {
      await index.load((rel, syncId) => readMemoryFile(this.files, rel, syncId));
    } catch (e) {
      throw await this.corrupted(e);
    }
  }

  /**
   * The ETag cache written beside a commit. A cache: failing to write it fails nothing (the sync is
   * saved either way; its changes stay pending for the next write, and until then GitHub is asked
   * without those validators).
   */
  private saveEtags(): Promise<void> {
    return this.etags.flush().catch((e: unknown) => {
      // The storage error's own words speak of a failed sync; what failed is the cache.
      const why = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
      this.logger.warn(`could not save the ETag cache (${why}); the sync is saved, and GitHub is asked without those validators until the cache is written`);
    });
  }

  async close(): Promise<void> {
    await this.queue.catch((e: unknown) => this.logger.debug(`last store operation failed: ${String(e)}`));
    await this.searchCache.close();
    // What the cache could not write before is tried once more; failing again fails no command.
    await this.saveEtags();
    this.emitter.dispose();
  }

  /**
   * Records left running by a crashed process become interrupted (called once on open). While a live
   * process holds the storage lock, a running record may be its sync in progress: left alone then.
   */
  async markInterrupted(): Promise<void> {
    const stale = this.data.records.filter((r) => r.status === 'running' || r.status === 'queued');
    if (stale.length === 0) return;
    if (await isStorageLockHeld(this.dir, { clock: this.clock })) {
      this.logger.info(`${stale.length} sync(s) still running under another process's lock; not marking them interrupted`);
      return;
    }
    const ids = new Set(stale.map((r) => r.id));
    const at = this.clock.now().toISOString();
    await this.commit({ ...this.data, records: this.data.records.map((r) => (ids.has(r.id) ? { ...r, status: 'interrupted' as const, completedAt: at } : r)) });
    for (const id of ids) {
      this.logger.warn(`sync ${id} was interrupted (its process ended before it finished)`);
      this.emitter.fire({ kind: 'interrupted', syncId: id });
    }
  }

  /** The base the pipeline diffed against must still be the branch's latest link. */
  private checkedBase(rec: SyncRecord, input: CompleteSyncInput): SyncRecord | undefined {
    const base = this.latestLink(rec.repository, input.branch ?? rec.branch);
    if ((base?.id ?? null) !== input.baseSyncId) {
      throw new SyncError('STORAGE_ERROR', `Sync ${syncLabel(input.baseSyncId)} is no longer the latest sync of ${input.branch ?? rec.branch} (${syncLabel(base?.id ?? null)} is): run the sync again.`);
    }
    return base;
  }

  /**
   * The snapshot node to commit (none for a tree already stored) and the snapshot's file count. A
   * new node is a delta on the base's tree when there is one (the smallest delta), else on the chain
   * head's.
   */
  private async snapshotFor(rec: SyncRecord, base: SyncRecord | undefined, input: CompleteSyncInput, prewritten?: PrewrittenSnapshot): Promise<{ node: SnapshotNode | undefined; fileCount: number }> {
    if (input.files === undefined) {
      const stored = this.state.snapshots.fileCount(input.treeSha);
      if (stored !== undefined) return { node: undefined, fileCount: stored };
      if (input.listed !== undefined) return { node: await this.adoptListed(rec, base, input, prewritten), fileCount: input.listed };
      if (!base?.treeSha) throw new SyncError('STORAGE_ERROR', `Refusing to store sync without its files: tree ${input.treeSha} is not stored yet and there is no base to apply its changes to.`);
      try {
        return await this.state.snapshots.writeDeltaNode(input.treeSha, base.treeSha, input.diff);
      } catch (e) {
        throw await this.corrupted(e);
      }
    }
    const parent = base ?? (rec.startedAfterSyncId === null ? undefined : this.byId.get(rec.startedAfterSyncId));
    if (parent === undefined && prewritten?.treeSha === input.treeSha && !this.state.snapshots.has(input.treeSha)) {
      try {
        return { node: await this.state.snapshots.adopt(prewritten, input.files), fileCount: input.files.length };
      } catch (e) {
        // Its temp file gone (removed by hand, or by a cleaner of old temp files): written again, as it
        // would have been without the head start.
        if (errno(e) !== 'ENOENT') throw await this.corrupted(e);
        this.logger.debug(`the snapshot written while listing is gone (${String(e)}); writing it again`);
      }
    }
    return { node: await this.snapshotNode(input.treeSha, parent?.treeSha ?? null, input.files), fileCount: input.files.length };
  }

  /** The node of a snapshot whose files the sync never held (`CompleteSyncInput.listed`): the prewritten file. */
  private async adoptListed(rec: SyncRecord, base: SyncRecord | undefined, input: CompleteSyncInput, prewritten: PrewrittenSnapshot | undefined): Promise<SnapshotNode> {
    if (base !== undefined || rec.startedAfterSyncId !== null || prewritten?.treeSha !== input.treeSha) {
      throw new SyncError('STORAGE_ERROR', `Refusing to store sync ${rec.id} without its files: only a repository's first snapshot, written as it was listed, is stored so.`);
    }
    try {
      return await this.state.snapshots.adopt(prewritten);
    } catch (e) {
      // Its temp file gone (removed by hand, or by a cleaner of old temp files): the files it held are
      // not held here to write again; nothing is stored, and the next sync lists the tree again.
      if (errno(e) === 'ENOENT') throw new SyncError('STORAGE_ERROR', `The snapshot file written while the tree was listed is gone (${e instanceof Error ? e.message : String(e)}); sync again.`);
      throw await this.corrupted(e);
    }
  }

  /**
   * The memory change that makes the active memory the new snapshot's. When the base is the chain
   * head (the usual case) that is the diff itself: supersede every modified or removed path,
   * introduce the new facts. After another branch's sync, the target is the base's memory with the
   * diff applied, planned against what is active now.
   */
  private async memoryChange(rec: SyncRecord, base: SyncRecord | undefined, input: CompleteSyncInput): Promise<MemoryChange> {
    const replaced = supersededPaths(input);
    if ((base?.id ?? null) === rec.startedAfterSyncId) return { supersede: replaced, introduce: input.memory };
    const gone = new Set(replaced);
    await this.loadMemory();
    const target: MemoryFacts[] = base ? (await this.memoryAt(base.id)).filter((e) => !gone.has(e.path)) : [];
    return this.state.memory.planRestore(rec.repository, [...target, ...input.memory]);
  }

  private async snapshotNode(treeSha: string, parentSha: string | null, files: RepositoryFile[]): Promise<SnapshotNode | undefined> {
    try {
      return await this.state.snapshots.writeNode(treeSha, parentSha, files);
    } catch (e) {
      throw await this.corrupted(e);
    }
  }

  /** Write the memory file (fresh name), then history.json referencing it and the snapshot node. */
  private async commitLink(rec: SyncRecord, treeSha: string, node: SnapshotNode | undefined, change: MemoryChange, syncId: string, append = false): Promise<void> {
    const memory = await this.writeMemory(change, syncId);
    await this.indexBlobs(memory.located, syncId);
    await this.commitEntry(rec, { ...memory.entry, treeSha }, node, change, append);
  }

  /** The memory file of `change` written under a fresh name (none for an empty change); its commit entry (treeSha to be set) and where its facts are. */
  private async writeMemory(change: MemoryChange, syncId: string): Promise<{ change: MemoryChange; entry: Omit<CommitEntry, 'treeSha'>; located: FactLocations }> {
    const located = new FactLocations();
    if (change.supersede.length === 0 && change.introduce.length === 0) return { change, entry: { syncId, memoryFile: null }, located };
    const memoryFile = memoryFileName(syncId);
    const text = memoryFileText(syncId, change, located);
    await this.files.writeAtomic(memoryRel(memoryFile), text);
    return { change, entry: { syncId, memoryFile, memoryBytes: Buffer.byteLength(text, 'utf8') }, located };
  }

  /** history.json with `rec` (replaced, or appended), one more commit entry and the snapshot node; the index queues the change. */
  private async commitEntry(rec: SyncRecord, entry: CommitEntry, node: SnapshotNode | undefined, change: MemoryChange | null | { rel: string }, append = false): Promise<void> {
    const records = append ? [...this.data.records, rec] : this.data.records.map((r) => (r.id === rec.id ? rec : r));
    const snapshots = node ? { ...this.data.snapshots, [entry.treeSha]: node } : this.data.snapshots;
    await this.commit({ ...this.data, records, commits: [...this.data.commits, entry], snapshots });
    this.state.memory.defer(entry.syncId, rec.repository, change);
    this.state.applied = this.data.commits.length;
  }

  /** The one atomic write: history.json is replaced; in memory nothing changes unless it succeeded. */
  private async commit(next: HistoryFile): Promise<void> {
    this.state.db.data = next;
    try {
      await this.state.db.write();
    } catch (e) {
      this.state.db.data = this.committed;
      if (e instanceof SyncError) throw e;
      throw new SyncError('STORAGE_ERROR', `Could not save the sync history: ${e instanceof Error ? e.message : String(e)}`, { path: this.files.abs(HISTORY_FILE), cause: e });
    }
    this.committed = next;
    this.index();
    this.state.diskVersion = await this.files.version(HISTORY_FILE);
  }

  /** Serialise mutations, and first pick up what another process may have committed meanwhile. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.broken) throw this.broken;
      await this.refresh();
      return fn();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async refresh(): Promise<void> {
    if ((await this.files.version(HISTORY_FILE)) === this.state.diskVersion) return;
    this.logger.debug('history.json changed on disk; reloading');
    const known = this.data.commits.map((c) => c.syncId);
    try {
      await this.state.db.read();
      if (!known.every((id, i) => this.state.db.data.commits[i]?.syncId === id)) {
        // Another process started a fresh history (e.g. after moving a damaged one aside): rebuild.
        this.state.memory = new MemoryIndex();
        this.state.applied = 0;
        this.state.snapshots.clearCache();
      }
      await replayMemory(this.files, this.state);
    } catch (e) {
      throw await this.corrupted(e);
    }
    this.committed = this.state.db.data;
    this.index();
    this.state.diskVersion = await this.files.version(HISTORY_FILE);
  }

  private async corrupted(e: unknown): Promise<unknown> {
    const err = await asCorrupt(this.files, e, { clock: this.clock, logger: this.logger });
    if (err instanceof SyncError && err.code === 'STORAGE_CORRUPT') this.broken = err;
    return err;
  }

  private index(): void {
    this.byId = new Map(this.data.records.map((r) => [r.id, r]));
  }

  /**
   * The latest link (completed sync or restore), newest commit first: of `repository` (any when
   * absent), and of `branch` when given. activeSync and baseFor are this, and nothing else decides them.
   */
  private latestLink(repository?: RepositoryRef, branch?: string): SyncRecord | undefined {
    const key = repository && repoKey(repository);
    for (let i = this.data.commits.length - 1; i >= 0; i--) {
      const rec = this.byId.get(this.data.commits[i]?.syncId ?? '');
      if (!rec || (key !== undefined && repoKey(rec.repository) !== key)) continue;
      if (branch === undefined || rec.branch === branch) return rec;
    }
    return undefined;
  }

  private running(syncId: string): SyncRecord {
    const rec = this.byId.get(syncId);
    if (!rec) throw new SyncError('SYNC_NOT_FOUND', `No sync with id ${syncId}.`);
    if (rec.status !== 'running' && rec.status !== 'queued') throw new SyncError('STORAGE_ERROR', `Sync ${syncId} has already ended (${rec.status}).`);
    return rec;
  }

  private link(syncId: string): SyncRecord {
    const rec = this.byId.get(syncId);
    if (!rec) throw new SyncError('SYNC_NOT_FOUND', `No sync with id ${syncId}.`);
    if (!isLink(rec) || rec.treeSha === null) throw new SyncError('SYNC_NOT_FOUND', `Sync ${syncId} did not complete (${rec.status}), so it has no snapshot.`);
    return rec;
  }
}

const copy = (r: SyncRecord): SyncRecord => structuredClone(r);

/**
 * Bytes of the blob index a lookup may read per file to analyse: reading and scanning it costs 2–5 ns
 * a byte, so at most 30–80 µs a file, less than analysing one with the regexes (about 85 µs). At 100k
 * facts (3.6 MB) a change of 220 files or more is looked up; fewer are analysed again.
 */
const LOOKUP_BYTES_PER_FILE = 16_384;

/** Files to read, times this, against the facts stored, from which the memory index answers a lookup. */
const WHOLE_MEMORY_SHARE = 4;

/** Locations of a blob read per lookup (newest first), and the largest facts read back. */
const MAX_LOCATIONS_READ = 4;
const MAX_FACT_BYTES = 1 << 20;

/**
 * The memory file's JSON (exactly `JSON.stringify({ syncId, ...change })`), built so that where each
 * introduced fact stands in it is known: recorded in `located` for the blob index.
 */
export function memoryFileText(syncId: string, change: MemoryChange, located: FactLocations): string {
  const text = new FactsText(`{"syncId":${JSON.stringify(syncId)},"supersede":${JSON.stringify(change.supersede)},"introduce":[`, located);
  const parts = [text.head];
  for (const f of change.introduce) parts.push(text.next(f));
  parts.push(']}');
  return parts.join('');
}

/** A memory file's facts as text, one after the other, each one's place in the file (bytes) recorded in `located`. */
class FactsText {
  private offset: number;
  private count = 0;

  constructor(
    readonly head: string,
    private readonly located: FactLocations,
  ) {
    this.offset = Buffer.byteLength(head);
  }

  /** The next fact's text, with the comma before it. */
  next(f: MemoryFacts): string {
    const json = JSON.stringify(f);
    const comma = this.count++ > 0 ? 1 : 0;
    const length = Buffer.byteLength(json);
    this.located.add(f.blobSha, this.offset + comma, length);
    this.offset += comma + length;
    return comma === 1 ? `,${json}` : json;
  }
}

/** The facts at a location of the blob index, when they are well-formed facts of `blobSha`. */
function parsedFacts(bytes: Buffer, blobSha: string): MemoryFacts | undefined {
  try {
    const facts = JSON.parse(bytes.toString('utf8')) as MemoryFacts;
    checkMemoryFacts([facts]);
    return facts.blobSha === blobSha ? facts : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh name for a link's memory file (MEMORY_NAME): a failed write never clobbers a committed one. */
const memoryFileName = (syncId: string): string => `${syncId}-${randomSuffix()}.json`;

const syncLabel = (id: string | null): string => id ?? '(none: a first sync)';

/**
 * Paths whose memory entries a sync supersedes: every modified or removed path (replaying a path
 * without an active entry changes nothing; introduced paths are superseded by their new entry). So
 * complete() never needs the memory index built.
 */
function supersededPaths(input: CompleteSyncInput): string[] {
  const paths = new Set([...input.diff.modified.map((m) => m.after.path), ...input.diff.removed.map((f) => f.path)]);
  return [...paths].sort();
}

/** Both writes, each run to its end before a failure of either is told: no write goes on once the caller has returned. */
async function allWritten<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}
