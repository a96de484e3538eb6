// Environment knobs of the CLI beyond GITHUB_TOKEN and PROJECT_SYNC_LOG:
//   PROJECT_SYNC_GIT            the git binary for the fast paths, or `none` for the portable
//                               isomorphic-git path (default: `git` on PATH, when there is one)
//   PROJECT_SYNC_PARSERS=1      memory symbols from tree-sitter parsers (slower; default: regexes)
//   PROJECT_SYNC_TIMEOUT_MS     a GitHub request or git transfer silent this long fails (default 60000)
//   PROJECT_SYNC_RETRY_BASE_MS  first back-off before retrying a 5xx/dropped connection, of a GitHub
//                               request or a git transfer (default 1000)
//   PROJECT_SYNC_THREADS        worker threads for the memory facts of a change of 2,000 files or
//                               more, 0 to 16 (more counts as 16); 0: the command's own thread
//                               (default: none on 2 cores or fewer, else one less than the cores,
//                               at most 4). Not the search index's worker (memory --query).
//   HTTPS_PROXY/https_proxy/HTTP_PROXY/http_proxy, NO_PROXY/no_proxy
//                               proxy for GitHub requests and git transfers; loopback hosts
//                               bypass it unless NO_PROXY is set (an empty NO_PROXY proxies all)
import { proxyFromEnv, type EngineOptions } from '../engine';

type Knobs = Pick<EngineOptions, 'requestTimeoutMs' | 'retryBaseMs' | 'gitPath' | 'proxy' | 'noProxy' | 'memoryParsers' | 'memoryWorkers'>;

export function envKnobs(env: NodeJS.ProcessEnv): Knobs {
  const knobs: Knobs = {};
  if (env.PROJECT_SYNC_GIT) knobs.gitPath = env.PROJECT_SYNC_GIT;
  if (env.PROJECT_SYNC_PARSERS === '1') knobs.memoryParsers = true;
  const timeout = millis(env.PROJECT_SYNC_TIMEOUT_MS);
  if (timeout !== undefined) knobs.requestTimeoutMs = timeout;
  const retry = millis(env.PROJECT_SYNC_RETRY_BASE_MS);
  if (retry !== undefined) knobs.retryBaseMs = retry;
  const threads = env.PROJECT_SYNC_THREADS;
  if (threads !== undefined && /^(0|[1-9]\d?)$/.test(threads)) knobs.memoryWorkers = Math.min(Number(threads), MAX_THREADS);
  const proxy = proxyFromEnv(env);
  if (proxy) knobs.proxy = proxy.url;
  if (proxy?.noProxy !== undefined) knobs.noProxy = proxy.noProxy;
  return knobs;
}


/** More workers than this gain nothing (the blobs' reader is one process) and each costs an isolate. */
const MAX_THREADS = 16;

function millis(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
