// The RepositorySource the sync pipeline reads through: GitHub's REST API for heads, and for trees
// and content the cheapest of the workspace's own objects, the private object cache (filled by one
// pack transfer) and REST. Only the engine chooses; the pipeline sees heads, snapshots and blobs.
import { sortedByPath } from '../core/diff';
import { detectForcePush } from '../core/forcePush';
import { scoped, type Logger } from '../core/logger';
import type { BlobContent, GitHubConnector, ListedPieces, OnPiece, RepositorySource, SnapshotOptions, SourceHead } from '../core/ports';
import type { BranchHead, RemoteRepository, RepositoryFile, SnapshotDiff, SyncRecord } from '../core/types';
import { LossyTreeNamesError } from '../github/tree';
import type { GitContentFetcher } from './content';
import type { TransferBase } from './objects/pack';

/**
 * Blobs read from the object stores per batch, one batch read ahead of the consumer: bounds how many
 * blobs are held at once (two batches at most). A blob held while the consumer analyses a whole
 * batch outlives the young generation's collections and is promoted, its bytes kept until a full
 * collection (sampled: array buffers climbing to ~60 MB between full collections). With 512, some
 * 100k first syncs peaked at 205–237 MB (most at 140–150 MB); with 64, 4 alternated runs peaked at
 * 139–143 MB (median 147 → 141 MB), the sync ending no later.
 */
const READ_BATCH = 64;
/** The longest the consumer of read() runs without a turn of the event loop, in ms. */
const TURN_MS = 0.5;

export class GitHubRepositorySource implements RepositorySource {
  private readonly log: Logger;

  constructor(
    private readonly connector: GitHubConnector,
    private readonly content: GitContentFetcher,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'source');
  }

  get repository(): RemoteRepository {
    return this.connector.repository;
  }

  async defaultBranch(signal?: AbortSignal): Promise<string> {
    return (await this.connector.fetchRepository(signal)).defaultBranch;
  }

  async head(branch: string, base: SyncRecord | undefined, signal?: AbortSignal): Promise<SourceHead> {
    // A first sync that will transfer whatever the ref names (see firstTransferCertain) starts its
    // transfer beside the ref request, not after the answer; the check reads a few files while the
    // request is under way, and is over before head() answers (nothing starts after a failed head).
    const speculative =
      base === undefined && this.content.listsTreesLocally
        ? this.content.firstTransferCertain().then(
            (certain) => {
              if (certain && !this.early && !signal?.aborted) this.startEarly(branch, undefined, undefined, signal);
            },
            () => undefined,
          )
        : undefined;
    let head: BranchHead;
    try {
      head = await this.connector.fetchBranchHead(branch, signal, (sha) => {
        // Only for a new commit: a no-change resync (the ref unchanged, one 304) starts no git process in the cache.
        if (sha !== base?.commitSha && !this.early) this.startEarly(branch, sha, base, signal);
      });
    } finally {
      await speculative;
    }
    const forcePushed = await detectForcePush(this.connector, base, branch, head, (m) => this.log.warn(m), signal);
    return { ...head, forcePushed };
  }

  /**
   * The pack transfer started as soon as the ref names a new commit, while the commit and any
   * force-push comparison are still being asked for over REST (they answer in about the time git
   * takes to negotiate): only where snapshot() or changes() would transfer anyway — on the git path,
   * neither the workspace nor the cache known to hold the commit, and for a base, the cache holding
   * the base's commit (see GitContentFetcher.cacheHoldsForTransfer); for a first sync that transfers
   * whatever the ref names, beside the ref request (see head()). It has its own abort, tied to the
   * sync's: a sync that ends without needing it (a failure, an unchanged tree) stops it instead of
   * waiting for it, unless it read from its pack already (`arrived`, see packArrived). `packed`
   * tells when the pack is in the cache.
   */
  private early: { done: Promise<boolean>; abort: AbortController; consumed: boolean; packed: Promise<boolean>; arrived: boolean } | undefined;

  /** `commitSha` undefined: started before the ref answered (a first sync that transfers whatever it names). */
  private startEarly(branch: string, commitSha: string | undefined, base: SyncRecord | undefined, signal: AbortSignal | undefined): void {
    // Never once close() began: the sync may be letting the storage lock go (a late ref answer).
    if (this.closing) return;
    const abort = new AbortController();
    if (signal) {
      if (signal.aborted) return;
      signal.addEventListener('abort', () => abort.abort(signal.reason), { once: true });
    }
    let arrive!: (arrived: boolean) => void;
    const arrival = new Promise<boolean>((resolve) => (arrive = resolve));
    // Settled once the transfer is (a second resolve is a no-op), whatever path transferEarly took.
    const done = this.transferEarly(branch, commitSha, base, abort.signal, arrive).finally(() => arrive(false));
    // Until snapshot(), changes() or read() awaits it (or if none does), a failure is not unhandled.
    done.catch(() => undefined);
    const early = { done, abort, consumed: false, packed: arrival, arrived: false };
    void arrival.then((arrived) => (early.arrived = arrived));
    this.early = early;
  }

  private async transferEarly(branch: string, commitSha: string | undefined, base: SyncRecord | undefined, signal: AbortSignal, arrive: (arrived: boolean) => void): Promise<boolean> {
    if (!this.content.listsTreesLocally) return false;
    if (commitSha === undefined) {
      await this.content.prepareTransfer();
      return this.transferNow(branch, base, signal, arrive);
    }
    // The workspace and the cache asked at once (the cache for both commits in one question, or by
    // its ref alone when that names the base's), while the cache is cleared of a killed transfer's
    // leftovers (the transfer's preparation, awaited here, so close() finds it over: the cache is
    // not touched after the sync lets the lock go).
    const [inWorkspace, inCache] = await Promise.all([
      this.content.workspaceHasCommit(commitSha),
      this.content.cacheHoldsForTransfer(commitSha, base?.commitSha ?? undefined),
      this.content.prepareTransfer(),
    ]);
    if (inWorkspace || inCache.commit) return false;
    if (base && !(base.treeSha && base.commitSha && inCache.base)) return false;
    return this.transferNow(branch, base, signal, arrive, commitSha);
  }

  private async transferNow(branch: string, base: SyncRecord | undefined, signal: AbortSignal, arrive: (arrived: boolean) => void, want?: string): Promise<boolean> {
    // The sync reads the pack as soon as it is in the cache (see packArrived).
    const packs = await this.content.cachePacks();
    const transfer = this.content.prefetch({ branch, deferTidy: base !== undefined, ...(want ? { want } : {}), ...baseOf(base) }, signal);
    const seen = this.content.packArrival(packs, transfer, signal).then(arrive);
    await transfer;
    // The arrival's last look, made when the transfer ends, answers before this settles (and so
    // before startEarly's `arrive(false)`): a readdir takes longer than the promise chain to it.
    await seen;
    return true;
  }

  /**
   * Whether the early transfer's pack is in the cache, told as soon as git has put it there: `git
   * fetch` then still checks the pack's connectivity and writes the ref (0.2 s at 100k files, for a
   * first sync and a 1% one alike), while the sync lists or diffs the tree and reads blobs from it.
   * What the sync reads proves itself: `ls-tree -r -l` reads every tree and every blob's header under
   * the commit's tree, `diff-tree` every changed subtree and `cat-file` every changed blob, so a
   * read that succeeds found its objects. A git process only reads the cache beside the transfer; two
   * never write it at once (read() lets ensure() transfer only once this one has ended). False when
   * no early transfer runs or it ended without a pack.
   */
  private async packArrived(): Promise<boolean> {
    const early = this.early;
    return early !== undefined && !early.consumed && (await early.packed);
  }

  /** settle(): the early transfer ended; its failure after its pack was in is only logged (see packArrived). */
  async settle(): Promise<void> {
    const early = this.early;
    if (!early || early.consumed) return;
    const { failure } = await this.settleEarly();
    if (failure !== undefined) this.log.warn(`the transfer failed after its pack was in the cache, which served this sync: ${(failure as Error).message ?? String(failure)}`);
  }

  /**
   * Wait for the early transfer, if one started: `transferred` when it brought the pack into the
   * cache; `failure` when it failed (after its own retries). The caller tries local objects first
   * and throws the failure only when they do not serve: a transfer is never tried a second time.
   */
  private async settleEarly(): Promise<{ transferred: boolean; failure?: unknown }> {
    const early = this.early;
    if (!early) return { transferred: false };
    early.consumed = true;
    try {
      const transferred = await early.done;
      if (transferred) this.log.debug('the pack was transferred while the head was read');
      return { transferred };
    } catch (failure) {
      return { transferred: false, failure };
    }
  }

  /**
   * From local objects (the workspace has the commit, or the cache from an earlier transfer); else,
   * on the git path, one pack into the cache and the tree listed there — for a first sync, or when
   * the cache holds the base's commit so the pack carries only new objects; else the REST tree
   * (descending truncated trees).
   */
  snapshot(head: SourceHead, base: SyncRecord | undefined, opts: SnapshotOptions & { lean: OnPiece }): Promise<RepositoryFile[] | ListedPieces>;
  snapshot(head: SourceHead, base: SyncRecord | undefined, opts: SnapshotOptions): Promise<RepositoryFile[]>;
  async snapshot(head: SourceHead, base: SyncRecord | undefined, opts: SnapshotOptions & { lean?: OnPiece }): Promise<RepositoryFile[] | ListedPieces> {
    const { signal, onListed, lean } = opts;
    // Lean only here, where the cache holds the commit: its blobs are then read without asking any
    // store what it holds, so reading the listing in groups costs no more than reading it at once.
    // A lean listing is git's output (held compactly), unsorted: the caller checks its order.
    const listed = (await this.packArrived()) ? await this.content.cacheTree(head.treeSha, signal, onListed, lean) : undefined;
    if (listed) return Array.isArray(listed) ? sorted(listed) : listed;
    const { transferred, failure } = await this.settleEarly();
    // An early transfer ran only when the workspace lacked the commit: the cache is asked first.
    const local = await this.content.localTree(head.treeSha, signal, transferred, onListed);
    if (local) return sorted(local);
    if (failure !== undefined) throw failure;
    const baseCommit = base?.commitSha ?? null;
    if (transferred) {
      // The transfer brought the commit the ref named (or, by `git fetch`, what the branch named by then).
      this.log.info('the cache cannot list the tree after the transfer (the branch moved, or the cache lacks objects); listing the tree over REST');
      await this.content.transferLacked(head.commitSha);
    } else if (this.content.listsTreesLocally && (baseCommit === null || (await this.content.cacheHasCommit(baseCommit)))) {
      await this.content.prefetch({ branch: head.branch, want: head.commitSha }, signal);
      const fetched = await this.content.localTree(head.treeSha, signal, true, onListed);
      if (fetched) return sorted(fetched);
      this.log.info('the branch moved during the transfer; listing the tree over REST');
    }
    try {
      return sorted(await this.connector.fetchTree(head.treeSha, { ...(signal ? { signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) }));
    } catch (e) {
      if (!(e instanceof LossyTreeNamesError)) throw e;
      return sorted(await this.exactTree(head, e, signal));
    }
  }

  /**
   * A tree whose names are not all UTF-8: REST gives them as U+FFFD (two names can arrive as one),
   * so it is listed from raw tree objects — local ones, else after one pack transfer.
   */
  private async exactTree(head: SourceHead, lossy: LossyTreeNamesError, signal: AbortSignal | undefined): Promise<RepositoryFile[]> {
    this.log.info(`tree ${lossy.treeSha} has names that are not UTF-8, which REST cannot carry: listing it from git objects`);
    const local = await this.content.exactTree(head.treeSha, lossy.sizes, signal);
    if (local) return local;
    await this.content.prefetch({ branch: head.branch, want: head.commitSha }, signal);
    const fetched = await this.content.exactTree(head.treeSha, lossy.sizes, signal);
    if (fetched) return fetched;
    throw lossy; // the branch moved during the transfer
  }

  /**
   * The changes since `base` by subtree sha, without listing the whole tree: from local objects
   * when they hold both trees, else after one pack transfer into the cache when it holds the base's
   * commit (the pack then carries only new objects). Undefined when neither applies (the pipeline
   * then lists the snapshot and diffs it).
   */
  async changes(head: SourceHead, base: SyncRecord, opts: { signal?: AbortSignal }): Promise<SnapshotDiff | undefined> {
    if (!base.treeSha) return undefined;
    const early = (await this.packArrived()) ? await this.content.cacheChanges(base.treeSha, head.treeSha, opts.signal) : undefined;
    if (early) {
      this.log.info(`changes by subtree sha: +${early.added.length} ~${early.modified.length} -${early.removed.length}`);
      return early;
    }
    const { transferred, failure } = await this.settleEarly();
    let diff = await this.content.localChanges(base.treeSha, head.treeSha, opts.signal, transferred);
    if (!diff && failure !== undefined) throw failure;
    if (!diff && !transferred && base.commitSha && (await this.content.cacheHasCommit(base.commitSha))) {
      await this.content.prefetch({ branch: head.branch, deferTidy: true, want: head.commitSha, ...baseOf(base) }, opts.signal);
      try {
        diff = await this.content.localChanges(base.treeSha, head.treeSha, opts.signal, true);
      } finally {
        // The base's trees were needed until now: the portable path's cache may be compacted to the head.
        if (!opts.signal?.aborted) await this.content.tidy();
      }
    }
    if (diff) this.log.info(`changes by subtree sha: +${diff.added.length} ~${diff.modified.length} -${diff.removed.length}`);
    return diff;
  }

  async *read(
    blobs: readonly RepositoryFile[],
    head: SourceHead,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): AsyncGenerator<BlobContent> {
    // Blobs are read from an early transfer's pack as soon as it is in the cache with the commit (see
    // packArrived); otherwise (the tree turned out unchanged but the base lacks content; the branch
    // moved) the transfer ends first: ensure() may transfer too, and two transfers never write the cache.
    if (!((await this.packArrived()) && (await this.content.cacheHasCommit(head.commitSha)))) await this.settleEarly();
    const report = await this.content.ensure({ commitSha: head.commitSha, branch: head.branch, blobs }, opts);
    const missing = new Set(report.missing);
    const shas = [...new Set(blobs.map((b) => b.blobSha))];
    // The read-ahead stops with the consumer: when it stops early (a failure, a cancel), nothing is read after.
    const ahead = new AbortController();
    const onAbort = () => ahead.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const readBatch = (i: number) => {
      const batch = shas.slice(i, i + READ_BATCH);
      const got = new Map<string, Uint8Array>();
      const done = this.content.forEach(batch.filter((s) => !missing.has(s)), (sha, bytes) => got.set(sha, bytes), ahead.signal);
      done.catch(() => undefined); // awaited below; until then (or if the consumer stops) not unhandled
      return { batch, got, done };
    };
    // Double-buffered: the next batch is read while the consumer analyses this one (git inflates while we parse).
    let current = shas.length > 0 ? readBatch(0) : undefined;
    let turnAt = performance.now() + TURN_MS;
    try {
      for (let i = 0; current; i += READ_BATCH) {
        await current.done;
        const ready = current;
        current = i + READ_BATCH < shas.length ? readBatch(i + READ_BATCH) : undefined;
        for (const sha of ready.batch) {
          const bytes = ready.got.get(sha);
          // Handed over: the batch no longer holds it while the consumer works on the rest.
          ready.got.delete(sha);
          yield { sha, bytes };
          // The consumer's work on a blob ends in a microtask, never a turn of the event loop: without
          // a turn now and then, git's answers for the next batch wait in the pipe (64 KB) until this
          // batch is done, and git with them.
          if (performance.now() >= turnAt) {
            await new Promise((resolve) => setImmediate(resolve));
            turnAt = performance.now() + TURN_MS;
          }
        }
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (current) {
        ahead.abort();
        await current.done.catch(() => undefined);
      }
    }
  }

  traffic(): { requests: number; bytes: number; source: string } {
    const c = this.connector.counters();
    const t = this.content.traffic();
    return { requests: c.requests + t.requests, bytes: c.bytes + t.bytes, source: t.source };
  }

  private closing = false;

  async close(opts: { completed?: boolean } = {}): Promise<void> {
    this.closing = true;
    // A transfer the sync did not come to need: stopped when the sync failed or was cancelled (its
    // error is not held back by it); finished when it completed (an unchanged tree under a new commit:
    // the cache then holds the recorded commit, which the next sync's diff starts from).
    // A transfer whose pack the sync already read from is let finish (git only checks it and writes
    // the ref), so the cache is left as a completed transfer leaves it.
    const early = this.early;
    if (early && !early.consumed && opts.completed !== true && !early.arrived) early.abort.abort();
    await early?.done.catch(() => undefined);
    await this.content.close();
  }
}

const sorted = (files: RepositoryFile[]): RepositoryFile[] => sortedByPath(files) as RepositoryFile[];

/** A base's commit and tree for the transfer's `have` check (objects/pack.ts heldHave), when the record has both. */
function baseOf(base: SyncRecord | undefined): { base?: TransferBase } {
  return base?.commitSha && base.treeSha ? { base: { commitSha: base.commitSha, treeSha: base.treeSha } } : {};
}
