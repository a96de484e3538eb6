import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { DOCS, type RequestLogEntry, type ServerSwitches } from './types.js';

/** One request/response pair: counts the bytes it sends into the request log. */
export class Exchange {
  /** True once the request has reached an endpoint that costs primary rate limit. */
  charge = false;
  readonly requestId: string;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly entry: RequestLogEntry,
  ) {
    this.requestId = createHash('sha1').update(`${entry.at}:${Math.random()}`).digest('hex').slice(0, 16).toUpperCase();
  }

  head(status: number, headers: OutgoingHttpHeaders): void {
    this.entry.status = status;
    this.res.writeHead(status, headers);
  }

  /** Write with backpressure: resolves when the socket can take more. */
  write(chunk: Buffer | string): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.entry.bytes += buf.length;
    if (this.res.write(buf)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  end(chunk?: Buffer | string): void {
    if (chunk !== undefined) this.entry.bytes += Buffer.byteLength(chunk);
    this.res.end(chunk);
  }

  get closed(): boolean {
    return this.res.destroyed;
  }
}

export function strongEtag(data: string | Buffer): string {
  return `"${createHash('sha256').update(data).digest('hex')}"`;
}

/** Does `If-None-Match` name this ETag (strong or weak form, lists, `*`)? */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** GitHub refills the primary limit once the reset time has passed. */
export function refreshRateLimit(switches: ServerSwitches, now = Date.now()): void {
  const rl = switches.rateLimit;
  if (now >= rl.resetAt * 1000) {
    rl.remaining = rl.limit;
    rl.resetAt = Math.floor(now / 1000) + 3600;
  }
}

export function rateLimitHeaders(switches: ServerSwitches): Record<string, string> {
  const rl = switches.rateLimit;
  return {
    'x-ratelimit-limit': String(rl.limit),
    'x-ratelimit-remaining': String(rl.remaining),
    'x-ratelimit-used': String(rl.limit - rl.remaining),
    'x-ratelimit-reset': String(rl.resetAt),
    'x-ratelimit-resource': 'core',
  };
}

export function baseHeaders(ex: Exchange): Record<string, string> {
  return {
    server: 'GitHub.com',
    'x-github-request-id': ex.requestId,
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'access-control-expose-headers':
      'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-GitHub-SSO, X-GitHub-Request-Id',
  };
}

/** The headers of a REST answer; a non-304 answer to a charged request costs one unit. */
export function restHeaders(ex: Exchange, switches: ServerSwitches, status: number): Record<string, string> {
  if (ex.charge && status !== 304) {
    switches.rateLimit.remaining = Math.max(0, switches.rateLimit.remaining - 1);
  }
  return { ...baseHeaders(ex), ...rateLimitHeaders(switches) };
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export interface JsonOptions {
  headers?: Record<string, string>;
}

/** A JSON answer: strong ETag on 200 GETs, 304 (free) when `If-None-Match` matches. */
export function sendJson(ex: Exchange, switches: ServerSwitches, status: number, body: unknown, opts: JsonOptions = {}): void {
  const text = pretty(body);
  const extra: Record<string, string> = { ...opts.headers };
  if (status === 200 && ex.req.method === 'GET') {
    const etag = strongEtag(text);
    extra.etag = etag;
    extra['cache-control'] = 'private, max-age=60, s-maxage=60';
    extra.vary = 'Accept, Authorization, Cookie, X-GitHub-OTP';
    if (etagMatches(ex.req.headers['if-none-match'], etag)) {
      ex.head(304, { ...restHeaders(ex, switches, 304), ...extra });
      ex.end();
      return;
    }
  }
  const headers = {
    ...restHeaders(ex, switches, status),
    ...extra,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  };
  ex.head(status, headers);
  ex.end(text);
}

export function sendError(
  ex: Exchange,
  switches: ServerSwitches,
  status: number,
  message: string,
  opts: JsonOptions & { documentationUrl?: string } = {},
): void {
  const body = { message, documentation_url: opts.documentationUrl ?? DOCS, status: String(status) };
  sendJson(ex, switches, status, body, opts);
}
