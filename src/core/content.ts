import type { RepositoryFile } from './types';

/** Where file content comes from during a sync: local git objects, a cache repository, or REST. */
export interface ContentFetcher {
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
