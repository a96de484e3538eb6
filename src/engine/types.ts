// The composed engine: the real GitHub connector, history store and content sources behind one
// object. The CLI and the extension both use it; neither wires the layers itself.
import type { Logger } from '../core/logger';
import type { FactsPool } from '../core/memory/pool';
import type { HeadCheck, HistoryStore } from '../core/ports';
import type { SyncEvent, SyncRequest } from '../core/syncEvents';
import type { BranchInfo, RemoteRepository, SyncRecord } from '../core/types';

export interface EngineOptions {
  /**
   * The storage folder (the extension: context.storageUri; the CLI: --storage). Created when missing.
   * Absent: an engine that only reaches the remote (branches, heads); `store` is then unavailable.
   */
  storageDir?: string;
  /** false: `storageDir` must already hold a store (SYNC_NOT_FOUND "There is no Project Sync storage at …"). Default true. */
  createStorage?: boolean;
  logger: Logger;
  /** Returns the token to use for a host, or undefined to go unauthenticated. Never stored or logged by us. */
  getToken?: (host: string) => Promise<string | undefined> | string | undefined;
  /**
   * Symbols from real parsers (tree-sitter tags queries) instead of the regex extraction. Off by
   * default: the parse runs at 2.5–3.5 MB/s per core against the regexes' 32 MB/s, and took the 100k
   * benchmark's first sync to memory complete in 79 s against 18.6 s (README, Project memory).
   */
  memoryParsers?: boolean;
  /** Tests only: the folder of the memory parsers' grammar .wasm files (default the packaged ones). */
  memoryGrammarsDir?: string;
  /** Tests only: wraps each sync's memory worker pool (a test's never answers, to cancel a sync stuck in it). */
  wrapFactsPool?: (pool: FactsPool) => FactsPool;
  /**
   * Where memory facts are computed. 'large' (the CLI): in worker threads for a change of 2,000 files
   * or more, on this thread below (starting a worker costs a short-lived process more than a small
   * analysis). 'always' (the extension): every analysis in worker threads, kept between syncs and
   * stopped after a minute without work, so the extension host's main thread never parses. Default 'large'.
   */
  memoryThreads?: 'large' | 'always';
  /**
   * 'large' only: how many worker threads a large change's facts are computed in (a whole number; 0
   * analyses them on this thread, where a cancel waits for the file being analysed). Default
   * memoryWorkersFor(the machine's cores).
   */
  memoryWorkers?: number;
  /** Text files larger than this get no content or memory facts. Default 1 MB. */
  maxFileSize?: number;
  /** Rate-limit waits longer than this fail with RATE_LIMITED. Default 60 s. */
  maxWaitSeconds?: number;
  /** How long a second sync waits for the storage lock before LOCKED. Default 10 s. */
  lockWaitMs?: number;
  /** Tests only: from how many files to read a sync commits in two steps (default LARGE_CHANGE_FILES, 2000). */
  largeChangeFiles?: number;
  /** Tests only: awaited between a large sync's snapshot step and its memory step. */
  afterSnapshotSaved?: (sync: SyncRecord) => Promise<void>;
  /** The git binary for fast paths (VS Code's git.path; default `git` on PATH); `none` forces the portable isomorphic-git path. */
  gitPath?: string;
  /** A GitHub request or git transfer silent for this long fails as a dropped connection. Default 60 s. */
  requestTimeoutMs?: number;
  /** First back-off before retrying a 5xx or dropped connection (REST and pack transfers), doubled each retry. Default 1 s. */
  retryBaseMs?: number;
  /** Proxy for GitHub requests and git transfers (the CLI: HTTPS_PROXY; the extension: http.proxy). */
  proxy?: string;
  /** Hosts that bypass `proxy`, NO_PROXY syntax. Absent: loopback hosts bypass; '' proxies everything. */
  noProxy?: string;
  /** Tests only: called before every storage write step (see OpenStoreOptions.failpoint). */
  failpoint?: (step: string) => void;
}

export interface ReadFileOptions {
  /** false: only stored content and local git objects; undefined when missing there. Default true. */
  network?: boolean;
}

export interface Engine {
  readonly store: HistoryStore;
  /** Resolve the workspace's GitHub remote (NO_GIT_REPO, NO_REMOTE, UNSUPPORTED_REMOTE). */
  resolveRemote(workdir: string, remoteName?: string): Promise<RemoteRepository>;
  /** The current local branch of the work tree, if any. */
  currentBranch(workdir: string): Promise<string | undefined>;
  /** Every branch of the remote (ETag-cached), default branch flagged. */
  branches(workdir: string, remoteName?: string, signal?: AbortSignal): Promise<BranchInfo[]>;
  /** Run one sync. Yields events; returns the completed record or throws a SyncError. */
  sync(request: SyncRequest, signal?: AbortSignal): AsyncGenerator<SyncEvent, SyncRecord>;
  /** Append a restore of `syncId` (under the storage lock). */
  restore(syncId: string, signal?: AbortSignal): AsyncGenerator<SyncEvent, SyncRecord>;
  /** Content of a file at a sync, from stored content, local git objects, or (unless `network: false`) the network. */
  readFile(syncId: string, path: string, signal?: AbortSignal, options?: ReadFileOptions): Promise<Uint8Array | undefined>;
  /** The branch head with ONE conditional request (the ref; a 304 when unchanged costs no rate limit). */
  headOf(workdir: string, branch: string, remoteName?: string, signal?: AbortSignal): Promise<HeadCheck>;
  close(): Promise<void>;
}
