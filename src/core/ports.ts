// The interfaces the sync pipeline depends on. Implementations live in src/github and
// src/storage; tests may substitute their own. Nothing here imports vscode.
import type { Event } from './emitter';
import type {
  BranchHead,
  BranchInfo,
  ErrorCode,
  MemoryEntry,
  MemoryFacts,
  RemoteRepository,
  RepositoryFile,
  RepositoryInfo,
  RepositoryRef,
  SnapshotDiff,
  SyncRecord,
  SyncStats,
} from './types';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** What the network layer reports while it works; the pipeline turns these into events. */
export interface NetworkHooks {
  /** A rate limit or a retry back-off makes us wait `seconds` before the next request. */
  onWait?(info: { reason: 'primary-rate-limit' | 'secondary-rate-limit' | 'retry'; seconds: number; resetAt?: string }): void;
  /** Every finished HTTP exchange (after retries are decided): for stats and the log. */
  onResponse?(info: { method: string; url: string; status: number; bytes: number }): void;
  /**
   * A pack transfer is under way (git spawned, the smart-HTTP client's request accepted, the portable
   * path's fetch begun): the network is busy, and work this thread starts now overlaps it.
   */
  onTransfer?(): void;
}

/** Conditional-request cache: ETag and body by request key. Persisted by the store so a CLI resync can 304. */
export interface EtagCache {
  get(key: string): { etag: string; body: unknown } | undefined;
  set(key: string, etag: string, body: unknown): void;
}

/** Read access to one GitHub repository over REST. Created by src/github/connector.ts. */
export interface GitHubConnector {
  readonly repository: RemoteRepository;
  fetchRepository(signal?: AbortSignal): Promise<RepositoryInfo>;
  /** Every branch, all pages, ETag-cached; `isDefault` set from the repository's default branch. */
  fetchBranches(signal?: AbortSignal): Promise<BranchInfo[]>;
  /** Head commit and tree of a branch; BRANCH_NOT_FOUND when absent. Never follows a rename. */
  /** `onRef` is told the branch's commit sha as soon as the ref answers (before the commit is read). */
  fetchBranchHead(branch: string, signal?: AbortSignal, onRef?: (commitSha: string) => void): Promise<BranchHead>;
  /** Every entry of the tree (files, symlinks, submodules), descending truncated trees. */
  fetchTree(treeSha: string, opts?: { signal?: AbortSignal; onProgress?: (entries: number) => void }): Promise<RepositoryFile[]>;
  /** Raw content of one blob. */
  fetchBlob(sha: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** Only the branch's ref, as a conditional request (a 304 when unchanged costs no rate limit). */
  fetchBranchRef?(branch: string, signal?: AbortSignal): Promise<HeadCheck>;
  /** How `head` relates to `base` (GitHub's compare endpoint): 'behind'/'diverged' mean history was rewritten. */
  compareCommits?(base: string, head: string, signal?: AbortSignal): Promise<CompareStatus>;
  /** Requests made and bytes received since creation. */
  counters(): { requests: number; bytes: number };
}

/** A listing's progress: the list so far, the same array at every call, grown (RepositorySource.snapshot). */
export type OnListed = (files: readonly RepositoryFile[]) => void;

/** A lean listing's progress: the entries each piece added, a new array each time (RepositorySource.snapshot). */
export type OnPiece = (entries: readonly RepositoryFile[]) => void;

/**
 * A tree listed without holding an object per entry (the git binary's own output, ~110 bytes an
 * entry): `pieces()` makes the entries again, a piece at a time, in the order they were listed —
 * which is not always path order (see `SnapshotPrewrite`). Each piece is a new array. Read once
 * (a second read throws): what a piece was made from is let go as it is made.
 */
export interface ListedPieces {
  readonly count: number;
  pieces(): Iterable<RepositoryFile[]>;
}

/** RepositorySource.snapshot's options. */
export interface SnapshotOptions {
  signal?: AbortSignal;
  onProgress?: (entries: number) => void;
  onListed?: OnListed;
}

/** What the sync pipeline reads a repository through. The engine decides where each answer comes from
 * (the workspace's objects, the private object cache, a pack transfer, or REST); the pipeline never knows. */
export interface RepositorySource {
  readonly repository: RemoteRepository;
  /** The repository's default branch (what a request that names no branch syncs). */
  defaultBranch(signal?: AbortSignal): Promise<string>;
  /**
   * The head of `branch`; BRANCH_NOT_FOUND when absent. `forcePushed` tells whether the branch's
   * history was rewritten since `base` (a sync of the same branch).
   */
  head(branch: string, base: SyncRecord | undefined, signal?: AbortSignal): Promise<SourceHead>;
  /**
   * The changes from `base`'s tree to the head's, when the source can tell them without listing the
   * whole tree (equal subtree shas are skipped: the cost grows with the change); undefined when it
   * cannot, and the pipeline lists the snapshot instead.
   */
  changes?(head: SourceHead, base: SyncRecord, opts: { signal?: AbortSignal }): Promise<SnapshotDiff | undefined>;
  /**
   * Every entry of the head's tree (files, symlinks, submodules), sorted by path. A listing that
   * arrives in pieces calls `onListed` with the list so far (the array it returns, while it grows).
   * With `lean`, a listing the source holds compactly is returned as ListedPieces instead (in the
   * order listed, not sorted), `lean` called with each piece as it arrives. A lean attempt that
   * fails partway may be followed by a listing that calls `onListed` (the prewrite then gives up).
   */
  snapshot(head: SourceHead, base: SyncRecord | undefined, opts: SnapshotOptions & { lean: OnPiece }): Promise<RepositoryFile[] | ListedPieces>;
  snapshot(head: SourceHead, base: SyncRecord | undefined, opts: SnapshotOptions): Promise<RepositoryFile[]>;
  /**
   * The content of these blobs, each sha once, in any order; `bytes` is undefined for a blob no source
   * could provide. `onProgress` counts blobs made available while content is being fetched.
   */
  read(
    blobs: readonly RepositoryFile[],
    head: SourceHead,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): AsyncIterable<BlobContent>;
  /** What crossed the network so far, and where content came from ('local', 'pack', 'rest', joined by '+'). */
  traffic(): { requests: number; bytes: number; source: string };
  /**
   * Ends what the source still does for this sync besides answering (a pack transfer whose objects
   * are already in use, while git checks them): called before the sync's figures are recorded, so
   * traffic() is final.
   */
  settle?(signal?: AbortSignal): Promise<void>;
  /**
   * `completed`: the sync completed, so a transfer it started without coming to need it (the tree
   * turned out unchanged) is finished, keeping the cache at the recorded commit; otherwise stopped.
   */
  close(opts?: { completed?: boolean }): Promise<void>;
}

export interface SourceHead extends BranchHead {
  /** The branch's history was rewritten since the base's commit (the base is no longer an ancestor). */
  forcePushed: boolean;
}

export interface BlobContent {
  sha: string;
  bytes: Uint8Array | undefined;
}

/** The answer of a cheap head check (one conditional request). */
export interface HeadCheck {
  commitSha: string;
  /** The server answered 304: the head did not move since the cached answer. */
  notModified: boolean;
  /** GitHub's X-Poll-Interval (seconds), when sent. */
  pollIntervalSeconds?: number;
  rateLimitRemaining?: number;
  /** Epoch seconds. */
  rateLimitReset?: number;
}

export type CompareStatus = 'identical' | 'ahead' | 'behind' | 'diverged';

/** Everything a completed sync commits to the store at once. */
export interface CompleteSyncInput {
  /** The branch actually synced (the default branch's name when the request named none). */
  branch?: string;
  commitSha: string;
  treeSha: string;
  commitMessage: string | null;
  forcePushed: boolean;
  /**
   * The sync `diff` was computed against: `HistoryStore.baseFor(repository, branch)` (null for a
   * branch's first sync). The store refuses a base that is no longer the branch's latest link.
   */
  baseSyncId: string | null;
  /**
   * The whole snapshot at treeSha. Omitted when that tree is already stored (a no-change sync: the
   * stored snapshot is reused without reading it), or when `diff` is all the store needs: the
   * snapshot is then written as the base's plus the diff, without reading either in full.
   */
  files?: RepositoryFile[];
  /**
   * Instead of `diff.added`, and of `files` when the sync never held them as objects: the
   * repository's first snapshot, every one of its `listed` entries written to the prewritten file as
   * they were listed (complete()'s `opts.prewritten`, `SnapshotPrewrite.wrote`). `files`, when
   * given too, are those entries: written again should the prewritten file be gone.
   */
  listed?: number;
  /** Against the base's snapshot (everything added for a branch's first sync; empty with `listed`). */
  diff: SnapshotDiff;
  /**
   * Facts for every added or modified text file of `diff`, and for the base's `missingContent` files
   * fetched at last (the store attaches lifecycle fields).
   */
  memory: MemoryFacts[];
  /**
   * The extractor that made `memory` and every fact the link keeps from its base (the record's
   * `memoryExtractor`). Absent: unknown, and the branch's next sync analyses every file again.
   */
  memoryExtractor?: string;
  /** Text files whose content is still missing (the record's `missingContent`). Default none. */
  missingContent?: RepositoryFile[];
  /**
   * The memory of this link's changed files follows in `completeMemory` (the snapshot is committed
   * first: a large sync's snapshot is browsable and restorable while its files are analysed). The
   * record says `memoryIncomplete` until then; `memory` is then empty.
   */
  memoryPending?: boolean;
  stats: SyncStats;
}

/**
 * The second step of a two-step commit: the memory of the files the link changed, written as the
 * facts arrive (a large change's facts are never all held at once).
 */
export interface MemoryWriter {
  /** Queue facts for the link's memory file (validated now, written in the background). */
  add(facts: readonly MemoryFacts[]): void;
  /** Facts added so far. */
  readonly count: number;
  /**
   * Commit them (the link must still be the chain head): the record's `memoryIncomplete` goes, its
   * `missingContent` and stats are set. One atomic commit, like `complete`.
   */
  commit(input: { missingContent: RepositoryFile[]; stats: SyncStats; memoryExtractor?: string }): Promise<SyncRecord>;
  /** Give up: nothing is committed and the file goes. */
  abort(): Promise<void>;
}

/**
 * A snapshot's file written while the snapshot is listed (`HistoryStore.prewriteSnapshot`): the
 * listing hands it the list as it grows, and `complete()` only ends the file when the snapshot it
 * stores is that very list; otherwise the file goes and the snapshot is written as usual.
 */
export interface SnapshotPrewrite {
  /** The listing so far (OnListed). Never throws. */
  listed: OnListed;
  /** A lean listing's next piece (OnPiece): entries that follow the last one written. Never throws. */
  piece: OnPiece;
  /** Whether the file holds a lean listing's `count` entries, every one written, in path order. */
  wrote(count: number): boolean;
  /** Remove the file unless complete() took it (a no-op then). */
  abort(): Promise<void>;
}

export interface StoreChange {
  kind: 'begin' | 'complete' | 'memory' | 'fail' | 'restore' | 'interrupted';
  syncId: string;
}

/** The history of syncs for one storage folder. Created by src/storage (`openHistoryStore`). */
export interface HistoryStore {
  readonly dir: string;
  /** Pick up what another process committed since this store last read its history (a version check when nothing changed). */
  reload(): Promise<void>;
  /** Every record, newest first. */
  list(): SyncRecord[];
  get(id: string): SyncRecord | undefined;
  /**
   * The active sync: the latest completed sync or restore of `repository` (of any repository when
   * absent). The one definition every caller uses: CLI, API, language-model tools, History, status bar.
   */
  activeSync(repository?: RepositoryRef): SyncRecord | undefined;
  /**
   * The base of a sync of `branch`: the latest completed sync or restore of the same repository and
   * branch (undefined before the branch's first sync). What "changed" is measured against.
   */
  baseFor(repository: RepositoryRef, branch: string): SyncRecord | undefined;
  /** The snapshot of a completed sync or restore; SYNC_NOT_FOUND for unknown ids. */
  readFiles(syncId: string): Promise<RepositoryFile[]>;
  /** Record a `running` attempt (previousSyncId null, startedAfterSyncId = chain head). */
  begin(input: { repository: RepositoryRef; branch: string }): Promise<SyncRecord>;
  /**
   * One atomic commit: the record becomes a completed link, its snapshot and memory supersession
   * land. `prewritten` (from prewriteSnapshot) is used when it holds `input.files`, or the
   * `input.listed` entries of a listing handed over in pieces (else removed; then a `listed` input
   * is refused: its files are nowhere else).
   */
  complete(syncId: string, input: CompleteSyncInput, opts?: { prewritten?: SnapshotPrewrite }): Promise<SyncRecord>;
  /**
   * For the repository's first link (no link of it yet, so its snapshot is a whole one with no
   * parent): a snapshot file to write while the tree at `treeSha` is listed. Undefined otherwise
   * (that snapshot would be a delta, or is stored already).
   */
  prewriteSnapshot?(syncId: string, treeSha: string): Promise<SnapshotPrewrite | undefined>;
  /** The memory step of a link committed with `memoryPending` (this process holds the storage lock). */
  openMemory(syncId: string): Promise<MemoryWriter>;
  /**
   * Facts the store already holds for these blobs (any link, any path, superseded or not) made by
   * `extractor` (a link's memoryExtractor), to reuse instead of reading and analysing a blob again.
   * Found through the store's blob index, reading only the facts found: no memory file is read whole
   * unless many of its facts are wanted.
   */
  knownFacts(files: readonly { blobSha: string }[], extractor: string): Promise<MemoryFacts[]>;
  /** The attempt ends without touching the chain. */
  fail(syncId: string, status: 'failed' | 'cancelled', error: { code: ErrorCode; message: string }, phase?: SyncRecord['phase']): Promise<SyncRecord>;
  /** Append a restore link whose snapshot and active memory equal `syncId`'s; its stats are against its base. */
  restore(syncId: string): Promise<SyncRecord>;
  /** Memory entries: active only unless includeSuperseded; ranked by query when given. */
  memory(opts?: { query?: string; includeSuperseded?: boolean; limit?: number; repository?: RepositoryRef }): Promise<MemoryEntry[]>;
  /** Memory entries that were active right after `syncId` completed. */
  memoryAt(syncId: string): Promise<MemoryEntry[]>;
  readonly etags: EtagCache;
  readonly onDidChange: Event<StoreChange>;
  /** Flush pending cache writes (etags). */
  close(): Promise<void>;
}
