// The git path's transfer of a commit whose sha the REST ref already named, in git's smart-HTTP
// protocol version 2 spoken here, its pack handed to `git index-pack` as it arrives. What `git fetch`
// adds around the same pack, measured on a 1% sync of 100k files: a chain of three processes (git,
// git remote-http, git-remote-http) before the first request, a ref listing (`ls-refs`) for a commit
// we already know, a connectivity check after the pack (`rev-list --objects`, which walks the whole
// base tree: 0.12 s at 100k files, 0.11 s on a first sync) and a `maintenance run --auto` process.
// Here: the capabilities (one GET, kept in the cache for the next transfers, see knownCapabilities),
// one POST `fetch` with `want <commit>`, `have <the cache's last head>`, the cache's shallow
// commits and `deepen 1` (what `git fetch --depth=1` sends), the pack into index-pack --fix-thin,
// then the shallow file and the ref written as git writes them (a lock file renamed into place).
// The connectivity check is not repeated: the sync reads what it needs (diff-tree the changed
// subtrees, cat-file the changed blobs), and a read that fails is a failed sync, not a wrong one.
// A server that does not speak version 2, or an answer this client does not understand, leaves the
// transfer to `git fetch` (pack.ts); so does a cache whose objects the pack could not complete.
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { GIT_SAFETY_ARGS } from './catFile';
import { PackStallError } from './watchedHttp';

/** The server or the answer is not what this client speaks: `git fetch` does the transfer instead. */
export class SmartHttpUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SmartHttpUnsupported';
  }
}

/** Statuses that mean the same whoever asks: auth, a missing repository, slow down, a server failing. */
const MEANINGFUL = new Set([401, 403, 404, 429]);

/**
 * An HTTP answer other than 200, shaped as classifyPackFailure reads isomorphic-git's HttpError; any
 * other refusal (a 400 or 415 for something in our request) leaves the transfer to git fetch.
 */
function refused(status: number, url: string, retryAfter: string | null): Error {
  if (!MEANINGFUL.has(status) && status < 500) return new SmartHttpUnsupported(`the server answered ${status} to the smart-HTTP client`);
  return httpError(status, url, retryAfter);
}

function httpError(status: number, url: string, retryAfter: string | null): Error {
  return Object.assign(new Error(`HTTP Error: ${status} from ${url}`), {
    code: 'HttpError',
    data: { statusCode: status },
    ...(retryAfter !== null ? { retryAfter } : {}),
  });
}

export interface SmartFetchOptions {
  /** The repository's clone URL (…/repo.git), without credentials. */
  url: string;
  token: string | undefined;
  /** fetch, direct or through the proxy (it must honour `redirect: 'manual'`). */
  fetchVia: typeof fetch;
  /** The git binary whose `index-pack` takes the pack; or, without one, `store` does (the portable path). */
  gitPath?: string;
  /** Takes the whole pack once it has come (see thinPack.ts storeThinPack). */
  store?: (pack: Buffer) => Promise<void>;
  gitDir: string;
  /** The commit to transfer (as the REST ref named it). */
  want: string;
  signal?: AbortSignal;
  /** A request whose answer (headers or the next chunk) keeps silent this long fails as a stall; 0: never. */
  stallMs: number;
  /** Told once the server has accepted the fetch request (200: the pack is on its way). */
  onTransfer?: () => void;
  /** Told once the answer is one this client reads (a protocol-v2 fetch answer: its first section's name, or an ERR line). */
  onUnderstood?: () => void;
  /** Told once the fetch request is on its way, before any answer: the caller may use the wait. */
  onPackRequested?: () => void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const USER_AGENT = 'git/project-sync';

function baseHeaders(token: string | undefined): Record<string, string> {
  return {
    'user-agent': USER_AGENT,
    'git-protocol': 'version=2',
    ...(token ? { authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` } : {}),
  };
}

/** A pkt-line of text (git's length-prefixed framing; every line here is ASCII). */
export function pktLine(text: string): string {
  return `${(text.length + 4).toString(16).padStart(4, '0')}${text}`;
}

export type Pkt = { kind: 'flush' | 'delim' | 'end' } | { kind: 'data'; data: Buffer };

/** Reads pkt-lines from chunks as they arrive: push a chunk, then take packets until none is whole. */
export class PktReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  push(chunk: Buffer): void {
    this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
  }

  /** The next whole packet, or undefined until more arrives. Throws on framing that is not pkt-lines. */
  next(): Pkt | undefined {
    if (this.buf.length - this.pos < 4) return undefined;
    const head = this.buf.toString('latin1', this.pos, this.pos + 4);
    if (!/^[0-9a-f]{4}$/.test(head)) throw new SmartHttpUnsupported(`the answer is not in pkt-lines (${JSON.stringify(head)})`);
    const len = Number.parseInt(head, 16);
    if (len < 4) {
      this.pos += 4;
      return { kind: len === 0 ? 'flush' : len === 1 ? 'delim' : 'end' };
    }
    if (len === 4) throw new SmartHttpUnsupported('an empty pkt-line');
    if (this.buf.length - this.pos < len) return undefined;
    const data = this.buf.subarray(this.pos + 4, this.pos + len);
    this.pos += len;
    return { kind: 'data', data };
  }

  /** Bytes left over that make no whole packet. */
  pending(): number {
    return this.buf.length - this.pos;
  }
}

function text(p: Pkt): string | undefined {
  return p.kind === 'data' ? p.data.toString('utf8').replace(/\n$/, '') : undefined;
}

/**
 * A fetch whose answer is watched for silence: the headers, then (through `chunks`) each body chunk,
 * must come within stallMs of the last sign of life; the request is aborted with a PackStallError
 * otherwise, and the caller's abort aborts it too.
 */
async function watchedRequest(o: Omit<SmartFetchOptions, 'want'>, url: string, init: RequestInit): Promise<{ res: Response; chunks: () => AsyncGenerator<Buffer>; stalled: () => PackStallError | undefined; done: () => void }> {
  const abort = new AbortController();
  let stall: PackStallError | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (o.stallMs <= 0) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      stall = new PackStallError(Math.round(o.stallMs / 1000));
      abort.abort(stall);
    }, o.stallMs);
  };
  // A signal that fired already fires no event: asked first.
  o.signal?.throwIfAborted();
  const onAbort = () => abort.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const done = () => {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  };
  arm();
  let res: Response;
  try {
    res = await o.fetchVia(url, { ...init, redirect: 'manual', signal: abort.signal });
  } catch (e) {
    done();
    throw stall ?? e;
  }
  arm();
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        yield Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      }
    } catch (e) {
      throw stall ?? e;
    } finally {
      done();
    }
  }
  return { res, chunks, stalled: () => stall, done };
}

export interface Capabilities {
  /** Where git-upload-pack is: the URL, or where a redirect of info/refs led (same origin, or any without a token). */
  base: string;
  /** The features of the `fetch` command (`shallow`, `filter`, …). */
  fetch: Set<string>;
  objectFormat: string | undefined;
  agent: boolean;
}

/**
 * The server's protocol-v2 capabilities (GET info/refs?service=git-upload-pack with Git-Protocol:
 * version=2). A redirect is followed within the remote's origin (the token never leaves it), and
 * anywhere without a token; with a token, one elsewhere fails as pack.ts says for git's.
 */
export async function capabilities(o: Omit<SmartFetchOptions, 'want'>): Promise<Capabilities> {
  let base = o.url.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  for (let hop = 0; ; hop++) {
    const asked = `${base}/info/refs?service=git-upload-pack`;
    const { res, chunks, done } = await watchedRequest(o, asked, { headers: baseHeaders(o.token) });
    const location = res.headers.get('location');
    if (REDIRECTS.has(res.status) && location && hop < MAX_REDIRECTS) {
      done();
      await res.body?.cancel().catch((e: unknown) => e);
      const next = new URL(location, asked);
      if (!next.pathname.endsWith('/info/refs') || (o.token && next.origin !== origin)) throw httpError(res.status, o.url, null);
      base = `${next.origin}${next.pathname.slice(0, -'/info/refs'.length)}`;
      continue;
    }
    if (res.status !== 200) {
      done();
      await res.body?.cancel().catch((e: unknown) => e);
      throw refused(res.status, o.url, res.headers.get('retry-after'));
    }
    if (!(res.headers.get('content-type') ?? '').startsWith('application/x-git-upload-pack-advertisement')) {
      done();
      await res.body?.cancel().catch((e: unknown) => e);
      throw new SmartHttpUnsupported(`the server is not a smart-HTTP git server (content-type ${res.headers.get('content-type') ?? 'none'})`);
    }
    const reader = new PktReader();
    const lines: string[] = [];
    for await (const c of chunks()) reader.push(c);
    for (let p = reader.next(); p; p = reader.next()) {
      const t = text(p);
      if (t !== undefined) lines.push(t);
    }
    // Some servers (GitHub among them) keep protocol v0's "# service=git-upload-pack" line before it.
    if (lines[0]?.startsWith('# service=')) lines.shift();
    if (lines[0] !== 'version 2') throw new SmartHttpUnsupported(`the server does not speak git protocol version 2 (${JSON.stringify(lines[0] ?? '')})`);
    const fetchLine = lines.find((l) => l === 'fetch' || l.startsWith('fetch='));
    if (fetchLine === undefined) throw new SmartHttpUnsupported('the server offers no fetch command');
    const objectFormat = lines.find((l) => l.startsWith('object-format='))?.slice('object-format='.length);
    return {
      base,
      fetch: new Set(fetchLine.startsWith('fetch=') ? fetchLine.slice('fetch='.length).split(' ') : []),
      objectFormat,
      agent: lines.some((l) => l.startsWith('agent=')),
    };
  }
}

/** The file of the cache repository that keeps its server's capabilities (see knownCapabilities). */
export const CAPABILITIES_FILE = 'project-sync-capabilities.json';

/**
 * The capabilities `url`'s server answered when they were last asked for in this cache, or
 * undefined. A transfer sends its fetch request with them, without asking again: one round trip
 * less a sync. A server whose answer has changed since refuses that request (a moved repository, a
 * protocol it no longer speaks), and they are asked again (fetchWithCapabilities). Kept only when
 * the remote answered at its own address (no redirect, see usableToKeep): the token then goes only
 * where a direct ask would send it.
 */
export async function knownCapabilities(gitDir: string, url: string): Promise<Capabilities | undefined> {
  const text = await fsp.readFile(path.join(gitDir, CAPABILITIES_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const fetch = v.fetch;
    if (v.url !== url || typeof v.base !== 'string') return undefined;
    if (!Array.isArray(fetch) || !fetch.every((f) => typeof f === 'string') || typeof v.agent !== 'boolean') return undefined;
    if (v.objectFormat !== undefined && typeof v.objectFormat !== 'string') return undefined;
    const caps: Capabilities = { base: v.base, fetch: new Set(fetch as string[]), objectFormat: v.objectFormat, agent: v.agent };
    return usableToKeep(caps, url) ? caps : undefined;
  } catch {
    return undefined;
  }
}

/** Where capabilities() starts: the remote's URL without trailing slashes. */
const baseOf = (url: string): string => url.replace(/\/+$/, '');

/**
 * Capabilities worth keeping: answered at the remote's own address (a redirect is asked again each
 * time, as before: a renamed repository is rare, and where it leads may change), and ones smartFetch
 * transfers with (sha1, `shallow`).
 */
function usableToKeep(caps: Capabilities, url: string): boolean {
  return caps.base === baseOf(url) && (caps.objectFormat === undefined || caps.objectFormat === 'sha1') && caps.fetch.has('shallow');
}

/**
 * The capabilities, kept for the next transfer when worth it (usableToKeep; else any kept are
 * dropped). Best effort: a file that cannot be written only costs the next transfer that round
 * trip. Written as git writes its files, a `.lock` renamed into place (a killed process's lock is
 * cleared with git's, see clearStaleGitState).
 */
export async function rememberCapabilities(gitDir: string, url: string, caps: Capabilities): Promise<void> {
  if (!usableToKeep(caps, url)) return forgetCapabilities(gitDir);
  const text = JSON.stringify({ url, base: caps.base, fetch: [...caps.fetch], objectFormat: caps.objectFormat, agent: caps.agent });
  const file = path.join(gitDir, CAPABILITIES_FILE);
  await writeLocked(file, text).catch(() => fsp.rm(`${file}.lock`, { force: true }).catch(() => undefined));
}

/**
 * Known capabilities that the server refused, as it refuses a request it does not take at that
 * address or in that form: not the server's trouble (5xx, 429, a stall, a dropped connection) nor
 * the caller's (401, 403), which asking again would not cure.
 */
function refusedAsStale(e: unknown): boolean {
  return e instanceof SmartHttpUnsupported || (e as { data?: { statusCode?: unknown } } | undefined)?.data?.statusCode === 404;
}

/**
 * smartFetch with the server's capabilities as this cache last knew them (knownCapabilities), or,
 * without them or when they no longer serve, asked for (beside `have`, the cache's last head) and
 * kept once the server answers a request made with them in protocol v2. Known ones no longer serve
 * when the server refuses them as stale (refusedAsStale) or takes the request (200) but answers
 * with nothing this client reads (a proxy that dropped the protocol header: upload-pack then speaks
 * v0 and ends the answer) — not when the server's trouble or the caller's is the reason (5xx, 429,
 * a stall, a dropped connection before it took the request, 401, 403, a cancel), which asking
 * again would not cure. Returns the requests it made. `log` is told when known ones did not serve.
 */
export async function fetchWithCapabilities(o: SmartFetchOptions, ref: string, have: Promise<string | undefined>, log: (message: string) => void): Promise<number> {
  // Awaited below on every way; until then a failure is not unhandled.
  have.catch(() => undefined);
  let accepted = false;
  let understood = false;
  const watched: SmartFetchOptions = {
    ...o,
    onTransfer: () => {
      accepted = true;
      o.onTransfer?.();
    },
    onUnderstood: () => {
      understood = true;
      o.onUnderstood?.();
    },
  };
  const known = await knownCapabilities(o.gitDir, o.url);
  if (known) {
    const head = await have;
    try {
      await smartFetch(watched, known, ref, head);
      return 1;
    } catch (e) {
      if (understood || o.signal?.aborted || !(accepted || refusedAsStale(e))) throw e;
      await forgetCapabilities(o.gitDir);
      log(`the server's capabilities known from the last transfer did not serve (${e instanceof Error ? e.message : String(e)}); asking again`);
    }
  }
  const [caps, head] = await Promise.all([capabilities(o), have]);
  try {
    await smartFetch(watched, caps, ref, head);
  } finally {
    // Kept once the server answered a request made with them, whatever became of its pack.
    if (understood) await rememberCapabilities(o.gitDir, o.url, caps);
  }
  return known ? 3 : 2;
}

/**
 * The server's capabilities asked for and kept when this cache knows none yet (after a transfer
 * that did without them: git fetch's); whether they were asked for. Within `limitMs` in all, the
 * caller's stall limit aside: an answer that does not come is only not kept. Never fails: a failure
 * is only logged at debug level.
 */
export async function learnCapabilities(o: Omit<SmartFetchOptions, 'want'>, limitMs: number, logger: { debug(message: string): void }): Promise<boolean> {
  if (await knownCapabilities(o.gitDir, o.url)) return false;
  const limit = AbortSignal.timeout(limitMs);
  try {
    await rememberCapabilities(o.gitDir, o.url, await capabilities({ ...o, stallMs: limitMs, signal: o.signal ? AbortSignal.any([o.signal, limit]) : limit }));
  } catch (e) {
    logger.debug(`[pack] the server's capabilities could not be asked for: ${String(e)}`);
  }
  return true;
}

/** The remembered capabilities dropped (they did not serve). */
export async function forgetCapabilities(gitDir: string): Promise<void> {
  await fsp.rm(path.join(gitDir, CAPABILITIES_FILE), { force: true }).catch(() => undefined);
}

/** The cache's shallow commits (git's `shallow` file), in its order. */
async function readShallow(gitDir: string): Promise<string[]> {
  const t = await fsp.readFile(path.join(gitDir, 'shallow'), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  return t.split('\n').filter((l) => /^[0-9a-f]{40}$/.test(l));
}

/** Writes a file of the git directory as git does: a `.lock` beside it, renamed into place. */
async function writeLocked(file: string, content: string | undefined): Promise<void> {
  if (content === undefined) {
    await fsp.rm(file, { force: true });
    return;
  }
  const lock = `${file}.lock`;
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(lock, content, { flag: 'wx' });
  await fsp.rename(lock, file);
}

/**
 * The environment of a git process that indexes a thin pack. To complete a thin pack, index-pack
 * appends each delta base it took from the cache, compressed: a zlib deflate state (about 300 KB)
 * allocated and freed per object, which glibc's malloc gives back to the system at each free (its
 * trim threshold is 128 KB) and takes again with fresh pages at the next. On the machines this was
 * measured on (virtual machines, where a page fault is costly), that was 80% of index-pack's time:
 * a 1% sync's 0.69 MB pack of 1,000 changed files at 100k took 0.69 s to index, 0.15 s with the
 * threshold raised (same peak memory: the freed state is reused, not kept twice). Other C
 * libraries ignore the variable.
 */
export function indexPackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // Setting the trim threshold also stops glibc from raising its mmap threshold as large blocks are
  // freed: without a fixed one too, every block of 128 KB or more (a large file's buffers) would be
  // mapped and faulted in afresh each time (a pack of 60 files of 1.5 MB: 0.80 -> 1.06 s).
  const ours = 'glibc.malloc.trim_threshold=67108864:glibc.malloc.mmap_threshold=33554432';
  return { ...env, GLIBC_TUNABLES: env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${ours}` : ours };
}

/** The sections of a protocol-v2 fetch answer this client reads (gitprotocol-v2; it asks for no packfile-uris). */
const ANSWER_SECTIONS = new Set(['acknowledgments', 'shallow-info', 'wanted-refs', 'packfile']);

/** Where the pack goes as it comes: fed chunk by chunk, waited for at the end, stopped by a cancellation. */
interface PackSink {
  write(b: Buffer): Promise<void>;
  end(): Promise<void>;
  kill(): void;
}

/**
 * The pack written to a temp file in the cache's pack folder as it arrives, then read back whole and
 * handed to `store` (the portable path's). Gathered in memory instead, its pieces and their joined
 * copy were held at once: twice a first sync's pack (2 × 58 MB at 100k files). A leftover of a
 * killed process is a `tmp_pack_*` file, which the next transfer's cleanup removes.
 */
function storedPack(gitDir: string, store: (pack: Buffer) => Promise<void>): PackSink {
  const file = path.join(gitDir, 'objects', 'pack', `tmp_pack_${process.pid}_received_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`);
  let handle: Promise<fsp.FileHandle> | undefined;
  let killed = false;
  const open = (): Promise<fsp.FileHandle> =>
    (handle ??= fsp.mkdir(path.dirname(file), { recursive: true }).then(() => fsp.open(file, 'wx')));
  // Best effort: a temp file that cannot be removed (a disk gone read-only, a file held open by a
  // scanner) is the next transfer's cleanup's, never this transfer's failure.
  const discard = async (): Promise<void> => {
    const h = await handle?.catch(() => undefined);
    await h?.close().catch(() => undefined);
    await fsp.rm(file, { force: true }).catch(() => undefined);
  };
  const abandoned = (): void => {
    if (killed) throw new Error('the pack was abandoned');
  };
  return {
    async write(b) {
      // Written whole (writeFile loops over short writes) before the next chunk is read: the
      // pkt-line reader's buffer is not ours to keep.
      await (await open()).writeFile(b);
    },
    async end() {
      let pack: Buffer;
      try {
        abandoned();
        await (await open()).close();
        handle = undefined;
        pack = await fsp.readFile(file);
      } finally {
        await discard();
      }
      // A cancel while the file was read back stops here, not after seconds of indexing.
      abandoned();
      await store(pack);
    },
    kill: () => {
      killed = true;
      void discard();
    },
  };
}

/** `git index-pack --stdin --fix-thin` in the cache: fed chunk by chunk, waited for at the end. */
function indexPack(o: SmartFetchOptions & { gitPath: string }): PackSink {
  const proc = spawn(o.gitPath, [...GIT_SAFETY_ARGS, '--git-dir', o.gitDir, 'index-pack', '--stdin', '--fix-thin'], { stdio: ['pipe', 'ignore', 'pipe'], env: indexPackEnv() });
  const err: Buffer[] = [];
  proc.stderr.on('data', (c: Buffer) => err.push(c));
  proc.stdin.on('error', () => undefined);
  const exited = new Promise<void>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const text = Buffer.concat(err).toString('utf8').trim();
      const message = `git index-pack failed: ${text || (signal ? `killed (${signal})` : `exit ${code}`)}`;
      // This machine's trouble (a full or read-only disk, no memory, a kill) is not cured by having
      // git fetch transfer it all again: it fails the attempt as git fetch's would (classifyPackFailure).
      const local = signal !== null || /No space left|Disk quota|Read-only file system|Permission denied|Cannot allocate memory|Out of memory/i.test(text);
      reject(local ? new Error(message) : new SmartHttpUnsupported(message));
    });
  });
  exited.catch(() => undefined);
  return {
    async write(b) {
      if (proc.stdin.write(b)) return;
      await Promise.race([new Promise<void>((resolve) => proc.stdin.once('drain', resolve)), exited]);
    },
    async end() {
      proc.stdin.end();
      await exited;
    },
    kill: () => proc.kill(),
  };
}

/**
 * Transfers `want` at depth 1 into the cache, given the server's capabilities; the ref the cache
 * keeps (`ref`) is written to `want` once the pack is in; `have` is the commit it named before.
 */
export async function smartFetch(o: SmartFetchOptions, caps: Capabilities, ref: string, have: string | undefined): Promise<void> {
  o.signal?.throwIfAborted();
  if (caps.objectFormat !== undefined && caps.objectFormat !== 'sha1') throw new SmartHttpUnsupported(`the repository's object format is ${caps.objectFormat}`);
  if (!caps.fetch.has('shallow')) throw new SmartHttpUnsupported('the server cannot fetch at a depth');
  const shallow = await readShallow(o.gitDir);
  const body = [
    pktLine('command=fetch\n'),
    ...(caps.agent ? [pktLine(`agent=${USER_AGENT}\n`)] : []),
    ...(caps.objectFormat ? [pktLine(`object-format=${caps.objectFormat}\n`)] : []),
    '0001',
    pktLine('thin-pack\n'),
    pktLine('no-progress\n'),
    pktLine('ofs-delta\n'),
    pktLine('deepen 1\n'),
    ...shallow.map((s) => pktLine(`shallow ${s}\n`)),
    pktLine(`want ${o.want}\n`),
    ...(have && have !== o.want ? [pktLine(`have ${have}\n`)] : []),
    pktLine('done\n'),
    '0000',
  ].join('');
  const url = `${caps.base}/git-upload-pack`;
  const headers = { ...baseHeaders(o.token), 'content-type': 'application/x-git-upload-pack-request', accept: 'application/x-git-upload-pack-result' };
  const requested = watchedRequest(o, url, { method: 'POST', headers, body });
  // After this turn's I/O (the request written): the server's pack-objects runs for a while now.
  const onRequested = o.onPackRequested;
  if (onRequested) setImmediate(onRequested);
  const { res, chunks, done } = await requested;
  if (res.status !== 200) {
    done();
    await res.body?.cancel().catch((e: unknown) => e);
    throw refused(res.status, o.url, res.headers.get('retry-after'));
  }
  // Told once the server has accepted the request (it is producing the pack): work the caller then
  // starts on this thread (the sync loads its analysis module, ~50 ms) no longer holds back the
  // request itself.
  o.onTransfer?.();
  const reader = new PktReader();
  const added = new Set<string>();
  const removed = new Set<string>();
  let section: string | undefined;
  let pack: PackSink | undefined;
  const sink = (): PackSink => {
    if (o.store) return storedPack(o.gitDir, o.store);
    if (!o.gitPath) throw new Error('the smart-HTTP client has nowhere to put the pack');
    return indexPack({ ...o, gitPath: o.gitPath });
  };
  let ended = false;
  /** Pack bytes came (the section alone starts index-pack, see below). */
  let packed = false;
  // Until the ref is written, a cancellation stops index-pack too (the request's own watch ends with its body).
  const onAbort = () => pack?.kill();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of chunks()) {
      reader.push(chunk);
      for (let p = reader.next(); p && !ended; p = reader.next()) {
        if (p.kind === 'data' && section === 'packfile') {
          const band = p.data[0];
          if (band === 1) {
            // An empty one is upload-pack's keepalive while pack-objects still runs.
            if (p.data.length === 1) continue;
            packed = true;
            await (pack ??= sink()).write(p.data.subarray(1));
          } else if (band === 3) throw new SmartHttpUnsupported(`remote error: ${p.data.toString('utf8', 1).trim()}`);
          else if (band !== 2) throw new SmartHttpUnsupported(`a packfile line on sideband ${band}`);
          continue;
        }
        if (p.kind === 'flush' || p.kind === 'end') {
          ended = true;
          break;
        }
        if (p.kind === 'delim') {
          section = undefined;
          continue;
        }
        const line = text(p) as string;
        // The server refused (an unknown commit, a want it does not allow): git fetch says it in its words.
        if (line.startsWith('ERR ')) {
          o.onUnderstood?.();
          throw new SmartHttpUnsupported(`remote error: ${line.slice(4)}`);
        }
        if (section === undefined) {
          if (!ANSWER_SECTIONS.has(line)) throw new SmartHttpUnsupported(`an answer section ${JSON.stringify(line)}`);
          section = line;
          o.onUnderstood?.();
          // git's upload-pack names the section before its pack-objects starts: index-pack starts now,
          // its spawn (a fork of this process, ~7 ms of this thread) and its start-up in the wait for
          // the pack (a server that names it later only gives less of that wait).
          if (section === 'packfile') pack ??= sink();
        } else if (section === 'shallow-info') {
          const m = /^(shallow|unshallow) ([0-9a-f]{40})$/.exec(line);
          if (!m) throw new SmartHttpUnsupported(`a shallow-info line ${JSON.stringify(line)}`);
          if (m[1] === 'shallow') added.add(m[2] as string);
          else removed.add(m[2] as string);
        } else if (section !== 'acknowledgments' && section !== 'wanted-refs') throw new SmartHttpUnsupported(`an answer section ${JSON.stringify(section)}`);
      }
      if (ended) break;
    }
    if (!ended || !pack || !packed) {
      // A cut answer is a dropped connection (tried again); an answer without a pack is not understood.
      if (!ended) throw Object.assign(new Error('early EOF: the answer to the fetch ended before its pack did'), { code: 'ECONNRESET' });
      throw new SmartHttpUnsupported('the answer held no pack');
    }
    await pack.end();
    o.signal?.throwIfAborted();
  } catch (e) {
    pack?.kill();
    // A cancellation is the failure, whatever it cut short (index-pack killed is not a bad pack).
    o.signal?.throwIfAborted();
    throw e;
  } finally {
    done();
    o.signal?.removeEventListener('abort', onAbort);
  }
  // As git does after a shallow fetch: the boundary the server named, then the ref.
  const had = new Set(shallow);
  const next = [...shallow.filter((s) => !removed.has(s)), ...[...added].filter((s) => !had.has(s))];
  await writeLocked(path.join(o.gitDir, 'shallow'), next.length ? `${next.join('\n')}\n` : undefined);
  await writeLocked(path.join(o.gitDir, ...ref.split('/')), `${o.want}\n`);
}
