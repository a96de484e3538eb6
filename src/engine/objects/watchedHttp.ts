// isomorphic-git's HTTP client, watched: what the portable path's pack transfer needs to know that
// isomorphic-git's own HttpError leaves out (the Retry-After of a 429 or 503).
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

export interface WatchedHttp {
  client: HttpClient;
  /** The Retry-After header of the last answer that was a 429 or a 5xx, if it had one. */
  retryAfter(): string | undefined;
}

export function watchedGitHttp(inner: HttpClient): WatchedHttp {
  let retryAfter: string | undefined;
  return {
    retryAfter: () => retryAfter,
    client: {
      async request(req: GitHttpRequest): Promise<GitHttpResponse> {
        const res = await inner.request(req);
        const limited = res.statusCode === 429 || res.statusCode >= 500;
        retryAfter = limited ? header(res.headers, 'retry-after') : undefined;
        return res;
      },
    },
  };
}

function header(headers: GitHttpResponse['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return String(value);
  return undefined;
}
