// The one place an Octokit is built: base URL, auth, user agent, and hooks that log
// every exchange with its rate-limit headers — never a token.
import { Octokit } from '@octokit/rest';
import { SyncError } from '../core/errors';
import { redact, type Logger } from '../core/logger';
import { httpFetch } from './httpFetch';
import { redactProxyUrl } from './proxy';
import { proxiedFetch } from './proxyFetch';

export const USER_AGENT = 'project-sync';

export interface OctokitOptions {
  baseUrl: string;
  token?: string;
  logger: Logger;
  /** Default signal for every request (each call may pass its own through `request.signal`). */
  signal?: AbortSignal;
  /** Send every request through this proxy (already checked against NO_PROXY); direct when absent. */
  proxy?: string;
}

type Headers = Record<string, string | number | undefined>;

/** `remaining/limit (resource) resets HH:MM:SS` from GitHub's rate-limit headers, or '' when absent. */
export function describeRateLimit(headers: Headers): string {
  const remaining = headers['x-ratelimit-remaining'];
  const limit = headers['x-ratelimit-limit'];
  if (remaining === undefined || limit === undefined) return '';
  const reset = Number(headers['x-ratelimit-reset']);
  const resetText = Number.isFinite(reset) ? ` resets ${new Date(reset * 1000).toISOString()}` : '';
  const resource = headers['x-ratelimit-resource'] ? ` ${String(headers['x-ratelimit-resource'])}` : '';
  return `rate${resource} ${String(remaining)}/${String(limit)}${resetText}`;
}

export function createOctokit(options: OctokitOptions): Octokit {
  const { logger } = options;
  // Only an explicit proxy gets its own dispatcher; otherwise node:http (httpFetch), which VS Code's
  // proxy support patches in the extension host as it patches global fetch.
  if (options.proxy) logger.debug(`requests to ${options.baseUrl} go through the proxy ${redactProxyUrl(options.proxy)}`);
  const octokit = new Octokit({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    auth: options.token || undefined,
    userAgent: USER_AGENT,
    request: {
      ...(options.signal ? { signal: options.signal } : {}),
      fetch: boundErrorBodies(sameOriginRedirects(options.proxy ? proxiedFetch(options.proxy) : httpFetch, Boolean(options.token))),
    },
    log: {
      debug: (m: string) => logger.trace(redact(m)),
      info: (m: string) => logger.debug(redact(m)),
      warn: (m: string) => logger.warn(redact(m)),
      // Octokit's request log reports every non-2xx answer as an error, a 304 (our conditional
      // requests' "unchanged") included: that one is a normal answer.
      error: (m: string) => (/ - 304 with id /.test(m) ? logger.debug(redact(m)) : logger.error(redact(m))),
    },
  });
  octokit.hook.after('request', (response, request) => {
    const rate = describeRateLimit(response.headers as Headers);
    logger.debug(redact(`${request.method} ${request.url} -> ${response.status}${rate ? ` (${rate})` : ''}`));
  });
  octokit.hook.error('request', (error, request) => {
    const response = (error as { response?: { headers?: Headers } }).response;
    const status = (error as { status?: number }).status;
    const rate = response?.headers ? describeRateLimit(response.headers) : '';
    if (status !== 304) {
      logger.debug(redact(`${request.method} ${request.url} -> ${status ?? 'error'}${rate ? ` (${rate})` : ''}: ${(error as Error).message}`));
    }
    throw error;
  });
  return octokit;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Redirects followed within the origin before giving up, as fetch does. */
const MAX_REDIRECTS = 20;

/**
 * With a token, redirects are followed only within the origin they come from, token and all. One to
 * another origin fails with NETWORK before anything is sent there, as the git transfer does: fetch
 * would drop the token and go on, and that host's answer to an unauthenticated request (a private
 * repository's 404, a 401) would read as a wrong token or a missing repository. Without a token,
 * redirects are followed as fetch does.
 */
export function sameOriginRedirects(inner: typeof fetch, hasToken: boolean): typeof fetch {
  if (!hasToken) return inner;
  return (async (input: Parameters<typeof fetch>[0], init: RequestInit = {}) => {
    if (init.redirect === 'manual' || init.redirect === 'error' || (typeof input !== 'string' && !(input instanceof URL))) return inner(input, init);
    let url = new URL(String(input));
    let request: RequestInit = { ...init, redirect: 'manual' };
    for (let hops = 0; ; hops++) {
      const res = await inner(url.href, request);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location) return res;
      await res.body?.cancel().catch((cancelError: unknown) => cancelError);
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        throw new SyncError('NETWORK', `${url.host} redirected ${redact(`${request.method ?? 'GET'} ${url.pathname}`)} to another address (${redact(next.origin)}); Project Sync sends the token only to the remote's own address, so it does not follow redirects elsewhere.`, {
          hint: 'If the server moved, point the remote at its new address (git remote set-url origin URL).',
        });
      }
      if (hops >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error(`redirect count exceeded (${res.status} to ${redact(next.href)})`) });
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && (request.method ?? 'GET').toUpperCase() === 'POST')) {
        const headers = new Headers(request.headers);
        headers.delete('content-type');
        headers.delete('content-length');
        request = { ...request, method: 'GET', body: null, headers };
      }
      url = next;
    }
  }) as typeof fetch;
}

/** Octokit reads an error answer's body whole; we keep at most this much of it (GitHub's are a few hundred bytes). */
export const ERROR_BODY_LIMIT = 1024 * 1024;

/** A fetch whose non-2xx answers carry at most ERROR_BODY_LIMIT bytes of body (the rest is never read). */
export function boundErrorBodies(inner: typeof fetch): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const res = await inner(input, init);
    if ((res.status >= 200 && res.status < 300) || !res.body) return res;
    let left = ERROR_BODY_LIMIT;
    const cut = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (chunk.byteLength >= left) {
          controller.enqueue(chunk.subarray(0, left));
          controller.terminate();
          left = 0;
          return;
        }
        left -= chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const bounded = new Response(res.body.pipeThrough(cut), { status: res.status, statusText: res.statusText, headers: res.headers });
    Object.defineProperty(bounded, 'url', { value: res.url });
    return bounded;
  }) as typeof fetch;
}
