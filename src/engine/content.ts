// Content of changed files: the workspace's own git objects first, then a private cache repository
// filled by one pack transfer (git smart HTTP), or REST blobs for a small delta. A blob crosses the
// network at most once: everything fetched lands in the cache repository, addressed by its sha.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { SyncError, throwIfAborted } from '../core/errors';
import { scoped, type Logger } from '../core/logger';
import type { GitHubConnector, ListedPieces, NetworkHooks, OnListed, OnPiece } from '../core/ports';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../core/retry';
import type { RemoteRepository, RepositoryFile, SnapshotDiff } from '../core/types';
import { errno, storageProblem } from '../storage/fsOps';
import { GitBinaryStore } from './objects/gitBinaryStore';
import { IsoGitRepo } from './objects/isoGitFs';
import { IsoGitStore } from './objects/isoGitStore';
import { objectsHeld } from './objects/objectFiles';
import { diffTreesWithIsoGit, lsTreeWithIsoGit } from './objects/isoGitTree';
import { diffTreesWithGit, lsTreeWithGit } from './objects/localTree';
import { cacheRefCommit, clearStaleGitState, fetchPack, forgetCacheHead, gitHousekeeping, initCacheRepo, tidyCache, type TransferBase } from './objects/pack';
import { blobSha, writeLooseBlob, type ObjectStore } from './objects/store';

/**
 * At most this many missing blobs go through the REST blob API; more go as one pack. 50 requests are
 * 1% of an authenticated hour (and most of an anonymous one would be wasted on more), while a
 * shallow pack costs two smart-HTTP round trips whatever its size and no REST rate limit.
 */
export const REST_BLOB_LIMIT = 50;
/** Objects sampled before asking the workspace for many (see mayHold). */
const PRESENCE_SAMPLE = 64;
const REST_CONCURRENCY = 8;
/** How often packArrival looks at the cache's pack folder during a transfer. */
const PACK_POLL_MS = 20;

export interface ContentOptions {
  repository: RemoteRepository;
  /** Absent when the repository is not reachable (reading back with local sources only). */
  connector: GitHubConnector | undefined;
  /** The workspace's object database (`.git`, or the common dir of a worktree), when there is one. */
  workspaceGitDir: string | undefined;
  /** Where the private cache repository lives (created on first use). */
  cacheGitDir: string;
  /** The git binary for the fast path; undefined selects the portable isomorphic-git path. */
  gitPath: string | undefined;
  token: string | undefined;
  logger: Logger;
  restBlobLimit?: number;
  /** A git transfer that moves no data for this long fails (NETWORK). Default 60 s. */
  timeoutMs?: number;
  /** Proxy for git transfers: a URL, '' for direct, absent to leave git's own proxy environment alone. */
  proxy?: string;
  /** Retries of a pack transfer's transient failures: the REST requests' policy. Default DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  /** The sync's network hooks: a pack transfer's retry waits are reported as REST ones are. */
  hooks?: NetworkHooks;
  /** The longest Retry-After a pack transfer waits out (REST's limit). Default 60 s. */
  maxWaitSeconds?: number;
}

export interface ContentReport {
  /** 'none' | 'local' | 'pack' | 'rest', joined with '+' when several ran. */
  source: string;
  /** Bytes received over the network (pack or REST bodies). */
  bytes: number;
  /** Network requests made for content (REST blobs or smart-HTTP round trips). */
  requests: number;
  /** Blobs that could not be had from any source (recorded as a warning). */
  missing: string[];
}

/** Where file content comes from: local git objects, the cache repository, or REST. */
export class GitContentFetcher {
  private readonly log: Logger;
  private readonly workspace: ObjectStore | undefined;
  private readonly cache: ObjectStore & { refresh(): void | Promise<void> };
  /**
   * The portable path's readers of the workspace's database and the cache repository: one
   * isomorphic-git cache (pack indexes parsed once) and file system per database, shared by every
   * read of this fetcher (see isoGitFs.ts). Only the cache repository's listing is memoized (this
   * sync alone writes it, and says when).
   */
  private readonly isoWorkspace: IsoGitRepo | undefined;
  private readonly isoCache: IsoGitRepo | undefined;
  /** The store each blob was found in by ensure(), when it asked the stores one by one. */
  private readonly location = new Map<string, ObjectStore>();
  /**
   * Set when ensure() found the commit in the cache (which then holds its whole tree): blobs are read
   * from the cache first, without a location per blob (a 100k-entry map at a first sync).
   */
  private cacheFirst = false;
  /** Content traffic so far: pack transfers and the sources that served blobs. */
  private readonly sent = { bytes: 0, requests: 0, sources: new Set<string>() };
  readonly listsTreesLocally: boolean;

  constructor(private readonly opts: ContentOptions) {
    this.log = scoped(opts.logger, 'content');
    this.isoWorkspace = opts.gitPath || !opts.workspaceGitDir ? undefined : new IsoGitRepo(opts.workspaceGitDir, false);
    this.isoCache = opts.gitPath ? undefined : new IsoGitRepo(opts.cacheGitDir);
    const open = (dir: string, repo: IsoGitRepo | undefined) => (opts.gitPath ? new GitBinaryStore(opts.gitPath, dir) : new IsoGitStore(dir, repo));
    this.workspace = opts.workspaceGitDir ? open(opts.workspaceGitDir, this.isoWorkspace) : undefined;
    this.cache = open(opts.cacheGitDir, this.isoCache);
    this.listsTreesLocally = opts.gitPath !== undefined;
  }

  /** The cache repository created or checked (and its config reset) once per fetcher, not per step. */
  private cacheReady: Promise<void> | undefined;
  /** This fetcher created the cache and no transfer has started since: it holds no commit. */
  private cacheEmpty = false;
  private initCache(): Promise<void> {
    this.cacheReady ??= initCacheRepo(this.opts.cacheGitDir, this.opts.gitPath, this.log).then(
      // A transfer waits for this first (prepareTransfer), then clears the flag.
      (created) => void (this.cacheEmpty = created),
      (e: unknown) => {
        this.cacheReady = undefined;
        throw e;
      },
    );
    return this.cacheReady;
  }

  /**
   * The cache opened and what a git process killed mid-transfer left there (lock files, temp packs)
   * cleared, once per fetcher, before its first transfer: the caller holds the storage lock, so none
   * of it is another transfer's. A sync asks for it as soon as the ref names a new commit, beside
   * the question whether the workspace or the cache holds it (source.ts transferEarly), never for an
   * unchanged ref; a transfer that fails clears its own leftovers (fetchPack).
   */
  private transferReady: Promise<void> | undefined;
  prepareTransfer(): Promise<void> {
    const dir = this.opts.cacheGitDir;
    this.transferReady ??= this.initCache()
      .then(async () => void (await clearStaleGitState(dir, this.log)))
      .catch((e: unknown) => {
        this.transferReady = undefined;
        throw e;
      });
    return this.transferReady;
  }

  /**
   * The pack indexes in the cache now (git path): a transfer's pack shows as a name not among them
   * (see packArrival).
   */
  async cachePacks(): Promise<ReadonlySet<string>> {
    const names = await fsp.readdir(path.join(this.opts.cacheGitDir, 'objects', 'pack')).catch(() => [] as string[]);
    return new Set(names.filter((n) => n.endsWith('.idx')));
  }

  /**
   * True once a pack index not in `before` is in the cache, false when `transfer` fails or ends
   * without one (or the signal aborts). git's index-pack renames a pack's index into place when the
   * pack is complete: its objects can be read from then on, while `git fetch` still checks the
   * pack's connectivity (0.2 s at 100k files) and writes the ref. Looked for every PACK_POLL_MS, and
   * at once when the transfer ends: the smart-HTTP client ends a millisecond after its index-pack,
   * which a look every 20 ms nearly always missed (the sync then took the slower way, see source.ts).
   */
  async packArrival(before: ReadonlySet<string>, transfer: Promise<unknown>, signal?: AbortSignal): Promise<boolean> {
    let outcome: 'ended' | 'failed' | undefined;
    const settled = transfer.then(
      () => void (outcome = 'ended'),
      () => void (outcome = 'failed'),
    );
    while (!signal?.aborted) {
      let tick: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (tick = setTimeout(resolve, PACK_POLL_MS))), settled]);
      clearTimeout(tick);
      if (signal?.aborted || outcome === 'failed') break;
      // Taken before the look: a transfer that ends while the folder is read gets one more look.
      const ended = outcome === 'ended';
      for (const name of await this.cachePacks()) if (!before.has(name)) return true;
      if (ended) break;
    }
    return false;
  }

  /** The changes between two trees from the cache repository alone (git path); undefined when it lacks either. */
  async cacheChanges(baseTree: string, newTree: string, signal?: AbortSignal): Promise<SnapshotDiff | undefined> {
    const gitPath = this.opts.gitPath;
    // Asked once the transfer's pack is in (source.ts packArrived): the blobs are sized by the cache's
    // sizing reader, started while the pack was on its way (see warmReaders).
    return gitPath ? diffTreesWithGit(gitPath, this.opts.cacheGitDir, baseTree, newTree, signal, this.sizerOf(this.opts.cacheGitDir)) : undefined;
  }

  /** The cache's running sizer for a diff in the cache (git path); a diff elsewhere sizes with a cat-file of its own. */
  private sizerOf(dir: string): { sizes?: (shas: readonly string[]) => Promise<ReadonlyMap<string, number>> } {
    const cache = this.cache;
    return dir === this.opts.cacheGitDir && cache instanceof GitBinaryStore ? { sizes: (shas) => cache.sizes(shas) } : {};
  }

  /**
   * The tree listed from the cache repository alone (git path); undefined when the cache lacks it.
   * With `onPiece`, held as git's output (see LsTreeReader).
   */
  cacheTree(treeSha: string, signal?: AbortSignal, onListed?: OnListed): Promise<RepositoryFile[] | undefined>;
  cacheTree(treeSha: string, signal: AbortSignal | undefined, onListed: OnListed | undefined, onPiece: OnPiece | undefined): Promise<RepositoryFile[] | ListedPieces | undefined>;
  async cacheTree(treeSha: string, signal?: AbortSignal, onListed?: OnListed, onPiece?: OnPiece): Promise<RepositoryFile[] | ListedPieces | undefined> {
    const gitPath = this.opts.gitPath;
    if (!gitPath) return undefined;
    const dir = this.opts.cacheGitDir;
    return onPiece ? lsTreeWithGit(gitPath, dir, treeSha, signal, onListed, onPiece) : lsTreeWithGit(gitPath, dir, treeSha, signal, onListed);
  }

  async localTree(treeSha: string, signal?: AbortSignal, cacheFirst = false, onListed?: OnListed): Promise<RepositoryFile[] | undefined> {
    const gitPath = this.opts.gitPath;
    if (!gitPath) return undefined;
    await this.initCache();
    for (const dir of this.databases(cacheFirst)) {
      if (!dir) continue;
      const files = await lsTreeWithGit(gitPath, dir, treeSha, signal, onListed);
      if (files) return files;
    }
    return undefined;
  }

  /**
   * The tree listed exactly from raw tree objects in the workspace's database or the cache, on
   * either path: for a tree whose names REST cannot carry (see LossyTreeNamesError). The portable
   * path parses tree objects itself, sizing blobs from `sizes` (else by reading them).
   */
  async exactTree(treeSha: string, sizes: ReadonlyMap<string, number>, signal?: AbortSignal): Promise<RepositoryFile[] | undefined> {
    if (this.opts.gitPath) return this.localTree(treeSha, signal);
    await this.initCache();
    for (const dir of [this.opts.workspaceGitDir, this.opts.cacheGitDir]) {
      if (!dir) continue;
      const repo = this.isoRepo(dir);
      const files = await lsTreeWithIsoGit(dir, treeSha, sizes, { logger: this.log, ...(signal ? { signal } : {}), ...(repo ? { repo } : {}) });
      if (files) return files;
    }
    return undefined;
  }

  /**
   * The changes from `baseTree` to `newTree` by subtree sha (`git diff-tree`, or our walk of raw tree
   * objects on the portable path), when one local object database (the workspace's or the cache)
   * holds both trees and the blobs that changed; undefined otherwise.
   */
  async localChanges(baseTree: string, newTree: string, signal?: AbortSignal, cacheFirst = false): Promise<SnapshotDiff | undefined> {
    const gitPath = this.opts.gitPath;
    await this.initCache();
    for (const dir of this.databases(cacheFirst)) {
      if (!dir) continue;
      const diff = gitPath ? await diffTreesWithGit(gitPath, dir, baseTree, newTree, signal, this.sizerOf(dir)) : await this.isoGitChanges(dir, baseTree, newTree, signal);
      if (diff) return diff;
    }
    return undefined;
  }

  /**
   * The object databases to look in: the workspace's, then the cache; the cache first when a
   * transfer just brought the commit there because the workspace lacked it (a failed look costs a
   * git process).
   */
  private databases(cacheFirst: boolean): (string | undefined)[] {
    const { workspaceGitDir, cacheGitDir } = this.opts;
    return cacheFirst ? [cacheGitDir, workspaceGitDir] : [workspaceGitDir, cacheGitDir];
  }

  /** The portable path's diff-tree; a database isomorphic-git cannot read is passed over. */
  private async isoGitChanges(dir: string, baseTree: string, newTree: string, signal?: AbortSignal): Promise<SnapshotDiff | undefined> {
    try {
      const repo = this.isoRepo(dir);
      return await diffTreesWithIsoGit(dir, baseTree, newTree, { logger: this.log, ...(signal ? { signal } : {}), ...(repo ? { repo } : {}) });
    } catch (e) {
      if (signal?.aborted) throw e;
      // Listing the tree over REST is slower, never wrong.
      this.log.warn(`the trees in ${dir} could not be compared with isomorphic-git (${(e as Error).message}); listing the tree instead`);
      return undefined;
    }
  }

  /** The shared portable reader of `dir` (the workspace's database or the cache repository). */
  private isoRepo(dir: string): IsoGitRepo | undefined {
    return dir === this.opts.cacheGitDir ? this.isoCache : dir === this.opts.workspaceGitDir ? this.isoWorkspace : undefined;
  }

  /**
   * Whether a first sync transfers whatever commit the branch's ref names, so its transfer may start
   * with the ref request instead of after its answer: on the git path, no cache yet (a new storage
   * folder: one that exists may hold the commit, and a depth-1 fetch would bring it again), and no
   * workspace, or one whose object database holds nothing at all (a fresh `git init` with the remote
   * added: no pack, no loose object, no alternates). A workspace holding any object may hold the
   * commit without a ref naming it (a branch made on GitHub at a commit it has), so it is asked once
   * the ref answers, as before. Read from the file system, no git process.
   */
  async firstTransferCertain(): Promise<boolean> {
    const { gitPath, workspaceGitDir, cacheGitDir } = this.opts;
    if (!gitPath) return false;
    const exists = (p: string) =>
      fsp.access(p).then(
        () => true,
        () => false,
      );
    if (await exists(path.join(cacheGitDir, 'HEAD'))) return false;
    if (!workspaceGitDir) return true;
    const objects = path.join(workspaceGitDir, 'objects');
    const [top, packs] = await Promise.all([fsp.readdir(objects).catch(() => undefined), fsp.readdir(path.join(objects, 'pack')).catch(() => [] as string[])]);
    // No objects folder we can read: not a database we can reason about.
    if (top === undefined) return false;
    if (packs.some((f) => f.endsWith('.pack')) || (await exists(path.join(objects, 'info', 'alternates')))) return false;
    for (const dir of top.filter((d) => /^[0-9a-f]{2}$/.test(d))) {
      if ((await fsp.readdir(path.join(objects, dir)).catch(() => [] as string[])).length > 0) return false;
    }
    return true;
  }

  /** Whether the workspace's own object database holds `commitSha` (git path; false without a workspace database). */
  async workspaceHasCommit(commitSha: string): Promise<boolean> {
    const { gitPath, workspaceGitDir } = this.opts;
    if (!gitPath || !workspaceGitDir) return false;
    return (await objectsHeld(gitPath, workspaceGitDir, [commitSha])).has(commitSha);
  }

  async cacheHasCommit(commitSha: string): Promise<boolean> {
    return (await this.cacheCommits([commitSha])).has(commitSha);
  }

  /**
   * Before a transfer: whether the cache holds a sync's new commit, and its base's. When the cache's
   * ref names the base's commit (the last transfer brought it), both are answered without a git
   * process ahead of a 1% sync's transfer: the base as held, the new commit as not. Either answer
   * wrong costs bytes, never a wrong sync: a new commit the cache kept from an older transfer is
   * fetched again (a depth-1 fetch does not skip commits it has), and a base whose objects were lost
   * fails its diff, so the sync lists the new tree instead. Neither answer is remembered as proven.
   */
  async cacheHoldsForTransfer(commitSha: string, baseCommitSha: string | undefined): Promise<{ commit: boolean; base: boolean }> {
    await this.initCache();
    if (this.opts.gitPath && baseCommitSha !== undefined && !this.cacheEmpty && !this.heldCommits.has(commitSha) && (await cacheRefCommit(this.opts.cacheGitDir)) === baseCommitSha) {
      return { commit: false, base: true };
    }
    const held = await this.cacheCommits(baseCommitSha !== undefined ? [commitSha, baseCommitSha] : [commitSha]);
    return { commit: held.has(commitSha), base: baseCommitSha !== undefined && held.has(baseCommitSha) };
  }

  /**
   * Commits the git path's cache was found to hold: objects are only ever added to it during a sync,
   * so a commit is asked for once (a 1% sync asked for its head three times, a git process each).
   */
  private readonly heldCommits = new Set<string>();

  /**
   * Which of these commits the cache repository holds: none of a cache this fetcher created, the one
   * this fetcher's transfer brought without asking, else one question to git for the rest. (Its ref
   * alone proves nothing here: a cache whose packs were lost keeps its ref, and a commit taken as held
   * has its blobs read from the cache alone — see missingFrom.)
   */
  async cacheCommits(shas: readonly string[]): Promise<Set<string>> {
    await this.initCache();
    if (this.opts.gitPath) {
      const unknown = shas.filter((sha) => !this.heldCommits.has(sha));
      if (unknown.length > 0 && !this.cacheEmpty) for (const sha of await objectsHeld(this.opts.gitPath, this.opts.cacheGitDir, unknown)) this.heldCommits.add(sha);
      return new Set(shas.filter((sha) => this.heldCommits.has(sha)));
    }
    // The portable store reads blobs only (a commit is an ObjectTypeError there): ask for the commit,
    // through our pack reader (isomorphic-git's would load and copy the whole cache pack to answer).
    const repo = this.isoCache as IsoGitRepo;
    const held = await Promise.all(
      shas.map((oid) =>
        repo.readObject(oid).then(
          ({ type }) => type === 'commit',
          () => false,
        ),
      ),
    );
    return new Set(shas.filter((_, i) => held[i]));
  }

  /**
   * `deferTidy`: the caller reads the cache's older commits after the transfer (the base of a diff),
   * and calls tidy() when done.
   */
  async prefetch(input: { branch: string; deferTidy?: boolean; want?: string; base?: TransferBase }, signal?: AbortSignal): Promise<void> {
    await this.initCache();
    await this.transfer(input.branch, signal, input.deferTidy === true, input.want, input.base);
  }

  /** The portable path's cache compacted when it outgrew one snapshot by 40% (see tidyCache). */
  async tidy(): Promise<void> {
    if (this.opts.gitPath) return;
    await tidyCache(this.opts.cacheGitDir, this.log, this.isoCache);
    await this.cache.refresh();
  }

  traffic(): ContentReport {
    const sources = ['local', 'pack', 'rest'].filter((s) => this.sent.sources.has(s));
    return { source: sources.length ? sources.join('+') : 'none', bytes: this.sent.bytes, requests: this.sent.requests, missing: [] };
  }

  /**
   * The cache cannot read `commitSha` although its transfer brought exactly that commit (its ref names
   * it): the `have` sent reached objects the cache lost (a damaged cache), so the next transfer sends
   * none (git path). A transfer that brought another commit (`git fetch` of a branch that moved) is
   * no sign of damage: nothing is forgotten then.
   */
  async transferLacked(commitSha: string): Promise<void> {
    if (!this.opts.gitPath || (await cacheRefCommit(this.opts.cacheGitDir)) !== commitSha) return;
    await forgetCacheHead(this.opts.cacheGitDir, this.opts.gitPath, this.log);
  }

  /** The last transfer's signal: no housekeeping after a cancelled one (see close()). */
  private transferSignal: AbortSignal | undefined;

  /** A transfer into the cache started (its pack may be read before it ends: see packArrival). */
  private transferStarted = false;

  /** Whether what the cache holds came (in part) from this fetcher's transfer: content source 'pack', not 'local'. */
  private fromTransfer(): boolean {
    return this.transferStarted || this.sent.bytes > 0;
  }

  /** `want`: the commit the ref named, transferred by that sha (else whatever the branch names by then). */
  private async transfer(branch: string, signal: AbortSignal | undefined, deferTidy = false, want?: string, base?: TransferBase): Promise<void> {
    await this.prepareTransfer();
    const hooks = this.opts.hooks;
    this.transferStarted = true;
    this.transferSignal = signal;
    this.cacheEmpty = false;
    const pack = await fetchPack(
      {
        cacheGitDir: this.opts.cacheGitDir,
        gitPath: this.opts.gitPath,
        deferTidy,
        ...(this.isoCache ? { isoRepo: this.isoCache } : {}),
        url: this.opts.repository.cloneUrl,
        branch,
        token: this.opts.token,
        signal,
        logger: this.log,
        ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
        ...(this.opts.proxy !== undefined ? { proxy: this.opts.proxy } : {}),
        ...(want ? { want } : {}),
        ...(base ? { base } : {}),
        onPackRequested: () => this.warmReaders(base !== undefined),
      },
      {
        policy: this.opts.retry ?? DEFAULT_RETRY_POLICY,
        ...(hooks?.onWait ? { onWait: (w) => hooks.onWait?.(w) } : {}),
        ...(hooks?.onTransfer ? { onTransfer: () => hooks.onTransfer?.() } : {}),
        ...(this.opts.maxWaitSeconds !== undefined ? { maxWaitSeconds: this.opts.maxWaitSeconds } : {}),
      },
    );
    await this.cache.refresh();
    // What the transfer brought (the ref git wrote once the pack was complete and connected) is held
    // from now on, its whole tree with it: reads ask the cache for it without a git process.
    if (this.opts.gitPath) {
      const brought = await cacheRefCommit(this.opts.cacheGitDir);
      if (brought !== undefined) this.heldCommits.add(brought);
    }
    this.sent.sources.add('pack');
    this.sent.bytes += pack.bytes;
    this.sent.requests += pack.requests;
    this.log.info(`pack transfer of ${branch}: ${pack.bytes} bytes${pack.attempts > 1 ? ` (attempt ${pack.attempts})` : ''}`);
  }

  async ensure(
    input: { commitSha: string; branch: string; blobs: readonly RepositoryFile[] },
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<ContentReport> {
    const shas = [...new Set(input.blobs.map((b) => b.blobSha))];
    const total = shas.length;
    await this.initCache();
    let missing = await this.missingFrom(shas, input.commitSha);
    opts.onProgress?.(total - missing.length, total);
    throwIfAborted(opts.signal);

    if (missing.length > (this.opts.restBlobLimit ?? REST_BLOB_LIMIT)) {
      await this.transfer(input.branch, opts.signal, false, input.commitSha);
      const before = missing.length;
      missing = await this.missingFrom(missing, input.commitSha);
      this.log.info(`the pack brought ${before - missing.length} of ${before} missing blobs`);
      opts.onProgress?.(total - missing.length, total);
    }
    if (missing.length > 0 && missing.length <= (this.opts.restBlobLimit ?? REST_BLOB_LIMIT) * 2) {
      // Small deltas, and the few blobs a pack could not bring (the branch moved meanwhile).
      this.sent.sources.add('rest');
      missing = await this.fetchRest(missing, total, opts);
    }
    return { ...this.traffic(), missing };
  }

  /**
   * The blobs of `shas` (all of `commitSha`'s tree) that neither the workspace nor the cache holds.
   * A cache holding the commit holds its whole tree (objects only arrive by fetch, which brings a
   * commit's tree complete): its blobs are not asked for one by one (0.6 s at 100k), and the
   * workspace is not sampled either. Were one missing after all, its read finds nothing and the file
   * is recorded as missing content, which the next sync fetches again.
   */
  private async missingFrom(shas: readonly string[], commitSha: string): Promise<string[]> {
    if (shas.length === 0) return [];
    // A cache holding the commit holds every blob asked for: the workspace is not asked at all.
    if (await this.cacheHasCommit(commitSha)) {
      this.cacheFirst = true;
      this.sent.sources.add(this.fromTransfer() ? 'pack' : 'local');
      return [];
    }
    let missing = [...shas];
    for (const store of [this.workspace, this.cache]) {
      if (!store || missing.length === 0) continue;
      if (store === this.workspace && !(await this.mayHold(store, missing))) continue;
      const have = await store.present(missing);
      for (const sha of have) this.location.set(sha, store);
      if (have.size > 0) this.sent.sources.add(store === this.workspace ? 'local' : this.fromTransfer() ? 'pack' : 'local');
      missing = missing.filter((s) => !have.has(s));
    }
    return missing;
  }

  /**
   * Whether asking `store` for every one of many objects is worth it. git re-reads its pack folder
   * on every miss, so checking 100k objects a workspace does not hold (a fresh `git init`, a shallow
   * clone of another commit) took 2.5 s: a sample spread over the list answers first, and a store
   * holding none of it is skipped (its objects would only have spared part of the pack transfer).
   */
  private async mayHold(store: ObjectStore, shas: readonly string[]): Promise<boolean> {
    if (shas.length <= PRESENCE_SAMPLE * 4) return true;
    const step = shas.length / PRESENCE_SAMPLE;
    const sample = Array.from({ length: PRESENCE_SAMPLE }, (_, i) => shas[Math.floor(i * step)] as string);
    const have = await store.present(sample);
    if (have.size === 0) this.log.debug(`the workspace holds none of ${PRESENCE_SAMPLE} sampled blobs; not asking it for ${shas.length}`);
    return have.size > 0;
  }

  private async fetchRest(shas: string[], total: number, opts: { signal?: AbortSignal; onProgress?: (d: number, t: number) => void }): Promise<string[]> {
    const failed: string[] = [];
    let next = 0;
    let done = total - shas.length;
    const worker = async () => {
      while (next < shas.length) {
        const sha = shas[next++] as string;
        throwIfAborted(opts.signal);
        const bytes = await this.connector().fetchBlob(sha, opts.signal);
        try {
          await writeLooseBlob(this.opts.cacheGitDir, sha, bytes);
        } catch (e) {
          // A full or read-only disk is not one bad blob: every next write fails the same way.
          const problem = storageProblem(errno(e), path.dirname(this.opts.cacheGitDir));
          if (problem) {
            throw new SyncError('STORAGE_ERROR', `Could not store the fetched content in ${this.opts.cacheGitDir}: ${problem.what} (${errno(e)}).`, { hint: problem.hint, path: this.opts.cacheGitDir, cause: e });
          }
          this.log.warn(`blob ${sha}: ${(e as Error).message}`);
          failed.push(sha);
        }
        opts.onProgress?.(++done, total);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(REST_CONCURRENCY, shas.length) }, worker));
    } catch (e) {
      // The portable reader forgets what it listed: the blobs written before the failure are read back.
      await this.isoCache?.invalidate();
      throw e;
    }
    await this.cache.refresh();
    return failed;
  }

  async forEach(shas: readonly string[], fn: (sha: string, bytes: Uint8Array) => void, signal?: AbortSignal): Promise<void> {
    // Reads are pipelined through one cat-file process per store. A bounded window is in flight,
    // topped up in batches (half a window at a time) so the shas go to git in few writes; each
    // blob is handed to `fn` as it arrives, so memory stays bounded by the window.
    const WINDOW = 512;
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let active = 0;
      let failed = false;
      const fail = (e: unknown) => {
        if (!failed) reject(e);
        failed = true;
      };
      const pump = (): void => {
        if (failed) return;
        if (next >= shas.length && active === 0) return resolve();
        if (active > WINDOW / 2) return;
        try {
          throwIfAborted(signal);
        } catch (e) {
          return fail(e);
        }
        for (; next < shas.length && active < WINDOW; next++) {
          const sha = shas[next] as string;
          active++;
          this.read(sha)
            .then((bytes) => {
              active--;
              if (bytes && !failed) fn(sha, bytes);
              pump();
            })
            .catch(fail);
        }
      };
      pump();
    });
  }

  async read(sha: string): Promise<Uint8Array | undefined> {
    // Where ensure() found it: no miss in the workspace first for everything a pack brought.
    const known = this.location.get(sha) ?? (this.cacheFirst ? this.cache : undefined);
    if (known) return (await known.read(sha)) ?? (known === this.cache ? this.workspace?.read(sha) : this.cache.read(sha));
    return (await this.workspace?.read(sha)) ?? (await this.cache.read(sha));
  }

  /** One blob on demand (a diff of an old sync): local first, else REST into the cache. */
  async readOrFetch(sha: string, signal?: AbortSignal): Promise<Uint8Array | undefined> {
    const local = await this.read(sha);
    // A copy of its own: a sync's reads are views of what git sent (header and neighbours included),
    // and what this answers goes out through the extension's API.
    if (local) return new Uint8Array(local);
    if (!this.opts.connector) return undefined;
    await this.initCache();
    const bytes = await this.opts.connector.fetchBlob(sha, signal);
    // Never hand out content that is not the blob asked for (the sync's fetches are checked the same way).
    if (blobSha(bytes) !== sha) {
      throw new SyncError('NETWORK', `The content of blob ${sha} from the server does not match its sha: it was altered on the way.`, {
        hint: 'A proxy or the server changed the answer; check your proxy settings, then try again.',
      });
    }
    await writeLooseBlob(this.opts.cacheGitDir, sha, bytes).catch((e: Error) => this.log.warn(`cache write ${sha}: ${e.message}`));
    // The portable reader forgets which loose objects it saw (git's cat-file finds a new loose object itself).
    await this.isoCache?.invalidate();
    return bytes;
  }

  /**
   * The cache's readers started while the server prepares the pack (git path): this thread is idle
   * then, and the reads after the transfer no longer wait for their spawns (see GitBinaryStore.warm).
   * `sizes`: an incremental transfer, whose changed blobs are sized.
   */
  private warmReaders(sizes: boolean): void {
    try {
      if (this.cache instanceof GitBinaryStore) this.cache.warm(sizes);
    } catch (e) {
      // Only a head start: a spawn that fails here (no file descriptors left) fails the first read instead.
      this.log.debug(`the cache's readers did not start ahead: ${String(e)}`);
    }
  }

  private connector(): GitHubConnector {
    if (!this.opts.connector) throw new SyncError('NETWORK', 'The repository is not reachable to fetch missing content.');
    return this.opts.connector;
  }

  async close(): Promise<void> {
    this.workspace?.close();
    this.cache.close();
    // Once the sync is done with the cache (its base read, the lock still held), and not after a
    // cancellation: see gitHousekeeping.
    if (this.opts.gitPath && this.sent.sources.has('pack') && !this.transferSignal?.aborted) await gitHousekeeping(this.opts.cacheGitDir, this.opts.gitPath, this.log);
  }
}

/** The object database of a work tree: `.git` dir, a `.git` file's gitdir, and a worktree's commondir. */
export async function workspaceObjectDir(workdir: string): Promise<string | undefined> {
  const dotGit = path.join(workdir, '.git');
  const stat = await fsp.stat(dotGit).catch(() => undefined);
  if (!stat) return undefined;
  let gitDir = dotGit;
  if (stat.isFile()) {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(await fsp.readFile(dotGit, 'utf8'));
    if (!m?.[1]) return undefined;
    gitDir = path.resolve(workdir, m[1]);
  }
  const common = await fsp.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => undefined);
  if (common) gitDir = path.resolve(gitDir, common.trim());
  return gitDir;
}

