import type { RepositoryFile } from './types';

/** Where file content comes from during a sync: local git objects, a cache repository, or REST. */
export interface ContentFetcher {
  /** True when trees can be listed from local objects (the git-binary path). */
  readonly listsTreesLocally: boolean;
  /** The snapshot at `treeSha` from the workspace's or the cache's objects; undefined when neither holds it. */
  localTree(treeSha: string, signal?: AbortSignal): Promise<RepositoryFile[] | undefined>;
  /** Whether the cache repository holds this commit (a pack transfer then brings only new objects). */
  cacheHasCommit(commitSha: string): Promise<boolean>;
  /** One depth-1 pack transfer of the branch head into the cache repository. */
  prefetch(input: { branch: string }, signal?: AbortSignal): Promise<void>;
  /** What crossed the network for content so far (prefetch and ensure), and from where content came. */
  traffic(): ContentReport;
  /**
   * Make the content of `blobs` readable, choosing the cheapest path (local objects first, then
   * one bulk pack transfer or a few REST blobs). Reports blobs made available so far.
   */
  ensure(
    input: { commitSha: string; branch: string; blobs: readonly RepositoryFile[] },
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<ContentReport>;
  /** Stream the content of these blob shas (missing ones are skipped), in any order. */
  forEach(shas: readonly string[], fn: (sha: string, bytes: Uint8Array) => void, signal?: AbortSignal): Promise<void>;
  /** One blob, or undefined when it is in none of the sources. */
  read(sha: string, signal?: AbortSignal): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
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
