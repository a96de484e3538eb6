// GitHubConnector over REST: repository, branches, branch heads, trees and blobs of one repository.
import { isSyncError, SyncError } from '../core/errors';
import { redact, scoped, type Logger } from '../core/logger';
import { DEFAULT_RETRY_POLICY } from '../core/retry';
import type { CompareStatus, EtagCache, GitHubConnector, HeadCheck, NetworkHooks } from '../core/ports';
import type { BranchHead, BranchInfo, RemoteRepository, RepositoryFile, RepositoryInfo } from '../core/types';
import { createOctokit } from './octokit';
import { nextPageUrl } from './pagination';
import { Requester } from './requester';
import { branchListSchema, commitSchema, compareSchema, parseShape, refSchema, repoSchema, treeSchema, type GitCommit, type GitTree } from './shapes';
import { createLimiter, type Sleep } from './sleep';
import { walkTree } from './tree';

export interface GitHubConnectorOptions {
  repository: RemoteRepository;
  token?: string;
  logger: Logger;
  hooks?: NetworkHooks;
  /** Conditional-request cache; the store's persists across processes. In memory when absent. */
  etags?: EtagCache;
  /** Longest rate-limit wait before failing with RATE_LIMITED (default 60 s). */
  maxWaitSeconds?: number;
  /** Parallel tree requests when descending a truncated tree (default 8). */
  concurrency?: number;
  /** Retries of 5xx answers and dropped connections (default 3). */
  retries?: number;
  /** First retry back-off in ms, doubled each retry (default 1000). */
  retryBaseMs?: number;
  /** A request silent for this long fails as a dropped connection and is retried (default 60 s; 0 disables). */
  timeoutMs?: number;
  /** Replaces the real timer (tests). */
  sleep?: Sleep;
  /** The proxy for this repository's API (see proxyFor); direct when absent. */
  proxy?: string;
}

export function memoryEtagCache(): EtagCache {
  const map = new Map<string, { etag: string; body: unknown }>();
  return { get: (key) => map.get(key), set: (key, etag, body) => void map.set(key, { etag, body }) };
}

const RAW = 'application/vnd.github.raw+json';
/** Branch pages followed at most (100 per page: 10,000 branches); past that the listing fails clearly. */
export const MAX_BRANCH_PAGES = 100;
/** A GitHub answer that stays silent this long is treated as a dropped connection. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export function createGitHubConnector(opts: GitHubConnectorOptions): GitHubConnector {
  const { repository } = opts;
  const logger = scoped(opts.logger, 'github');
  const hasToken = Boolean(opts.token);
  const octokit = createOctokit({
    baseUrl: repository.apiBaseUrl,
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
    logger,
  });
  const requester = new Requester({
    octokit,
    logger,
    hooks: opts.hooks ?? {},
    etags: opts.etags ?? memoryEtagCache(),
    hasToken,
    host: repository.host,
    repoLabel: `${repository.owner}/${repository.name} on ${repository.host}`,
    maxWaitSeconds: opts.maxWaitSeconds ?? 60,
    retries: opts.retries ?? DEFAULT_RETRY_POLICY.retries,
    retryBaseMs: opts.retryBaseMs ?? DEFAULT_RETRY_POLICY.retryBaseMs,
    timeoutMs: opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  const limit = createLimiter(opts.concurrency ?? 8);
  const repoParams = { owner: repository.owner, repo: repository.name };
  const commits = new Map<string, GitCommit>();
  const trees = new Map<string, Promise<RepositoryFile[]>>();
  const label = `${repository.owner}/${repository.name}`;

  async function fetchRepository(signal?: AbortSignal): Promise<RepositoryInfo> {
    const ex = await requester.request({ route: 'GET /repos/{owner}/{repo}', params: repoParams, target: 'repository', conditional: true }, signal);
    const repo = parseShape(repoSchema, ex.data, `repository ${label}`);
    return { defaultBranch: repo.default_branch, private: repo.private, htmlUrl: repo.html_url };
  }

  async function fetchBranches(signal?: AbortSignal): Promise<BranchInfo[]> {
    const info = await fetchRepository(signal);
    const branches: BranchInfo[] = [];
    const visited = new Set<string>();
    let ex = await requester.request(
      { route: 'GET /repos/{owner}/{repo}/branches', params: { ...repoParams, per_page: 100 }, target: 'repository', conditional: true },
      signal,
    );
    for (;;) {
      for (const b of parseShape(branchListSchema, ex.data, `branches of ${label}`)) {
        branches.push({ name: b.name, commitSha: b.commit.sha, protected: b.protected ?? false, isDefault: b.name === info.defaultBranch });
      }
      const next = nextPageUrl(ex.link);
      if (!next || visited.has(next)) return branches;
      if (!sameApi(next, repository.apiBaseUrl)) {
        throw new SyncError('NETWORK', `${repository.host} linked the next page of branches to another address (${redact(next)}); Project Sync follows links only within ${repository.apiBaseUrl}.`, {
          hint: 'Check the remote URL and your proxy settings.',
        });
      }
      if (visited.size + 1 >= MAX_BRANCH_PAGES) {
        throw new SyncError('NETWORK', `${label} has more than ${MAX_BRANCH_PAGES * 100} branches; Project Sync lists at most ${MAX_BRANCH_PAGES} pages of them.`, {
          hint: 'Sync a branch by its name instead (project-sync sync --branch NAME).',
        });
      }
      visited.add(next);
      ex = await requester.request({ route: `GET ${next}`, target: 'repository', conditional: true }, signal);
    }
  }

  async function fetchRef(branch: string, signal?: AbortSignal) {
    const ex = await requester
      .request({ route: 'GET /repos/{owner}/{repo}/git/ref/heads/{branch}', params: { ...repoParams, branch }, target: 'branch', conditional: true }, signal)
      .catch((e: unknown) => explainMissingBranch(e, branch, signal));
    const ref = parseShape(refSchema, ex.data, `branch ${branch}`);
    if (ref.ref !== `refs/heads/${branch}` || ref.object.type !== 'commit') {
      logger.warn(`Asked for refs/heads/${branch}, the server answered ${ref.ref} (${ref.object.type}).`);
      throw branchNotFound(branch);
    }
    return { sha: ref.object.sha, ex };
  }

  async function fetchBranchRef(branch: string, signal?: AbortSignal): Promise<HeadCheck> {
    const { sha, ex } = await fetchRef(branch, signal);
    return { commitSha: sha, notModified: ex.status === 304, ...ex.meta };
  }

  async function compareCommits(base: string, head: string, signal?: AbortSignal): Promise<CompareStatus> {
    const ex = await requester.request(
      // Not conditional: a comparison of two given commits is never asked again, and its body
      // (hundreds of KB on a big repository) must not fill the persisted ETag cache.
      { route: 'GET /repos/{owner}/{repo}/compare/{basehead}', params: { ...repoParams, basehead: `${base}...${head}`, per_page: 1 }, target: 'object' },
      signal,
    );
    return parseShape(compareSchema, ex.data, `comparison ${base}...${head}`).status;
  }

  async function fetchBranchHead(branch: string, signal?: AbortSignal, onRef?: (commitSha: string) => void): Promise<BranchHead> {
    const { sha } = await fetchRef(branch, signal);
    onRef?.(sha);
    const commit = await fetchCommit(sha, signal);
    return {
      branch,
      commitSha: commit.sha,
      treeSha: commit.tree.sha,
      commitMessage: commit.message ?? null,
      parents: commit.parents.map((p) => p.sha),
    };
  }

  /** A 404 without a token may mean a private repository rather than a missing branch. */
  async function explainMissingBranch(e: unknown, branch: string, signal?: AbortSignal): Promise<never> {
    if (!isSyncError(e, 'BRANCH_NOT_FOUND')) throw e;
    if (!hasToken) await fetchRepository(signal);
    throw branchNotFound(branch);
  }

  function branchNotFound(branch: string): SyncError {
    return new SyncError('BRANCH_NOT_FOUND', `The branch '${branch}' does not exist in ${label}.`, {
      hint: 'Choose a branch from the list of branches; it may have been renamed or deleted.',
    });
  }

  async function fetchCommit(sha: string, signal?: AbortSignal): Promise<GitCommit> {
    const known = commits.get(sha);
    if (known) return known;
    const ex = await requester.request(
      { route: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}', params: { ...repoParams, commit_sha: sha }, target: 'object', conditional: true, immutable: true },
      signal,
    );
    const commit = parseShape(commitSchema, ex.data, `commit ${sha}`);
    commits.set(sha, commit);
    return commit;
  }

  function getTree(sha: string, recursive: boolean, signal?: AbortSignal): Promise<GitTree> {
    const params = recursive ? { ...repoParams, tree_sha: sha, recursive: 1 } : { ...repoParams, tree_sha: sha };
    return limit(async () => {
      const ex = await requester.request({ route: 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', params, target: 'object' }, signal);
      return parseShape(treeSchema, ex.data, `tree ${sha}`);
    });
  }

  async function fetchTree(treeSha: string, o: { signal?: AbortSignal; onProgress?: (entries: number) => void } = {}): Promise<RepositoryFile[]> {
    // Siblings stop as soon as one subtree fails or the caller cancels.
    const inner = new AbortController();
    const onAbort = (): void => inner.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) inner.abort();
    try {
      const files = await walkTree(treeSha, {
        getTree: (sha, recursive) => getTree(sha, recursive, inner.signal),
        cache: trees,
        logger,
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
      return files.map((f) => ({ ...f }));
    } catch (e) {
      inner.abort();
      if (o.signal?.aborted) throw new SyncError('CANCELLED', 'The sync was cancelled.');
      throw e;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  async function fetchBlob(sha: string, signal?: AbortSignal): Promise<Uint8Array> {
    const ex = await requester.request<Uint8Array>(
      { route: 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', params: { ...repoParams, file_sha: sha }, target: 'object', expect: 'bytes', accept: RAW },
      signal,
    );
    return ex.data;
  }

  return {
    repository,
    fetchRepository,
    fetchBranches,
    fetchBranchHead,
    fetchTree,
    fetchBlob,
    fetchBranchRef,
    compareCommits,
    counters: () => requester.counters(),
  };
}

/** Whether a pagination link stays within the API base (same origin, under its path): the token goes nowhere else. */
export function sameApi(link: string, apiBaseUrl: string): boolean {
  let url: URL;
  let base: URL;
  try {
    url = new URL(link);
    base = new URL(apiBaseUrl);
  } catch {
    return false;
  }
  const prefix = base.pathname.replace(/\/+$/, '') + '/';
  return url.origin === base.origin && (prefix === '/' || url.pathname.startsWith(prefix));
}
