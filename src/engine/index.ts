// Composes the real layers into one Engine for the CLI and the extension.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { SyncError } from '../core/errors';
import { scoped } from '../core/logger';
import type { EtagCache, GitHubConnector, HeadCheck, HistoryStore, NetworkHooks } from '../core/ports';
import { systemClock } from '../core/ports';
import { DEFAULT_RETRY_POLICY } from '../core/retry';
import type { FactsPool } from '../core/memory/pool';
import { extractorId } from '../core/memory/extractor';
import { runSync, type PipelineDeps } from '../core/sync';
import type { SyncEvent, SyncRequest } from '../core/syncEvents';
import type { RemoteRepository, RepositoryRef, SyncRecord } from '../core/types';
import { createGitHubConnector, memoryEtagCache } from '../github/connector';
import { currentBranch, resolveRemote } from '../github/localRepo';
import { proxyFor, type ProxySettings } from '../github/proxy';
import { acquireStorageLock, assertStorageExists, openHistoryStore } from '../storage';
import { GitContentFetcher, workspaceObjectDir } from './content';
import { findGit } from './findGit';
import { GitHubRepositorySource } from './source';
import type { Engine, EngineOptions, ReadFileOptions } from './types';

/**
 * memoryThreads 'large' (the CLI): from this many changed files on, memory facts are computed in
 * worker threads while blobs are read (on the other cores; none on two cores or fewer, see
 * memoryWorkersFor); below it, starting a worker costs a short-lived process more than the
 * analysis. The extension ('always') uses its kept workers for any change.
 */
const POOL_MIN_FILES = 2000;

/**
 * The worker threads of a large change's analysis in the CLI ('large'), for a machine of `cores`:
 * none on two cores or fewer, where the one worker there is room for competes with this thread
 * (reading and writing) and the blobs' reader (git's cat-file, or this thread's inflate on the
 * portable path) for the same two cores. Measured on the benchmark's 100k first sync (2 cores):
 * memory complete in the same time without it (git path; portable 3% slower), peak RSS 16 MB lower
 * (171 → 155 MB; 133 → 119 MB at 10k): a worker's isolate and heap. Else one less than the cores, at most four.
 */
export function memoryWorkersFor(cores: number): number {
  return cores <= 2 ? 0 : Math.min(4, cores - 1);
}

/** Kept worker threads ('always') stop after this long without a sync using them. */
const POOL_IDLE_MS = 60_000;

export type { Engine, EngineOptions, ReadFileOptions } from './types';
/** The CLI reads its proxy from the environment through the engine, like everything else GitHub. */
export { proxyFromEnv } from '../github/proxy';

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

/**
 * The engine over one storage folder. Without `storageDir` it reaches the remote only (the CLI's
 * `branches`): its `store` is then unavailable and conditional requests are cached in memory.
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  if (options.storageDir !== undefined && options.createStorage === false) await assertStorageExists(options.storageDir);
  const store =
    options.storageDir === undefined
      ? undefined
      : await openHistoryStore(options.storageDir, { logger: options.logger, ...(options.failpoint ? { failpoint: options.failpoint } : {}) });
  return new ComposedEngine(options, store);
}

class ComposedEngine implements Engine {
  /** The git binary, or undefined for the portable path: asked of `git --version` while the store opens and the remote resolves. */
  private readonly gitPath: Promise<string | undefined>;
  private readonly proxy: ProxySettings | undefined;
  /** Where each repository was last seen, so old versions can be read back later. */
  private readonly known = new Map<string, { repository: RemoteRepository; workdir: string }>();

  private readonly etags: EtagCache;

  constructor(
    private readonly options: EngineOptions,
    private readonly history: HistoryStore | undefined,
  ) {
    this.etags = history?.etags ?? memoryEtagCache();
    this.gitPath = findGit(options.gitPath).then((found) => {
      scoped(options.logger, 'engine').info(found ? `git binary: ${found}` : 'no git binary: portable isomorphic-git path');
      return found;
    });
    this.proxy = options.proxy ? { url: options.proxy, ...(options.noProxy !== undefined ? { noProxy: options.noProxy } : {}) } : undefined;
  }

  get store(): HistoryStore {
    if (!this.history) throw new SyncError('INTERNAL', 'This engine was opened without a storage folder.');
    return this.history;
  }

  async resolveRemote(workdir: string, remoteName?: string): Promise<RemoteRepository> {
    const repository = await resolveRemote(workdir, remoteName);
    this.known.set(key(repository), { repository, workdir });
    return repository;
  }

  currentBranch(workdir: string): Promise<string | undefined> {
    return currentBranch(workdir);
  }

  async branches(workdir: string, remoteName?: string, signal?: AbortSignal) {
    const connector = await this.connect(await this.resolveRemote(workdir, remoteName), {});
    return connector.fetchBranches(signal);
  }

  sync(request: SyncRequest, signal?: AbortSignal): AsyncGenerator<SyncEvent, SyncRecord> {
    return runSync(this.pipeline(), request, signal);
  }

  async *restore(syncId: string, signal?: AbortSignal): AsyncGenerator<SyncEvent, SyncRecord> {
    const target = this.store.get(syncId);
    if (!target) throw new SyncError('SYNC_NOT_FOUND', `There is no sync with id ${syncId}.`, { hint: 'List them with `history`.' });
    const lock = await this.lock(signal);
    try {
      yield { type: 'progress', syncId, phase: 'saving', done: 0, total: 1, stats: target.stats };
      const record = await this.store.restore(syncId);
      yield { type: 'progress', syncId: record.id, phase: 'done', done: 1, total: 1, stats: record.stats };
      return record;
    } finally {
      await lock.release();
    }
  }

  async headOf(workdir: string, branch: string, remoteName?: string, signal?: AbortSignal): Promise<HeadCheck> {
    // No retries: a poll that fails is simply tried again at the next tick (with back-off).
    const connector = await this.connect(await this.resolveRemote(workdir, remoteName), {}, { retries: 0 });
    if (!connector.fetchBranchRef) throw new SyncError('INTERNAL', 'The connector cannot check a branch head.');
    return connector.fetchBranchRef(branch, signal);
  }

  async readFile(syncId: string, filePath: string, signal?: AbortSignal, options: ReadFileOptions = {}): Promise<Uint8Array | undefined> {
    const record = this.store.get(syncId);
    if (!record) throw new SyncError('SYNC_NOT_FOUND', `There is no sync with id ${syncId}.`);
    const file = (await this.store.readFiles(syncId)).find((f) => f.path === filePath);
    if (!file) return undefined;
    const seen = this.known.get(key(record.repository));
    const repository: RemoteRepository = seen?.repository ?? { ...record.repository, apiBaseUrl: '', webUrl: '', cloneUrl: '', remoteName: '' };
    const connector = seen && options.network !== false ? await this.connect(seen.repository, {}) : undefined;
    const content = await this.fetcher(repository, connector, seen?.workdir);
    try {
      return await content.readOrFetch(file.blobSha, signal);
    } finally {
      await content.close();
    }
  }

  /** Closed: no kept workers are started any more (a sync still running uses a pool of its own). */
  private closed = false;

  async close(): Promise<void> {
    this.closed = true;
    const shared = this.shared;
    this.shared = undefined;
    if (shared) clearTimeout(shared.idle);
    await shared?.pool.close();
    await this.history?.close();
  }

  /** The worker threads kept between syncs ('always'): started on first use, stopped when idle or closed. */
  private shared: { pool: FactsPool; leases: number; idle?: ReturnType<typeof setTimeout> } | undefined;

  /** A use of the kept pool; its close() releases it (the workers stay for the next sync until idle). */
  private leasePool(create: () => FactsPool): FactsPool {
    if (this.shared?.pool.broken()) {
      void this.shared.pool.close();
      this.shared = undefined;
    }
    if (!this.shared) scoped(this.options.logger, 'engine').info('starting the memory worker threads (kept between syncs)');
    const shared = (this.shared ??= { pool: create(), leases: 0 });
    clearTimeout(shared.idle);
    shared.leases++;
    let released = false;
    return {
      extract: (input) => shared.pool.extract(input),
      extractMany: (inputs) => shared.pool.extractMany(inputs),
      broken: () => shared.pool.broken(),
      degraded: () => shared.pool.degraded(),
      // A sync cancelled with batches still in the workers: the kept workers go, and the next sync starts new ones.
      stop: async () => {
        if (!released) {
          released = true;
          shared.leases--;
        }
        clearTimeout(shared.idle);
        if (this.shared === shared) this.shared = undefined;
        await shared.pool.close();
      },
      close: async () => {
        if (released) return;
        released = true;
        if (--shared.leases > 0) return;
        shared.idle = setTimeout(() => {
          if (this.shared !== shared || shared.leases > 0) return;
          this.shared = undefined;
          void shared.pool.close();
        }, POOL_IDLE_MS);
        shared.idle.unref?.();
      },
    };
  }

  private pipeline(): PipelineDeps {
    return {
      store: this.store,
      logger: this.options.logger,
      clock: systemClock,
      maxFileSize: this.options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      resolveRemote: (workdir, remoteName) => this.resolveRemote(workdir, remoteName),
      open: async (repository, workdir, hooks) => {
        const connector = await this.connect(repository, hooks);
        return new GitHubRepositorySource(connector, await this.fetcher(repository, connector, workdir, hooks), this.options.logger);
      },
      lock: (signal) => this.lock(signal),
      ...(this.options.largeChangeFiles !== undefined ? { largeChangeFiles: this.options.largeChangeFiles } : {}),
      ...(this.options.afterSnapshotSaved ? { afterSnapshotSaved: this.options.afterSnapshotSaved } : {}),
      extractor: extractorId(this.options.memoryParsers === true),
      ...(this.options.memoryParsers ? { resolveExtractor: () => this.parsersExtractor() } : {}),
      factsPool: async (files) => {
        const always = this.options.memoryThreads === 'always' && !this.closed;
        const asked = this.options.memoryWorkers;
        const workers = always ? undefined : asked !== undefined ? Math.max(0, Math.floor(asked)) : memoryWorkersFor(availableParallelism());
        if (!always && (files < POOL_MIN_FILES || workers === 0)) return undefined;
        const { createFactsPool } = await import('../core/memory/analysis');
        const log = scoped(this.options.logger, 'memory');
        const grammars = this.options.memoryGrammarsDir;
        const create = () => createFactsPool(workers, { parsers: this.options.memoryParsers === true, onWarning: (m) => log.warn(m), ...(grammars !== undefined ? { grammarsDir: grammars } : {}) });
        const pool = always ? this.leasePool(create) : create();
        return this.options.wrapFactsPool ? this.options.wrapFactsPool(pool) : pool;
      },
    };
  }

  private parsersWarned = false;

  /**
   * The parsers' extractor id, once they are loaded on this thread (once per process): partial when
   * some did not load (said once per engine, with why).
   */
  private async parsersExtractor(): Promise<string> {
    const analysis = await import('../core/memory/analysis');
    const problem = await analysis.loadParsersProblem(this.options.memoryGrammarsDir);
    const id = extractorId(true, problem === undefined);
    if (problem && !this.parsersWarned) {
      this.parsersWarned = true;
      scoped(this.options.logger, 'memory').warn(`${problem}; the memory is recorded as extractor ${id}`);
    }
    return id;
  }

  private lock(_signal?: AbortSignal) {
    return acquireStorageLock(this.store.dir, { waitMs: this.options.lockWaitMs ?? 10_000, logger: this.options.logger });
  }

  private tokens = new Map<string, string | undefined>();

  private async connect(repository: RemoteRepository, hooks: NetworkHooks, overrides: { retries?: number } = {}): Promise<GitHubConnector> {
    const token = await this.options.getToken?.(repository.host);
    this.tokens.set(repository.host, token);
    const proxy = proxyFor(repository.apiBaseUrl, this.proxy);
    return createGitHubConnector({
      ...(proxy ? { proxy } : {}),
      repository,
      token,
      logger: this.options.logger,
      hooks,
      etags: this.etags,
      maxWaitSeconds: this.options.maxWaitSeconds ?? 60,
      ...(this.options.requestTimeoutMs !== undefined ? { timeoutMs: this.options.requestTimeoutMs } : {}),
      ...(this.options.retryBaseMs !== undefined ? { retryBaseMs: this.options.retryBaseMs } : {}),
      ...overrides,
    });
  }

  private async fetcher(repository: RemoteRepository, connector: GitHubConnector | undefined, workdir: string | undefined, hooks?: NetworkHooks): Promise<GitContentFetcher> {
    return new GitContentFetcher({
      repository,
      connector,
      workspaceGitDir: workdir ? await workspaceObjectDir(workdir) : undefined,
      cacheGitDir: path.join(this.store.dir, 'objects.git'),
      gitPath: await this.gitPath,
      token: this.tokens.get(repository.host),
      logger: this.options.logger,
      // With a proxy configured, git is told explicitly ('' = direct for a NO_PROXY host); else git's own env applies.
      ...(this.proxy && repository.cloneUrl ? { proxy: proxyFor(repository.cloneUrl, this.proxy) ?? '' } : {}),
      ...(this.options.requestTimeoutMs !== undefined ? { timeoutMs: this.options.requestTimeoutMs } : {}),
      // The same retry policy as the connector's REST requests, waits reported through the same hooks.
      retry: { ...DEFAULT_RETRY_POLICY, ...(this.options.retryBaseMs !== undefined ? { retryBaseMs: this.options.retryBaseMs } : {}) },
      maxWaitSeconds: this.options.maxWaitSeconds ?? 60,
      ...(hooks ? { hooks } : {}),
    });
  }

}

function key(r: RepositoryRef): string {
  return `${r.host}/${r.owner}/${r.name}`.toLowerCase();
}

