// fetch() over node:http and node:https for the REST API. Node 20's global fetch (its bundled undici)
// compiles a WebAssembly HTTP parser on the first request and holds the process at exit until a
// background compile of it has finished: about 0.05 s before the first answer and 0.15 s after the
// last, on every CLI command that reaches GitHub (a no-change resync took 0.34 s, 0.17 s of it this).
// What Octokit and the requester use of fetch is small: a method, headers, a string or byte body, a
// signal, redirects followed like fetch does, an answer whose body streams. Anything else (a stream or
// form body, a Request object) goes to the global fetch. The answer is a WireResponse, not a global
// Response: touching Headers or Response loads Node's bundled undici (about 0.04 s of every CLI
// command); it has what a Response has that Octokit and our wrappers read.
import http from 'node:http';
import type https from 'node:https';
import { Readable } from 'node:stream';
import { nodeZlib } from '../core/builtins';

/** Redirects followed before giving up, as fetch does. */
const MAX_REDIRECTS = 20;
/** Statuses whose Response has no body (the constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** One keep-alive agent per protocol. node:https (and TLS under it) loads on the first https request: a CLI run against a local server never needs it. */
let plain: { lib: typeof http; agent: http.Agent } | undefined;
let secure: Promise<{ lib: typeof https; agent: https.Agent }> | undefined;

function transport(protocol: string): { lib: typeof http; agent: http.Agent } | Promise<{ lib: typeof https; agent: https.Agent }> | undefined {
  if (protocol === 'http:') return (plain ??= { lib: http, agent: new http.Agent({ keepAlive: true }) });
  if (protocol === 'https:') return (secure ??= import('node:https').then((m) => ({ lib: m.default, agent: new m.default.Agent({ keepAlive: true }) })));
  return undefined;
}

type Body = string | Uint8Array | undefined;

export const httpFetch = (async (input: Parameters<typeof fetch>[0], init: RequestInit = {}): Promise<Response> => {
  const body = init.body ?? undefined;
  if ((typeof input !== 'string' && !(input instanceof URL)) || (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array))) {
    return globalThis.fetch(input, init);
  }
  const headers = requestHeaders(init.headers);
  if (!headers.has('accept-encoding')) headers.set('accept-encoding', 'gzip, deflate, br');
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let payload: Body = body;
  for (let hops = 0; ; hops++) {
    const res = await send(url, method, headers, payload, init.signal ?? undefined);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (init.redirect !== 'manual' && [301, 302, 303, 307, 308].includes(status) && location) {
      res.resume();
      if (init.redirect === 'error' || hops >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error(`redirect count exceeded or redirects refused (${status} to ${location})`) });
      const next = new URL(location, url);
      // As fetch does: credentials never follow a redirect to another origin; 303 (and 301/302 of a POST) become a GET without a body.
      if (next.origin !== url.origin) for (const h of ['authorization', 'cookie', 'proxy-authorization']) headers.delete(h);
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        payload = undefined;
        for (const h of ['content-type', 'content-length']) headers.delete(h);
      }
      url = next;
      continue;
    }
    return toResponse(res, url, method, init.signal ?? undefined);
  }
}) as typeof fetch;

/** Request headers by lower-case name (as fetch sends them), from any HeadersInit. */
function requestHeaders(init: RequestInit['headers']): Map<string, string> {
  const out = new Map<string, string>();
  if (!init) return out;
  const pairs: Iterable<readonly [string, string]> = Array.isArray(init) || Symbol.iterator in init ? (init as Iterable<[string, string]>) : Object.entries(init);
  for (const [name, value] of pairs) out.set(name.toLowerCase(), String(value));
  return out;
}

/** Errors of a kept-alive connection the server closed as the request went out on it. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);
const STALE = Symbol('a kept-alive connection closed under the request');

async function send(url: URL, method: string, headers: Map<string, string>, body: Body, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
  const via = transport(url.protocol);
  if (!via) throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) });
  const { lib, agent } = await via;
  for (;;) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = lib.request(url, { method, headers: Object.fromEntries(headers), agent });
        const onAbort = () => req.destroy(abortReason(signal as AbortSignal));
        signal?.addEventListener('abort', onAbort, { once: true });
        req.on('response', (res) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(res);
        });
        req.on('error', (e: NodeJS.ErrnoException) => {
          signal?.removeEventListener('abort', onAbort);
          if (signal?.aborted) reject(abortReason(signal));
          // A server closes an idle kept-alive connection when it likes (Node's own, after 5 s): a
          // request written on it as it closes fails before any answer. Sent again at once, as
          // browsers do, where the request is safe to repeat: that failure is nobody's. Again while
          // the agent hands out kept-alive connections (another may be closing too); one it opens
          // is never reused, so this ends, and a failure there is told.
          else if (req.reusedSocket && (method === 'GET' || method === 'HEAD') && STALE_CONNECTION.has(e.code ?? '')) reject(STALE);
          else reject(new TypeError('fetch failed', { cause: e }));
        });
        req.end(body);
      });
    } catch (e) {
      if (e !== STALE) throw e;
    }
  }
}

function toResponse(res: http.IncomingMessage, url: URL, method: string, signal: AbortSignal | undefined): Response {
  const status = res.statusCode ?? 0;
  const headers = new WireHeaders();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  let stream: Readable = res;
  const empty = NULL_BODY.has(status) || method === 'HEAD';
  if (empty) {
    res.resume();
  } else {
    const encoding = (headers.get('content-encoding') ?? '').trim().toLowerCase();
    const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? nodeZlib().createGunzip() : encoding === 'deflate' ? nodeZlib().createInflate() : encoding === 'br' ? nodeZlib().createBrotliDecompress() : undefined;
    if (decoder) {
      res.on('error', (e) => decoder.destroy(e));
      stream = res.pipe(decoder);
    }
    // The body is read later (or never): an error meanwhile must not go unheard by the process; a
    // reader still meets it (the stream is destroyed with it).
    stream.on('error', () => undefined);
    if (signal) {
      const onAbort = () => {
        stream.destroy(abortReason(signal));
        res.destroy();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      stream.once('close', () => signal.removeEventListener('abort', onAbort));
    }
  }
  return new WireResponse(empty ? null : stream, status, res.statusMessage ?? '', headers, url.href) as unknown as Response;
}

/** Response headers as fetch's Headers reads them: names in lower case, repeated ones joined by ", ". */
export class WireHeaders {
  private readonly map = new Map<string, string>();

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const had = this.map.get(key);
    this.map.set(key, had === undefined ? value : `${had}, ${value}`);
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  forEach(fn: (value: string, name: string, headers: WireHeaders) => void): void {
    for (const [name, value] of this.entries()) fn(value, name, this);
  }
  /** Sorted by name, as fetch's Headers iterates. */
  entries(): IterableIterator<[string, string]> {
    return [...this.map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return [...this.entries()].map(([name]) => name)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return [...this.entries()].map(([, value]) => value)[Symbol.iterator]();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * What a fetch Response offers, over a node stream: status, headers, url, and the body once, as a
 * web stream (`body`, made on first use) or whole (text, json, arrayBuffer, bytes).
 */
export class WireResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  private used = false;
  private web: ReadableStream<Uint8Array> | null | undefined;

  constructor(
    private readonly stream: Readable | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: WireHeaders,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.web === undefined) this.web = this.stream ? (Readable.toWeb(this.stream) as ReadableStream<Uint8Array>) : null;
    return this.web;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    if (this.web) {
      const chunks: Uint8Array[] = [];
      const reader = this.web.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
      return Buffer.concat(chunks);
    }
    if (!this.stream) return new Uint8Array(0);
    const chunks: Buffer[] = [];
    for await (const chunk of this.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.bytes();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
}

/** What fetch rejects with when its signal aborts: the signal's reason, else an AbortError. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
