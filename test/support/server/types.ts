export interface RequestLogEntry {
  method: string;
  /** Raw path and query as received. */
  path: string;
  status: number;
  /** Response body bytes. */
  bytes: number;
  kind: 'rest' | 'git';
  ifNoneMatch: boolean;
  at: number;
}

export interface FailureSwitch {
  kind: '500' | '502' | 'drop' | 'slow';
  /** Substring of the path; absent matches every request. */
  match?: string;
  count: number;
  delayMs?: number;
}

export interface ServerSwitches {
  /** A recursive tree with more entries than this is truncated to the first N (also past 7 MB of JSON). */
  truncateTreeOver: number;
  perPageMax: number;
  /** Primary limit: decremented per non-304 REST request. */
  rateLimit: { limit: number; remaining: number; resetAt: number };
  /** The next `count` REST requests get a secondary-rate-limit 403. */
  secondary: null | { retryAfter?: number; count: number };
  /** Fault injection, consumed in order. */
  failures: FailureSwitch[];
  latencyMs: number;
  /** When set, authenticated requests get 403 with `X-GitHub-SSO: required; url=<ssoUrl>`. */
  ssoUrl: string | null;
}

export function defaultSwitches(): ServerSwitches {
  return {
    truncateTreeOver: 100_000,
    perPageMax: 100,
    rateLimit: { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 },
    secondary: null,
    failures: [],
    latencyMs: 0,
    ssoUrl: null,
  };
}

/** The JSON size past which GitHub truncates a recursive tree. */
export const TREE_JSON_CAP = 7 * 1024 * 1024;
export const DOCS = 'https://docs.github.com/rest';
