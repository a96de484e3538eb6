// The one choke point every REST call goes through: conditional requests against the ETag cache,
// byte counting, JSON checking, and the wait/retry loop driven by the pure classifier.
import type { Octokit } from '@octokit/rest';
import { isAbortError, SyncError, throwIfAborted } from '../core/errors';
import { redact, type Logger } from '../core/logger';
import type { EtagCache, NetworkHooks } from '../core/ports';
import { classifyFailure, type HttpFailure, type Target } from './errors';
import { abortableSleep, type Sleep } from './sleep';

export interface RequesterOptions {
  octokit: Octokit;
  logger: Logger;
  hooks: NetworkHooks;
  etags: EtagCache;
  hasToken: boolean;
  host: string;
  repoLabel: string;
  maxWaitSeconds: number;
  retries: number;
  retryBaseMs: number;
  /** A request that receives nothing for this long fails like a dropped connection (and is retried). */
  timeoutMs?: number;
  /**
   * A request not complete after this long fails (not retried), however steadily bytes trickle in.
   * Default: DEADLINE_FACTOR × timeoutMs (5 min for the default 60 s); none when timeoutMs is 0.
   */
  deadlineMs?: number;
  sleep?: Sleep;
}

export interface RequestSpec {
  /** `GET /repos/{owner}/{repo}/…` or `GET https://absolute/url` (pagination links). */
  route: string;
  params?: Record<string, string | number>;
  target: Target;
  /** Send If-None-Match with the cached ETag and reuse the cached body on 304. */
  conditional?: boolean;
  /** The answer never changes (objects by sha): a cached body is used without asking again. */
  immutable?: boolean;
  /** `json` (default) or `bytes` for raw media types. */
  expect?: 'json' | 'bytes';
  accept?: string;
}

export interface Exchange<T = unknown> {
  data: T;
  /** The `Link` header (also remembered for cached answers). */
  link: string | undefined;
  status: number;
  fromCache: boolean;
  /** Polling hints from the answer's headers (X-Poll-Interval, X-RateLimit-*), when sent. */
  meta?: ResponseMeta;
}

export interface ResponseMeta {
  /** GitHub's X-Poll-Interval: seconds to wait before polling again. */
  pollIntervalSeconds?: number;
  rateLimitRemaining?: number;
  /** X-RateLimit-Reset in epoch seconds. */
  rateLimitReset?: number;
}

interface CachedBody {
  data: unknown;
  link?: string;
}

/**
 * The most a response body may hold, counted after decompression (a small gzip body can inflate to
 * gigabytes). JSON answers: a recursive tree is GitHub's largest at 7 MB; blobs: GitHub serves at
 * most 100 MB. Past the limit the request fails at once with NETWORK and is not retried.
 */
export const RESPONSE_LIMITS = { json: 64 * 1024 * 1024, bytes: 128 * 1024 * 1024 } as const;
/** The overall deadline of one request, as a multiple of the idle timeout. */
export const DEADLINE_FACTOR = 5;

type ResponseLike = { status: number; headers: Record<string, string | number | undefined>; data: unknown; url?: string };

export class Requester {
  private requestCount = 0;
  private byteCount = 0;
  private readonly sleep: Sleep;

  constructor(private readonly opts: RequesterOptions) {
    this.sleep = opts.sleep ?? abortableSleep;
  }

  counters(): { requests: number; bytes: number } {
    return { requests: this.requestCount, bytes: this.byteCount };
  }

  async request<T = unknown>(spec: RequestSpec, signal?: AbortSignal): Promise<Exchange<T>> {
    let retryAttempt = 0;
    let rateLimitAttempt = 0;
    for (;;) {
      throwIfAborted(signal);
      let failure: HttpFailure;
      try {
        return (await this.once(spec, signal)) as Exchange<T>;
      } catch (e) {
        if (signal?.aborted || isAbortError(e)) throw new SyncError('CANCELLED', 'The sync was cancelled.');
        if (e instanceof SyncError) throw e;
        // A refusal inside the fetch (sameOriginRedirects) reaches us wrapped by Octokit as a 500.
        const cause = (e as { cause?: unknown } | null)?.cause;
        if (cause instanceof SyncError) throw cause;
        failure = toFailure(e);
      }
      const decision = classifyFailure(failure, {
        hasToken: this.opts.hasToken,
        target: spec.target,
        repoLabel: this.opts.repoLabel,
        host: this.opts.host,
        retryAttempt,
        rateLimitAttempt,
        retries: this.opts.retries,
        maxWaitSeconds: this.opts.maxWaitSeconds,
        retryBaseMs: this.opts.retryBaseMs,
        nowMs: Date.now(),
      });
      if (decision.kind === 'fail') throw decision.error;
      if (decision.reason === 'retry') retryAttempt++;
      else rateLimitAttempt++;
      this.opts.logger.info(`Waiting ${decision.seconds} s (${decision.reason}) before retrying ${redact(spec.route)}: ${failure.status || failure.message}`);
      this.opts.hooks.onWait?.({ reason: decision.reason, seconds: decision.seconds, ...(decision.resetAt ? { resetAt: decision.resetAt } : {}) });
      await this.sleep(decision.seconds * 1000, signal);
    }
  }

  /**
   * One exchange under an idle timeout and an overall deadline: silence past `timeoutMs` becomes a
   * status-0 failure (retried); an answer still incomplete at the deadline fails for good.
   */
  private async once(spec: RequestSpec, signal: AbortSignal | undefined): Promise<Exchange> {
    const idle = new IdleTimeout(this.opts.timeoutMs);
    const deadline = new IdleTimeout(this.opts.deadlineMs ?? (this.opts.timeoutMs ?? 0) * DEADLINE_FACTOR);
    const combined = AbortSignal.any(signal ? [signal, idle.signal, deadline.signal] : [idle.signal, deadline.signal]);
    try {
      return await this.exchange(spec, combined, () => idle.touch());
    } catch (e) {
      if (deadline.fired && !signal?.aborted) {
        throw new SyncError('NETWORK', `${this.opts.host} did not finish its answer to ${redact(spec.route)} within ${deadline.seconds} s.`, {
          hint: 'Check your connection and proxy, then run the command again.',
        });
      }
      if (idle.fired && !signal?.aborted) {
        throw Object.assign(new Error(`no answer within ${idle.seconds} s (request timeout)`), { status: 0 });
      }
      throw e;
    } finally {
      idle.clear();
      deadline.clear();
    }
  }

  private async exchange(spec: RequestSpec, signal: AbortSignal, onChunk: () => void): Promise<Exchange> {
    const { octokit } = this.opts;
    const headers: Record<string, string> = {};
    if (spec.accept) headers['accept'] = spec.accept;
    const key = spec.conditional ? cacheKey(octokit, spec) : undefined;
    const cached = key ? readCached(this.opts.etags, key) : undefined;
    if (cached && spec.immutable) return { data: cached.body.data, link: cached.body.link, status: 200, fromCache: true };
    if (cached) headers['if-none-match'] = cached.etag;
    const [method] = spec.route.split(' ');
    this.requestCount++;
    let response: ResponseLike;
    try {
      response = (await octokit.request(spec.route, {
        ...spec.params,
        headers,
        request: { signal, parseSuccessResponseBody: false },
      })) as ResponseLike;
    } catch (e) {
      const failed = (e as { response?: ResponseLike }).response;
      if (failed) {
        const bytes = errorBytes(failed);
        this.byteCount += bytes;
        this.report(method, failed.url ?? spec.route, failed.status, bytes);
        if (failed.status === 304 && cached) return { data: cached.body.data, link: cached.body.link, status: 304, fromCache: true, meta: responseMeta(failed.headers) };
      }
      throw e;
    }
    onChunk();
    const limit = spec.expect === 'bytes' ? RESPONSE_LIMITS.bytes : RESPONSE_LIMITS.json;
    const tooLarge = () =>
      new SyncError('NETWORK', `${this.opts.host} sent more than ${limit / 1024 / 1024} MB for ${redact(spec.route)}; Project Sync stops reading there.`, {
        hint: 'Check the remote URL and your proxy settings.',
      });
    const declared = Number(header(response.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > limit && !header(response.headers, 'content-encoding')) {
      await (response.data as ReadableStream | undefined)?.cancel?.().catch((cancelError: unknown) => cancelError);
      throw tooLarge();
    }
    const body = await readBody(response.data, signal, onChunk, limit, tooLarge);
    this.byteCount += body.byteLength;
    this.report(method, response.url ?? spec.route, response.status, body.byteLength);
    if (spec.expect === 'bytes') return { data: body, link: undefined, status: response.status, fromCache: false };
    const data = this.parseJson(body, response);
    const link = header(response.headers, 'link');
    const etag = header(response.headers, 'etag');
    if (key && etag) this.opts.etags.set(key, etag, link ? { data, link } : { data });
    return { data, link, status: response.status, fromCache: false, meta: responseMeta(response.headers) };
  }

  private parseJson(body: Uint8Array, response: ResponseLike): unknown {
    const type = header(response.headers, 'content-type') ?? '';
    const text = new TextDecoder().decode(body);
    if (/json/i.test(type) || (type === '' && /^\s*[[{]/.test(text))) {
      try {
        return JSON.parse(text);
      } catch (e) {
        throw notJson(this.opts.host, `its answer is not valid JSON (${(e as Error).message})`);
      }
    }
    throw notJson(this.opts.host, `it answered with ${type || 'an untyped body'} instead of JSON`);
  }

  private report(method: string | undefined, url: string, status: number, bytes: number): void {
    this.opts.hooks.onResponse?.({ method: method ?? 'GET', url: redact(url), status, bytes });
  }
}

/** Aborts its signal after `ms` without a `touch()`; never fires when `ms` is undefined or 0. */
class IdleTimeout {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;

  constructor(private readonly ms: number | undefined) {
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get seconds(): number {
    return (this.ms ?? 0) / 1000;
  }

  touch(): void {
    if (!this.ms || this.fired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort();
    }, this.ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

function notJson(host: string, what: string): SyncError {
  return new SyncError(
    'NETWORK',
    `${host} did not answer like the GitHub API: ${what}. A proxy, a captive portal or a wrong GitHub Enterprise address may be in the way.`,
    { hint: 'Check the remote URL and your proxy settings.' },
  );
}

function cacheKey(octokit: Octokit, spec: RequestSpec): string {
  const endpoint = octokit.request.endpoint(spec.route, { ...spec.params });
  return `${endpoint.method} ${endpoint.url}${spec.accept ? ` ${spec.accept}` : ''}`;
}

function readCached(etags: EtagCache, key: string): { etag: string; body: CachedBody } | undefined {
  const entry = etags.get(key);
  if (!entry || typeof entry.etag !== 'string' || typeof entry.body !== 'object' || entry.body === null || !('data' in entry.body)) {
    return undefined;
  }
  const body = entry.body as { data: unknown; link?: unknown };
  return { etag: entry.etag, body: { data: body.data, ...(typeof body.link === 'string' ? { link: body.link } : {}) } };
}

/** The polling hints of an answer's headers (absent or malformed ones are left out). */
export function responseMeta(headers: ResponseLike['headers'] | undefined): ResponseMeta {
  const num = (name: string): number | undefined => {
    const v = headers ? Number(header(headers, name)) : Number.NaN;
    return Number.isFinite(v) && v >= 0 ? v : undefined;
  };
  const meta: ResponseMeta = {};
  const poll = num('x-poll-interval');
  const remaining = num('x-ratelimit-remaining');
  const reset = num('x-ratelimit-reset');
  if (poll !== undefined) meta.pollIntervalSeconds = poll;
  if (remaining !== undefined) meta.rateLimitRemaining = remaining;
  if (reset !== undefined) meta.rateLimitReset = reset;
  return meta;
}

function header(headers: ResponseLike['headers'], name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
}

async function readBody(data: unknown, signal: AbortSignal | undefined, onChunk: () => void, limit: number, tooLarge: () => SyncError): Promise<Uint8Array> {
  const bounded = (bytes: Uint8Array): Uint8Array => {
    if (bytes.byteLength > limit) throw tooLarge();
    return bytes;
  };
  if (data instanceof Uint8Array) return bounded(data);
  if (data instanceof ArrayBuffer) return bounded(new Uint8Array(data));
  if (typeof data === 'string') return bounded(new TextEncoder().encode(data));
  if (!data || typeof (data as ReadableStream<Uint8Array>).getReader !== 'function') return new Uint8Array(0);
  const reader = (data as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      throwIfAborted(signal);
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw tooLarge();
      chunks.push(value);
      onChunk();
    }
  } catch (e) {
    await reader.cancel().catch((cancelError: unknown) => cancelError);
    if (e instanceof SyncError || isAbortError(e)) throw e;
    throw Object.assign(new Error(`connection dropped while reading the answer (${(e as Error).message})`), { status: 0 });
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function errorBytes(response: ResponseLike): number {
  const length = Number(response.headers['content-length']);
  if (Number.isFinite(length) && length >= 0) return length;
  if (typeof response.data === 'string') return new TextEncoder().encode(response.data).byteLength;
  if (response.data instanceof ArrayBuffer) return response.data.byteLength;
  return response.data ? new TextEncoder().encode(JSON.stringify(response.data)).byteLength : 0;
}

/** What the classifier needs from anything octokit or fetch threw. */
export function toFailure(e: unknown): HttpFailure {
  const err = e as { status?: unknown; message?: unknown; response?: ResponseLike };
  const message = typeof err.message === 'string' ? err.message : String(e);
  if (!err.response) return { status: 0, headers: {}, message };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.response.headers)) if (v !== undefined) headers[k.toLowerCase()] = String(v);
  const data = err.response.data;
  const apiMessage = typeof data === 'object' && data !== null && 'message' in data ? String((data as { message: unknown }).message) : undefined;
  const htmlBody = typeof data === 'string' && /^\s*</.test(data);
  return {
    status: err.response.status,
    headers,
    message: apiMessage ?? (htmlBody ? '' : typeof data === 'string' ? data.slice(0, 200) : message),
    ...(htmlBody ? { htmlBody } : {}),
  };
}
