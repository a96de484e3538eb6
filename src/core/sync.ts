// The sync pipeline: resolve → head → tree → diff → content → memory → save, as an async generator.
import { Channel, Throttle } from './channel';
import type { ContentFetcher } from './content';
import { changedFiles, diffSnapshots } from './diff';
import { throwIfAborted, toSyncError } from './errors';
import { detectForcePush } from './forcePush';
import { scoped, type Logger } from './logger';
import { extractFacts } from './memory';
import type { Clock, GitHubConnector, HistoryStore, NetworkHooks } from './ports';
import type { SyncEvent, SyncRequest } from './syncEvents';
import {
  emptyStats,
  type MemoryFacts,
  type RemoteRepository,
  type RepositoryFile,
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
  connect(repository: RemoteRepository, hooks: NetworkHooks): Promise<GitHubConnector>;
  content(repository: RemoteRepository, connector: GitHubConnector, workdir: string): Promise<ContentFetcher>;
  /** Exclusive use of the storage for the whole attempt (LOCKED when another process holds it). */
  lock(signal?: AbortSignal): Promise<{ release(): Promise<void> }>;
}

const PROGRESS_INTERVAL_MS = 50;

export async function* runSync(
  deps: PipelineDeps,
  request: SyncRequest,
  signal?: AbortSignal,
): AsyncGenerator<SyncEvent, SyncRecord> {
  const log = scoped(deps.logger, 'sync');
  throwIfAborted(signal);
  const repository = await deps.resolveRemote(request.workdir, request.remoteName);
  const lock = await deps.lock(signal);
  try {
    const record = await deps.store.begin({ repository, branch: request.branch ?? '' });
    log.info(`started ${record.id} for ${repository.owner}/${repository.name}`);
    yield { type: 'started', sync: record };
    const run = new Run(deps, record, signal);
    let settled = false;
    try {
      const done = yield* run.execute(repository, request);
      settled = true;
      log.info(`completed ${done.id}: +${done.stats.added} ~${done.stats.modified} -${done.stats.removed}`);
      return done;
    } catch (e) {
      settled = true;
      const err = toSyncError(e);
      const status = err.code === 'CANCELLED' ? 'cancelled' : 'failed';
      log.warn(`${status} ${record.id} in ${run.phase}: ${err.code} ${err.message}`);
      await deps.store.fail(record.id, status, { code: err.code, message: err.message }, run.phase);
      throw err;
    } finally {
      // A consumer that stops iterating (break, return()) cancels the attempt.
      if (!settled) await deps.store.fail(record.id, 'cancelled', { code: 'CANCELLED', message: 'The sync was cancelled.' }, run.phase);
      await run.close();
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
  private content: ContentFetcher | undefined;
  private connector: GitHubConnector | undefined;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly record: SyncRecord,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async *execute(repository: RemoteRepository, request: SyncRequest): AsyncGenerator<SyncEvent, SyncRecord> {
    const { store } = this.deps;
    yield this.progress('resolving', 0, null, true);
    const hooks: NetworkHooks = {
      onWait: (w) => this.channel.push({ type: 'waiting', syncId: this.record.id, ...w }),
    };
    const connector = await this.deps.connect(repository, hooks);
    this.connector = connector;

    yield this.progress('fetchingHead', 0, 1, true);
    const branch = request.branch ?? (yield* this.channel.until(connector.fetchRepository(this.signal))).defaultBranch;
    const head = yield* this.channel.until(connector.fetchBranchHead(branch, this.signal));
    this.countNetwork();
    yield this.progress('fetchingHead', 1, 1, true);

    const previous = store.chainHead(repository);
    const forcePushed = yield* this.channel.until(detectForcePush(connector, previous, branch, head, (m) => this.deps.logger.warn(`[sync] ${m}`), this.signal));
    const unchanged = previous !== undefined && previous.treeSha === head.treeSha;
    const previousFiles = previous && !unchanged ? await store.readFiles(previous.id) : [];
    let files: RepositoryFile[] | undefined;
    if (unchanged) {
      this.stats.files = previous.stats.files;
    } else {
      yield this.progress('fetchingTree', 0, null, true);
      files = yield* this.channel.until(this.listTree(repository, request.workdir, branch, head.treeSha, previous));
      this.countNetwork();
      this.stats.files = files.length;
    }
    yield this.progress('fetchingTree', this.stats.files, this.stats.files, true);

    throwIfAborted(this.signal);
    yield this.progress('diffing', 0, null, true);
    const diff = files ? diffSnapshots(previousFiles, files) : { added: [], modified: [], removed: [] };
    this.stats.added = diff.added.length;
    this.stats.modified = diff.modified.length;
    this.stats.removed = diff.removed.length;
    yield this.progress('diffing', 1, 1, true);

    const wanted = changedFiles(diff).filter((f) => f.mode !== '160000' && f.mode !== '120000' && (f.size ?? 0) <= this.deps.maxFileSize);
    const memory = yield* this.fetchAndIndex(repository, head.commitSha, branch, wanted, request.workdir);

    throwIfAborted(this.signal);
    yield this.progress('saving', 0, 1, true);
    this.countNetwork();
    this.stats.durationMs = Math.round(performance.now() - this.started);
    const completed = await store.complete(this.record.id, {
      branch,
      commitSha: head.commitSha,
      treeSha: head.treeSha,
      commitMessage: head.commitMessage,
      forcePushed,
      ...(files ? { files } : {}),
      diff,
      memory,
      stats: { ...this.stats },
    });
    this.phase = 'done';
    yield this.progress('done', 1, 1, true);
    return completed;
  }

  /**
   * The snapshot at the head's tree, as cheaply as possible: from local objects (the workspace has
   * the commit, or the cache from an earlier transfer); else, on the git path, one pack into the
   * cache and `git ls-tree` there — for a first sync, or when the cache holds the previous commit so
   * the pack carries only new objects; else the REST tree (descending truncated trees).
   */
  private async listTree(
    repository: RemoteRepository,
    workdir: string,
    branch: string,
    treeSha: string,
    previous: SyncRecord | undefined,
  ): Promise<RepositoryFile[]> {
    const content = await this.contentFetcher(repository, workdir);
    const local = await content.localTree(treeSha, this.signal);
    if (local) return local;
    const previousCommit = previous?.commitSha ?? null;
    if (content.listsTreesLocally && (previousCommit === null || (await content.cacheHasCommit(previousCommit)))) {
      await content.prefetch({ branch }, this.signal);
      const fetched = await content.localTree(treeSha, this.signal);
      if (fetched) return fetched;
      this.deps.logger.info('[sync] the branch moved during the transfer; listing the tree over REST');
    }
    const connector = this.connector as GitHubConnector;
    return connector.fetchTree(treeSha, { signal: this.signal, onProgress: (n) => this.maybeProgress('fetchingTree', n, null) });
  }

  private async contentFetcher(repository: RemoteRepository, workdir: string): Promise<ContentFetcher> {
    this.content ??= await this.deps.content(repository, this.connector as GitHubConnector, workdir);
    return this.content;
  }

  private async *fetchAndIndex(
    repository: RemoteRepository,
    commitSha: string,
    branch: string,
    wanted: RepositoryFile[],
    workdir: string,
  ): AsyncGenerator<SyncEvent, MemoryFacts[]> {
    if (wanted.length === 0) return [];
    const content = await this.contentFetcher(repository, workdir);
    yield this.progress('fetchingContent', 0, wanted.length, true);
    const ensure = content.ensure(
      { commitSha, branch, blobs: wanted },
      { signal: this.signal, onProgress: (done, total) => this.maybeProgress('fetchingContent', done, total) },
    );
    const report = yield* this.channel.until(ensure);
    if (report.missing.length > 0) {
      yield { type: 'warning', syncId: this.record.id, message: `${report.missing.length} files could not be fetched; their memory entries have no content.` };
    }
    yield this.progress('fetchingContent', wanted.length, wanted.length, true);

    yield this.progress('indexing', 0, wanted.length, true);
    const bySha = new Map<string, RepositoryFile[]>();
    for (const f of wanted) bySha.set(f.blobSha, [...(bySha.get(f.blobSha) ?? []), f]);
    const memory: MemoryFacts[] = [];
    let indexed = 0;
    const maxFileSize = this.deps.maxFileSize;
    const scan = content.forEach(
      [...bySha.keys()],
      (sha, bytes) => {
        for (const f of bySha.get(sha) ?? []) {
          const facts = extractFacts({ path: f.path, blobSha: f.blobSha, mode: f.mode, size: f.size, content: bytes, maxFileSize });
          if (facts) memory.push(facts);
          indexed++;
        }
        this.maybeProgress('indexing', indexed, wanted.length);
      },
      this.signal,
    );
    yield* this.channel.until(scan);
    this.stats.contentFiles = memory.length;
    yield this.progress('indexing', wanted.length, wanted.length, true);
    return memory;
  }

  private countNetwork(): void {
    const c = this.connector?.counters() ?? { requests: 0, bytes: 0 };
    const t = this.content?.traffic() ?? { requests: 0, bytes: 0, source: 'none' };
    this.stats.requests = c.requests + t.requests;
    this.stats.bytes = c.bytes + t.bytes;
    this.stats.contentSource = t.source;
  }

  private maybeProgress(phase: SyncPhase, done: number, total: number | null): void {
    if (this.throttle.ready()) this.channel.push(this.progress(phase, done, total));
  }

  private progress(phase: SyncPhase, done: number, total: number | null, force = false): SyncEvent {
    if (force) this.throttle.ready(true);
    this.phase = phase;
    this.countNetwork();
    return { type: 'progress', syncId: this.record.id, phase, done, total, stats: { ...this.stats } };
  }

  async close(): Promise<void> {
    await this.content?.close();
  }
}

