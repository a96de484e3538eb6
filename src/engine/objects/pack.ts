// One pack transfer over git smart HTTP into the private cache repository.
import fs from 'node:fs';
import os from 'node:os';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isoGit } from './isoGit';
import { SyncError, isAbortError } from '../../core/errors';
import { redact, type Logger } from '../../core/logger';
import type { NetworkHooks } from '../../core/ports';
import { retryDelaySeconds, type RetryPolicy } from '../../core/retry';
import { httpFetch } from '../../github/httpFetch';
import { proxiedFetch } from '../../github/proxyFetch';
import { abortableSleep, type Sleep } from '../../github/sleep';
import { storageProblem } from '../../storage/fsOps';
import { runGit } from './catFile';
import { proxiedGitHttp } from './proxyHttp';
import { directGitHttp, watchedGitHttp } from './watchedHttp';
import { cacheOutgrown, compactCache } from './compactCache';
import { IsoGitRepo } from './isoGitFs';
import { holdsObject } from './objectFiles';
import { GitConfigError, parseGitConfig } from '../../github/gitConfig';
import { fattenPack, storeThinPack, thinPackHttp } from './thinPack';
import { fetchWithCapabilities, indexPackEnv, learnCapabilities, SmartHttpUnsupported, type SmartFetchOptions } from './smartFetch';

export interface PackFetch {
  cacheGitDir: string;
  gitPath: string | undefined;
  /** Without credentials: the token goes through headers, never a URL, argv or log. */
  url: string;
  branch: string;
  token: string | undefined;
  signal?: AbortSignal;
  logger: Logger;
  /**
   * A transfer attempt that moves no data for this long fails as transient (default 60 s): git's
   * http.lowSpeedTime, the portable path's watch of its smart-HTTP answers (watchedHttp.ts).
   */
  timeoutMs?: number;
  /** A proxy URL, '' for a direct connection, absent to leave git's own proxy environment alone. */
  proxy?: string;
  /**
   * The caller still reads the cache's older commits (the base it compares the head with): the
   * portable path then leaves compacting the cache to its call of tidyCache.
   */
  deferTidy?: boolean;
  /**
   * The portable path's reader of the cache repository, shared with the rest of the sync (see
   * isoGitFs.ts); by default one for this transfer.
   */
  isoRepo?: IsoGitRepo;
  /**
   * The commit the REST ref named. Given on the git path, it is transferred by the smart-HTTP client
   * (smartFetch.ts) rather than by `git fetch`, which transfers whatever the branch names by then.
   */
  want?: string;
  /**
   * The base's commit and its tree, as the sync's record has them: when the cache's ref names that
   * commit, its files can tell whether the cache holds both (heldHave), without a git process.
   */
  base?: TransferBase;
  /** Told once the smart-HTTP client's fetch request is on its way (the wait for the pack begins). */
  onPackRequested?: () => void;
}

/** A sync's base as a transfer's `have` check takes it (see PackFetch.base). */
export interface TransferBase {
  commitSha: string;
  treeSha: string;
}

const DEFAULT_STALL_MS = 60_000;

/** The ref the cache repository keeps for the last fetched head (its haves for the next fetch). */
const CACHE_REF = 'refs/project-sync/head';

/**
 * The cache repository's whole config: what `git init --bare` and the portable path's fetch refspec
 * need, nothing else. Anything more (a planted `url.*.insteadOf`, `http.extraHeader`, `core.hooksPath`,
 * `include.path`…) could send the token elsewhere or run code, so the file is rewritten to this
 * before every use.
 */
export const CACHE_CONFIG = [
  '[core]',
  '\trepositoryformatversion = 0',
  '\tfilemode = true',
  '\tbare = true',
  '[remote "origin"]',
  '\tfetch = +refs/heads/*:refs/remotes/origin/*',
  '',
].join('\n');

/** Keys `git init` or isomorphic-git write themselves: their presence alone is no reason to warn. */
const ORDINARY_KEYS = new Set(['core.repositoryformatversion', 'core.filemode', 'core.bare', 'core.symlinks', 'core.ignorecase', 'core.logallrefupdates', 'remote.origin.fetch', 'remote.origin.url']);

/**
 * The `section.key` names a git config text sets (subsections included, values ignored), read with
 * git's grammar; a text git would refuse is one foreign key.
 */
function configKeys(text: string): string[] {
  try {
    return parseGitConfig(text).map((e) => `${e.section}${e.subsection !== undefined ? `.${e.subsection}` : ''}.${e.key}`);
  } catch (e) {
    if (e instanceof GitConfigError) return [`(a config git refuses: ${e.message})`];
    throw e;
  }
}

/** Rewrite the cache repository's config to CACHE_CONFIG when it holds anything else. */
async function resetCacheConfig(gitDir: string, logger?: Logger): Promise<void> {
  const file = path.join(gitDir, 'config');
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  if (text === CACHE_CONFIG) return;
  const foreign = configKeys(text).filter((k) => !ORDINARY_KEYS.has(k));
  if (foreign.length > 0) logger?.warn(`the content cache's config ${file} held settings Project Sync did not write (${foreign.join(', ')}); it was reset`);
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, CACHE_CONFIG);
  await fsp.rename(tmp, file);
}

/** Create the cache repository, or check (and mend) the one there; true when it was created (it holds nothing). */
export async function initCacheRepo(gitDir: string, gitPath: string | undefined, logger?: Logger): Promise<boolean> {
  try {
    return await createCacheRepo(gitDir, gitPath, logger);
  } catch (e) {
    const local = localFailure(e, (e as Error).message);
    const problem = local && storageProblem(local, path.dirname(gitDir));
    if (!local || !problem) throw e;
    throw new SyncError('STORAGE_ERROR', `Could not create the content cache ${gitDir}: ${problem.what} (${local}).`, { hint: problem.hint, path: gitDir, cause: e });
  }
}

async function createCacheRepo(gitDir: string, gitPath: string | undefined, logger?: Logger): Promise<boolean> {
  if (fs.existsSync(path.join(gitDir, 'HEAD'))) {
    // At once: each file operation is a trip to the thread pool, and this is on every transfer's way.
    const [, usable] = await Promise.all([resetCacheConfig(gitDir, logger), cacheRepoUsable(gitDir)]);
    if (usable) return false;
    // Only a cache of what the network can give again: a damaged one is rebuilt, never a dead end.
    logger?.warn(`the content cache ${gitDir} is damaged; rebuilding it`);
    await fsp.rm(gitDir, { recursive: true, force: true });
  }
  await fsp.mkdir(gitDir, { recursive: true });
  if (gitPath) await bareLayout(gitDir);
  else await (await isoGit()).init({ fs, gitdir: gitDir, bare: true });
  await resetCacheConfig(gitDir);
  return true;
}

/**
 * What `git init --bare` makes that git needs (is_git_directory: HEAD, `objects`, `refs`; the config
 * follows), without its process: on a first sync's way to the transfer, a git process costs this
 * thread 10-15 ms. HEAD last: a folder without it is made again at the next open.
 */
async function bareLayout(gitDir: string): Promise<void> {
  await Promise.all(['objects/info', 'objects/pack', 'refs/heads', 'refs/tags'].map((d) => fsp.mkdir(path.join(gitDir, ...d.split('/')), { recursive: true })));
  await fsp.writeFile(path.join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
}

/**
 * Whether git takes the folder for a repository, as `git rev-parse --git-dir` would (git's
 * is_git_directory: a valid HEAD, then `objects` and `refs` folders it can enter; the config is
 * ours, rewritten before), and its shallow list reads: without a git process on every sync's path.
 */
async function cacheRepoUsable(gitDir: string): Promise<boolean> {
  const enterable = (dir: string) =>
    fsp.access(path.join(gitDir, dir), fs.constants.X_OK).then(
      () => fsp.stat(path.join(gitDir, dir)).then((st) => st.isDirectory()),
      () => false,
    );
  const [head, shallow, objects, refs] = await Promise.all([
    fsp.readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => ''),
    fsp.readFile(path.join(gitDir, 'shallow'), 'utf8').catch(() => ''),
    enterable('objects'),
    enterable('refs'),
  ]);
  return /^(ref: refs\/\S+|[0-9a-f]{40})\s*$/.test(head) && /^([0-9a-f]{40}\n)*$/.test(shallow) && objects && refs;
}

/**
 * The commit the cache's last transfer brought (its ref, as git wrote it once the pack was complete
 * and connected): the cache holds it and its whole tree. Undefined when the ref is missing or does
 * not read as a sha — then only git can say what the cache holds.
 */
export async function cacheRefCommit(gitDir: string): Promise<string | undefined> {
  const loose = await fsp.readFile(path.join(gitDir, ...CACHE_REF.split('/')), 'utf8').catch(() => undefined);
  if (loose !== undefined) return /^([0-9a-f]{40})\n?$/.exec(loose)?.[1];
  const packed = await fsp.readFile(path.join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  const line = packed.split('\n').find((l) => l.endsWith(` ${CACHE_REF}`));
  return line === undefined ? undefined : /^([0-9a-f]{40}) /.exec(line)?.[1];
}

/** git's own limit: a `gc.pid` older than this is a gc that died without removing it. */
const GC_PID_STALE_MS = 12 * 3600_000;

/** This machine's name and when it last started (ms since the epoch): adjustable in tests. */
export interface MachineClock {
  hostname: string;
  bootMs: number;
}

const thisMachine = (): MachineClock => ({ hostname: os.hostname(), bootMs: Date.now() - os.uptime() * 1000 });

/** Whether a housekeeping file (gc.pid, maintenance.lock) may be a running process's: younger than 12 hours, and (`sinceBoot`) than the machine's last start. */
function fresh(st: fs.Stats | undefined, machine: MachineClock, sinceBoot: boolean): st is fs.Stats {
  return st !== undefined && st.isFile() && Date.now() - st.mtimeMs <= GC_PID_STALE_MS && (!sinceBoot || st.mtimeMs > machine.bootMs);
}

/**
 * When git housekeeping still at work in `gitDir` began (ms since the epoch), or undefined when none
 * is: a gc whose `gc.pid` (`<pid> <host>`, written for as long as it runs) names a live process here
 * or another host (whose processes cannot be asked: live, as git takes it), or a `git maintenance`
 * holding `objects/maintenance.lock` (git ≥ 2.29; tasks other than gc write no gc.pid). Either file
 * older than 12 hours is a dead process's, as git takes a gc.pid; so is a gc.pid of this host older
 * than its last start (its pid may name another process now), and a maintenance.lock older than that
 * start (it names no process, and a restart killing a detached maintenance would otherwise spare a
 * killed transfer's locks for 12 hours; a shared storage folder's other host is not known here).
 */
export async function housekeepingSince(gitDir: string, machine: MachineClock = thisMachine()): Promise<number | undefined> {
  const gcFile = path.join(gitDir, 'gc.pid');
  const [text, gcStat, lockStat] = await Promise.all([
    fsp.readFile(gcFile, 'utf8').catch(() => undefined),
    fsp.stat(gcFile).catch(() => undefined),
    fsp.stat(path.join(gitDir, 'objects', 'maintenance.lock')).catch(() => undefined),
  ]);
  const since: number[] = [];
  if (fresh(lockStat, machine, true)) since.push(lockStat.mtimeMs);
  const m = text === undefined ? null : /^(\d+) (\S+)/.exec(text);
  if (m && gcStat) {
    const here = m[2] === machine.hostname;
    if (fresh(gcStat, machine, here) && (!here || processLives(Number(m[1])))) since.push(gcStat.mtimeMs);
  }
  return since.length ? Math.min(...since) : undefined;
}

function processLives(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Forgets the cache's last head (`refs/project-sync/head`), so the next transfer sends no `have` and
 * brings the whole tree: for a cache a read found lacking objects a transfer should have brought.
 */
export async function forgetCacheHead(gitDir: string, gitPath: string | undefined, logger: Logger): Promise<void> {
  if (!gitPath) return;
  await runGit(gitPath, ['--git-dir', gitDir, 'update-ref', '-d', CACHE_REF]).then(
    () => logger.info(`[pack] the cache lacked objects its last head reaches: its next transfer brings the whole tree`),
    (e: unknown) => logger.debug(`[pack] forgetting the cache's head failed: ${String(e)}`),
  );
}

/** Lock files git leaves when it dies mid-transfer; any of them makes every later fetch fail with "File exists". */
const GIT_LOCK = /\.lock$/;
/** Temp files of a transfer cut short (git's, and writeLooseBlob's `<sha tail>.<pid>.<time>.tmp`). */
const GIT_TEMP = /^(tmp_pack_|tmp_idx_|tmp_rev_|tmp_obj_)|^[0-9a-f]{38}\.\d+\.\d+\.tmp$/;

/**
 * Remove what an interrupted transfer left in the cache repository: lock files (`shallow.lock`,
 * `index.lock`, `packed-refs.lock`, `refs/**\/*.lock`, …) and temp objects (`tmp_pack_*`, `tmp_obj_*`).
 * Only called inside a sync, which holds the storage lock: no other process of ours transfers into
 * the cache. git's housekeeping, detached by an earlier sync (gitHousekeeping), may still be at work
 * (see housekeepingSince): then only what is older than its start is removed — its own lock and temp
 * files, and a pack it renamed before its index, are newer. Returns what was removed (paths
 * relative to the cache).
 */
export async function clearStaleGitState(gitDir: string, logger: Logger, machine: MachineClock = thisMachine()): Promise<string[]> {
  const removed: string[] = [];
  const since = await housekeepingSince(gitDir, machine);
  if (since !== undefined) logger.debug(`[pack] git housekeeping has been at work in the cache since ${new Date(since).toISOString()}: what it wrote since is left alone`);
  const remove = async (rel: string, recursive = false): Promise<void> => {
    const file = path.join(gitDir, rel);
    if (since !== undefined) {
      const st = await fsp.lstat(file).catch(() => undefined);
      if (!st || st.mtimeMs >= since) return;
    }
    await fsp.rm(file, { force: true, recursive });
    removed.push(rel);
  };
  // Folders and files are looked at side by side: each look is a trip to the thread pool, and this
  // is on the way of every transfer (a folder at a time, it took ~10 ms of a 1% sync).
  const visit = async (rel: string, depth: number, match: RegExp): Promise<void> => {
    const entries = await fsp.readdir(path.join(gitDir, rel), { withFileTypes: true }).catch(() => []);
    await throwFirst(
      entries.map((entry) => {
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) return depth > 0 ? visit(child, depth - 1, match) : undefined;
        return match.test(entry.name) ? remove(child) : undefined;
      }),
    );
  };
  const topLocks = async (): Promise<void> => {
    const names = await fsp.readdir(gitDir).catch(() => [] as string[]);
    await throwFirst(names.filter((name) => GIT_LOCK.test(name)).map((name) => remove(name, true)));
  };
  // A `git maintenance` killed mid-run (or by a restart) leaves its lock, and git then never runs maintenance here again.
  const maintenanceLock = async (): Promise<void> => {
    const maintenance = await fsp.stat(path.join(gitDir, 'objects', 'maintenance.lock')).catch(() => undefined);
    if (maintenance?.isFile() && !fresh(maintenance, machine, true)) await remove('objects/maintenance.lock');
  };
  // A pack without its index (or the reverse) is a transfer cut short: unusable, and it holds the space.
  const halfPacks = async (): Promise<void> => {
    const packs = await fsp.readdir(path.join(gitDir, 'objects', 'pack')).catch(() => [] as string[]);
    await throwFirst(
      packs.map((name) => {
        const m = /^(pack-[0-9a-f]+)\.(pack|idx)$/.exec(name);
        return !m || packs.includes(`${m[1]}.${m[2] === 'pack' ? 'idx' : 'pack'}`) ? undefined : remove(`objects/pack/${name}`);
      }),
    );
  };
  // Settled, every look and removal, before this answers (a failure too): the caller's next git
  // process never meets a removal still under way.
  const failed = (await settledAll([topLocks(), visit('refs', 16, GIT_LOCK), maintenanceLock(), visit('objects', 2, GIT_TEMP), halfPacks()]))[0];
  removed.sort();
  if (failed) {
    if (removed.length > 0) logger.warn(`removed what an interrupted git transfer left in the content cache: ${removed.join(', ')}`);
    throw failed.reason;
  }
  if (removed.length > 0) logger.warn(`removed what an interrupted git transfer left in the content cache: ${removed.join(', ')}`);
  return removed;
}

/** The failures of `work`, each settled first (none is left under way), in order. */
async function settledAll(work: (Promise<void> | undefined)[]): Promise<PromiseRejectedResult[]> {
  return (await Promise.allSettled(work)).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
}

/** Every one of `work` settled, then its first failure thrown. */
async function throwFirst(work: (Promise<void> | undefined)[]): Promise<void> {
  const failed = (await settledAll(work))[0];
  if (failed) throw failed.reason;
}

/** A git error that is about the local disk, not the network: its errno-style code. */
function localFailure(e: unknown, message: string): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && storageProblem(code, '')) return code;
  if (/No space left on device/i.test(message)) return 'ENOSPC';
  if (/Disk quota exceeded/i.test(message)) return 'EDQUOT';
  if (/Read-only file system/i.test(message)) return 'EROFS';
  if (/unable to create .*: Permission denied|Permission denied.*(\.git|objects|\.lock)/i.test(message)) return 'EACCES';
  if (/\.lock'?: File exists/i.test(message)) return 'EEXIST';
  return undefined;
}

/**
 * What a failed transfer attempt means: `transient` (a dropped or refused connection, an empty
 * reply, a 5xx or a 429 from the smart-HTTP endpoint, a stall: tried again under the retry policy) or
 * a final SyncError (cancellation, a full or read-only disk, an auth failure, a missing repository or
 * branch, a redirect we do not follow, any other 4xx or unexplained failure). A 429 is `limited` (the
 * server asked us to slow down); `retryAfterSeconds` is the server's Retry-After, when it sent one
 * and we could see it (isomorphic-git's requests; git does not print response headers).
 */
export type PackFailure = { kind: 'transient'; reason: string; limited?: boolean; retryAfterSeconds?: number } | { kind: 'fail'; error: SyncError };

export interface PackFailureContext {
  url: string;
  branch: string;
  cacheGitDir: string;
  hasToken: boolean;
  aborted: boolean;
  /** For a Retry-After given as an HTTP date. */
  nowMs?: number;
}

/** Connection-level failures as node (isomorphic-git's HTTP client, undici) reports them. */
const TRANSIENT_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** The same failures in git's (curl's) words. */
const TRANSIENT_GIT =
  /Empty reply from server|Connection reset|Connection refused|Couldn't connect to server|Failed to connect|timed out|Operation too slow|Could not resolve (host|proxy)|Recv failure|Send failure|transfer closed with outstanding read data|early EOF|the remote end hung up unexpectedly|unexpected disconnect|Network is unreachable|No route to host|socket hang up|GnuTLS recv error|SSL_read|HTTP\/2 stream \d+ was not closed cleanly/i;

/** Classify one failed attempt of a pack transfer (git's stderr, or what isomorphic-git threw). */
export function classifyPackFailure(e: unknown, ctx: PackFailureContext): PackFailure {
  const fail = (error: SyncError): PackFailure => ({ kind: 'fail', error });
  const err = (e ?? {}) as { code?: unknown; data?: { statusCode?: unknown; what?: unknown }; cause?: { code?: unknown } };
  if (isAbortError(e) || ctx.aborted) return fail(new SyncError('CANCELLED', 'The sync was cancelled.'));
  const message = redact(e instanceof Error ? e.message : String(e));
  const local = localFailure(e, message);
  const problem = local && storageProblem(local, path.dirname(ctx.cacheGitDir));
  if (local && problem) {
    return fail(
      new SyncError('STORAGE_ERROR', `Could not store the fetched content in ${ctx.cacheGitDir}: ${problem.what} (${local}).`, {
        hint: problem.hint,
        path: ctx.cacheGitDir,
        cause: e,
      }),
    );
  }
  const code = typeof err.code === 'string' ? err.code : undefined;
  const status = code === 'HttpError' && typeof err.data?.statusCode === 'number' ? err.data.statusCode : httpStatusIn(message);
  // isomorphic-git answers a 401 by asking onAuth, which cancels when there is no token.
  if (status === 401 || status === 403 || code === 'UserCanceledError' || /Authentication failed|could not read Username/i.test(message)) {
    return fail(new SyncError('AUTH_REQUIRED', 'GitHub refused the git transfer: sign in with an account that can read this repository.', { cause: e }));
  }
  if (status !== undefined && status >= 300 && status < 400 && ctx.hasToken) {
    return fail(
      new SyncError('NETWORK', `The git transfer from ${ctx.url} was redirected (${status}) to another address; Project Sync sends the token only to the remote's own address, so it does not follow redirects elsewhere.`, {
        hint: 'If the repository moved, point the remote at its new address (git remote set-url origin URL).',
        cause: e,
      }),
    );
  }
  if (status === 404 || /repository '[^']*' not found/i.test(message)) {
    return fail(
      new SyncError('NO_REMOTE', `The git endpoint ${ctx.url} answered that the repository does not exist.`, {
        hint: 'Check the remote URL, or sign in with an account that has access.',
        cause: e,
      }),
    );
  }
  if (/couldn't find remote ref/i.test(message) || (code === 'NotFoundError' && typeof err.data?.what === 'string' && err.data.what.includes(ctx.branch))) {
    return fail(new SyncError('BRANCH_NOT_FOUND', `The branch ${ctx.branch} no longer exists on the remote.`, { hint: 'Choose another branch.', cause: e }));
  }
  const errno = code ?? (typeof err.cause?.code === 'string' ? err.cause.code : undefined);
  if (status === 429 || (status !== undefined && status >= 500)) {
    const after = retryAfterSeconds((e as { retryAfter?: unknown } | null)?.retryAfter, ctx.nowMs ?? Date.now());
    const reason = status === 429 ? 'the git endpoint answered 429 (too many requests)' : gitReason(message);
    return { kind: 'transient', reason, ...(status === 429 ? { limited: true } : {}), ...(after !== undefined ? { retryAfterSeconds: after } : {}) };
  }
  const transient =
    code === 'EmptyServerResponseError' ||
    code === 'PackStallError' ||
    (errno !== undefined && TRANSIENT_ERRNO.has(errno)) ||
    (status === undefined && TRANSIENT_GIT.test(message));
  if (transient) return { kind: 'transient', reason: gitReason(message) };
  return fail(new SyncError('NETWORK', `The git transfer from ${ctx.url} failed: ${message}`, { hint: 'Check your connection and retry.', cause: e }));
}

/** A Retry-After header's wait in seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - nowMs) / 1000)) : undefined;
}

/** The HTTP status git (curl) or isomorphic-git names in its message, if any. */
function httpStatusIn(message: string): number | undefined {
  const m = /returned error: (\d{3})\b|\bHTTP (\d{3})\b|HTTP Error: (\d{3})\b/.exec(message);
  const digits = m?.[1] ?? m?.[2] ?? m?.[3];
  return digits ? Number(digits) : undefined;
}

/** git's reason without the command line and the URL it repeats: "Empty reply from server". */
function gitReason(message: string): string {
  const fatal = /(?:^|\n)fatal: (?:unable to access '[^']*': ?)?(.*)$/im.exec(message);
  const reason = (fatal?.[1] ?? message.split('\n').filter((l) => l.trim()).at(-1) ?? message).trim();
  return reason || 'the transfer failed';
}

export interface PackRetry {
  policy: RetryPolicy;
  /** Told before each wait (the sync's "retrying" banner and status bar), like REST waits. */
  onWait?: NetworkHooks['onWait'];
  /** Told once the transfer is under way (git spawned, the smart-HTTP client's request accepted, or the portable path's fetch begun). */
  onTransfer?: NetworkHooks['onTransfer'];
  sleep?: Sleep;
  /** The longest Retry-After waited out (REST's maxWaitSeconds); a longer one fails at once. Default 60 s. */
  maxWaitSeconds?: number;
}

const DEFAULT_MAX_WAIT_SECONDS = 60;

/**
 * How long to wait before the next attempt after a transient failure, or the error that ends the
 * transfer: the retry policy's back-off, or the server's Retry-After when it sent one (up to
 * maxWaitSeconds); a 429 is reported as REST's secondary rate limit is (the error presentation
 * says "GitHub asked Project Sync to slow down" for a message naming a secondary rate limit).
 */
function nextWait(failure: Extract<PackFailure, { kind: 'transient' }>, attempt: number, retry: PackRetry, url: string, cause: unknown): { seconds: number; reason: 'retry' | 'secondary-rate-limit'; resetAt?: string } | SyncError {
  const maxWait = retry.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const after = failure.retryAfterSeconds;
  const backoff = retryDelaySeconds(attempt, retry.policy);
  const attempts = `${attempt + 1} attempt${attempt === 0 ? '' : 's'}`;
  if (after !== undefined && after > maxWait) {
    const resetAt = new Date(Date.now() + after * 1000).toISOString();
    return failure.limited
      ? new SyncError('RATE_LIMITED', `The git endpoint of ${url} answered 429, a secondary rate limit, until ${resetAt} (a wait of ${after} s, more than the ${maxWait} s allowed).`, {
          hint: 'Try again after the reset time.',
          resetAt,
          cause,
        })
      : new SyncError('NETWORK', `The git transfer from ${url} failed (${failure.reason}) and the server asked to retry in ${after} s, more than the ${maxWait} s allowed.`, {
          hint: 'GitHub may be having trouble; try again later.',
          cause,
        });
  }
  if (backoff === undefined) {
    return failure.limited
      ? new SyncError('RATE_LIMITED', `The git endpoint of ${url} still answered 429, a secondary rate limit, after ${attempts}.`, { hint: 'Try again in a few minutes.', cause })
      : new SyncError('NETWORK', `The git transfer from ${url} failed after ${attempts}: ${failure.reason}`, { hint: 'Check your connection and retry.', cause });
  }
  const seconds = after ?? backoff;
  if (!failure.limited) return { seconds, reason: 'retry' };
  return { seconds, reason: 'secondary-rate-limit', resetAt: new Date(Date.now() + seconds * 1000).toISOString() };
}

/**
 * Fetch the branch's head commit with depth 1; only objects the cache lacks cross the wire. A
 * transient failure is tried again under the REST requests' retry policy (see classifyPackFailure).
 * What an earlier process left in the cache is cleared by the caller before its first transfer
 * (clearStaleGitState; GitContentFetcher does it once, in prepareTransfer, before its first transfer).
 */
export async function fetchPack(opts: PackFetch, retry: PackRetry = { policy: { retries: 0, retryBaseMs: 0 } }): Promise<{ bytes: number; requests: number; attempts: number }> {
  const before = await packFiles(opts.cacheGitDir);
  const repo = opts.gitPath ? undefined : (opts.isoRepo ?? new IsoGitRepo(opts.cacheGitDir));
  // As the transfer counts them (fetchWithGit, fetchWithIsoGit): the capabilities GET unless the
  // cache knew them, the upload-pack POST; `git fetch` (protocol v2) makes two POSTs, ls-refs and fetch.
  let requests: number;
  /** The portable path's pack came indexed and whole (storeThinPack): not read again to be made whole. */
  let whole = false;
  for (let attempt = 0; ; attempt++) {
    try {
      if (opts.gitPath) requests = await fetchWithGit(opts, retry.onTransfer);
      else {
        const fetching = fetchWithIsoGit(opts, repo as IsoGitRepo);
        retry.onTransfer?.();
        ({ whole, requests } = await fetching);
      }
    } catch (e) {
      // Whatever the reason, a cut transfer's temp files are not kept.
      await clearStaleGitState(opts.cacheGitDir, opts.logger).catch((cleanup: unknown) => opts.logger.debug(`cleanup after a failed transfer: ${String(cleanup)}`));
      const failure = classifyPackFailure(e, { url: opts.url, branch: opts.branch, cacheGitDir: opts.cacheGitDir, hasToken: Boolean(opts.token), aborted: opts.signal?.aborted === true });
      if (failure.kind === 'fail') throw failure.error;
      const wait = nextWait(failure, attempt, retry, opts.url, e);
      if (wait instanceof SyncError) throw wait;
      const { seconds, reason } = wait;
      opts.logger.info(`Waiting ${seconds} s (${reason}) before retrying the git transfer of ${opts.branch}: ${failure.reason}`);
      retry.onWait?.({ reason, seconds, ...(wait.resetAt ? { resetAt: wait.resetAt } : {}) });
      await (retry.sleep ?? abortableSleep)(seconds * 1000, opts.signal);
      continue;
    }
    const after = await packFiles(opts.cacheGitDir);
    const added = [...after].filter(([name]) => !before.has(name));
    const bytes = added.reduce((n, [, size]) => n + size, 0);
    // isomorphic-git's pack is thin on top of the cache: made whole before anything reads it.
    if (repo) {
      await repo.invalidate();
      if (!whole) await fattenPacks(repo, added.map(([name]) => name), opts.logger);
      if (!opts.deferTidy) await tidyCache(opts.cacheGitDir, opts.logger, repo);
    }
    // A failed attempt counts as one request.
    return { bytes: Math.max(0, bytes), requests: requests + attempt, attempts: attempt + 1 };
  }
}

/**
 * With a token git follows no redirect (its extra header would go wherever one leads). One that stays
 * on the remote's origin (a renamed repository) is followed here instead: found by asking for
 * info/refs ourselves, hop by hop with the token, which never leaves that origin; then git fetches
 * from where it leads. A redirect to another origin still fails (see fetchPack).
 */
async function fetchWithGit(opts: PackFetch, onTransfer?: () => void): Promise<number> {
  const smart = smartOptions(opts, onTransfer);
  if (smart) {
    try {
      return await fetchWithCapabilities(smart, CACHE_REF, heldHave(opts), (m) => opts.logger.info(`[pack] ${m}`));
    } catch (e) {
      if (!(e instanceof SmartHttpUnsupported) || opts.signal?.aborted) throw e;
      opts.logger.info(`[pack] ${e.message}: the transfer is left to git fetch`);
      await clearStaleGitState(opts.cacheGitDir, opts.logger);
    }
  }
  try {
    await gitFetch(opts, opts.url, onTransfer);
  } catch (e) {
    if (!opts.token || !/returned error: 30[1278]\b/.test(String((e as Error | undefined)?.message))) throw e;
    const moved = await sameOriginMove(opts, opts.token).catch((probe: unknown) => {
      opts.logger.debug(`[pack] asking where ${redact(opts.url)} redirects failed: ${String(probe)}`);
      return undefined;
    });
    if (!moved) throw e;
    opts.logger.info(`the git remote ${redact(opts.url)} redirects to ${redact(moved)} on the same origin; fetching from there`);
    await gitFetch(opts, moved);
  }
  // A transfer left to git fetch because no commit was named (a first sync's, begun before the ref
  // answered) is followed by the server's capabilities, kept for the next transfers into this cache
  // (knownCapabilities): after git's own requests, whose failures stay git's, and off a first sync's
  // way (it reads the pack as soon as it is in, see packArrival). Not after git fetch stood in for
  // the smart client, which asked them already. Briefly: an answer that does not come is only not kept.
  const client = smart ? undefined : smartClient(opts);
  const asked = client ? await learnCapabilities(client, LEARN_LIMIT_MS, opts.logger) : false;
  return asked ? 4 : 3;
}

/** How long the capabilities asked for after git fetch's transfer may take in all (see fetchWithGit). */
const LEARN_LIMIT_MS = 5_000;

/** The proxy variables git (curl) reads: with one set and no proxy decided by the caller, git fetch does the transfer. */
const PROXY_ENV = ['http_proxy', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'];

/**
 * The smart-HTTP client's options for this transfer, or undefined where `git fetch` does it: no
 * commit named (a first sync's transfer begun before the ref answered), or a proxy the caller left
 * to git's environment.
 */
function smartOptions(opts: PackFetch, onTransfer?: () => void): SmartFetchOptions | undefined {
  const client = smartClient(opts, onTransfer);
  return client && opts.want ? { ...client, want: opts.want } : undefined;
}

/** The smart-HTTP client's options but the commit: undefined without a git binary, or with a proxy left to git's environment. */
function smartClient(opts: PackFetch, onTransfer?: () => void): Omit<SmartFetchOptions, 'want'> | undefined {
  if (!opts.gitPath) return undefined;
  if (opts.proxy === undefined && PROXY_ENV.some((k) => process.env[k])) return undefined;
  return {
    url: opts.url,
    token: opts.token,
    fetchVia: opts.proxy ? proxiedFetch(opts.proxy) : httpFetch,
    gitPath: opts.gitPath,
    gitDir: opts.cacheGitDir,
    ...(opts.signal ? { signal: opts.signal } : {}),
    stallMs: opts.timeoutMs ?? DEFAULT_STALL_MS,
    ...(onTransfer ? { onTransfer } : {}),
    ...(opts.onPackRequested ? { onPackRequested: opts.onPackRequested } : {}),
  };
}

/**
 * The commit the cache's ref names, as the smart client's `have`, when the cache holds its tree: the
 * server leaves out everything a `have` reaches, so one whose objects were lost (a damaged cache
 * keeps its ref) would leave the new commit incomplete for good. `git fetch` likewise sends no
 * `have` it cannot parse. Asked beside the capabilities request, or before the fetch request when
 * the cache knows them (knownCapabilities).
 */
async function heldHave(opts: PackFetch): Promise<string | undefined> {
  const ref = await cacheRefCommit(opts.cacheGitDir);
  if (!ref) return undefined;
  // The ref names the base's commit (as after the branch's last sync), whose tree the record names:
  // the database's files say whether both are there. A git process here would hold this thread
  // 10-15 ms before the request goes out (the capabilities' or, known, the fetch itself).
  if (opts.base?.commitSha === ref) {
    const both = await Promise.all([holdsObject(opts.cacheGitDir, ref), holdsObject(opts.cacheGitDir, opts.base.treeSha)]);
    opts.signal?.throwIfAborted();
    if (both[0] === true && both[1] === true) return ref;
  }
  const held = await runGit(opts.gitPath as string, ['--git-dir', opts.cacheGitDir, 'cat-file', '-e', `${ref}^{tree}`], undefined, opts.signal ? { signal: opts.signal } : {}).then(
    () => true,
    () => false,
  );
  opts.signal?.throwIfAborted();
  if (!held) opts.logger.info(`[pack] the cache's last head ${ref.slice(0, 12)} lacks its objects: this transfer brings the whole tree`);
  return held ? ref : undefined;
}

/** More than this many packs, or about this many loose objects, and git's own housekeeping acts (gc.autoPackLimit, gc.auto). */
const AUTO_PACK_LIMIT = 50;
const AUTO_LOOSE_LIMIT = 6700;

/**
 * What `git fetch` ends with (`maintenance run --auto`: a `gc --auto` that detaches), for a cache
 * the smart client transferred into: run by the content fetcher when the sync is done with the
 * cache (never while it still reads a base the moved ref no longer reaches), and only when git's
 * limits are passed, counted as git counts them (packs; loose objects estimated from one folder).
 */
export async function gitHousekeeping(gitDir: string, gitPath: string, logger: Logger): Promise<void> {
  try {
    const packs = (await fsp.readdir(path.join(gitDir, 'objects', 'pack')).catch(() => [] as string[])).filter((f) => f.endsWith('.pack')).length;
    const sample = (await fsp.readdir(path.join(gitDir, 'objects', '17')).catch(() => [] as string[])).filter((f) => /^[0-9a-f]{38}$/.test(f)).length;
    if (packs <= AUTO_PACK_LIMIT && sample <= Math.ceil(AUTO_LOOSE_LIMIT / 256)) return;
    await runGit(gitPath, ['--git-dir', gitDir, '-c', 'gc.autoDetach=true', '-c', 'maintenance.autoDetach=true', 'maintenance', 'run', '--auto', '--quiet']);
  } catch (e) {
    // Housekeeping is never the sync's failure.
    logger.debug(`[pack] git maintenance run --auto failed: ${String(e)}`);
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_GIT_REDIRECTS = 10;

/** Where the remote's info/refs leads within its own origin; undefined when it leads elsewhere or nowhere. */
async function sameOriginMove(opts: PackFetch, token: string): Promise<string | undefined> {
  const fetchVia = opts.proxy ? proxiedFetch(opts.proxy) : httpFetch;
  const origin = new URL(opts.url).origin;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_STALL_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let base = opts.url.replace(/\/+$/, '');
  for (let hop = 0; hop <= MAX_GIT_REDIRECTS; hop++) {
    const asked = new URL(`${base}/info/refs?service=git-upload-pack`);
    const res = await fetchVia(asked.href, {
      redirect: 'manual',
      headers: { authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`, 'user-agent': 'git/project-sync' },
      signal,
    });
    await res.body?.cancel().catch((cancelError: unknown) => cancelError);
    const location = res.headers.get('location');
    if (!REDIRECT_STATUSES.has(res.status) || !location) return hop === 0 ? undefined : base;
    const next = new URL(location, asked);
    if (next.origin !== origin || !next.pathname.endsWith('/info/refs')) return undefined;
    base = `${next.origin}${next.pathname.slice(0, -'/info/refs'.length)}`;
  }
  return undefined;
}

async function gitFetch(opts: PackFetch, url: string, onTransfer?: () => void): Promise<void> {
  // index-pack, which git fetch runs, completes the thin pack of an incremental fetch (see indexPackEnv).
  const env: NodeJS.ProcessEnv = { ...indexPackEnv(), GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '' };
  // Passed through the environment, so neither the token nor proxy credentials show in argv or the cache repo's config.
  const config: [string, string][] = [];
  if (opts.token) {
    config.push(['http.extraHeader', `Authorization: Basic ${Buffer.from(`x-access-token:${opts.token}`).toString('base64')}`]);
    // git sends http.extraHeader to wherever a redirect leads: with a token, redirects are not followed.
    config.push(['http.followRedirects', 'false']);
  }
  // An empty http.proxy makes git connect directly even when *_proxy variables are set.
  if (opts.proxy !== undefined) config.push(['http.proxy', opts.proxy]);
  config.forEach(([key, value], i) => Object.assign(env, { [`GIT_CONFIG_KEY_${i}`]: key, [`GIT_CONFIG_VALUE_${i}`]: value }));
  if (config.length > 0) env.GIT_CONFIG_COUNT = String(config.length);
  // curl's low-speed check: less than 1 byte/s for that many seconds aborts the transfer.
  const stallSeconds = String(Math.max(1, Math.ceil((opts.timeoutMs ?? DEFAULT_STALL_MS) / 1000)));
  const args = [
    '--git-dir', opts.cacheGitDir,
    '-c', 'http.lowSpeedLimit=1',
    '-c', `http.lowSpeedTime=${stallSeconds}`,
    '-c', 'fetch.unpackLimit=1',
    '-c', 'credential.helper=',
    // The housekeeping is the content fetcher's, once the sync is done with the cache (gitHousekeeping).
    '-c', 'maintenance.auto=false',
    '-c', 'gc.auto=0',
    'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--depth=1',
    url, `+refs/heads/${opts.branch}:${CACHE_REF}`,
  ];
  const fetching = runGit(opts.gitPath as string, args, undefined, { env, signal: opts.signal });
  onTransfer?.();
  await fetching;
  opts.logger.debug(`[pack] git fetch ${redact(url)} ${opts.branch} done`);
}

/** The cache repository's only remote on the portable path (its URL is passed on every fetch). */
const ISO_REMOTE = 'origin';

/**
 * The portable path's fetch: the head at depth 1 (never relative, so no history is walked whatever
 * the merge shape), with the cache's last head as the one `have` — as `git fetch --depth 1` does.
 * isomorphic-git with `singleBranch` takes its haves from the `ref` argument alone (`_fetch`:
 * `haveRefs = singleBranch ? [ref] : …`), so the ref named there is the cache's head ref, not the
 * branch (whose short name expands to no ref of a cache that records it under refs/remotes/origin/).
 * upload-pack then leaves out every object reachable from that commit, the cache's shallow commits
 * marking where it stops, provided the pack may be thin (see thinPack.ts): only the new commit, its
 * new trees and changed blobs come, in a pack that sits on top of the older ones. Returns whether
 * the pack came whole (through the smart-HTTP client, indexed by storeThinPack) rather than thin,
 * and the requests made.
 */
async function fetchWithIsoGit(opts: PackFetch, repo: IsoGitRepo): Promise<{ whole: boolean; requests: number }> {
  // A failed attempt's temp files were removed meanwhile (clearStaleGitState).
  await repo.invalidate();
  const { fs, cache } = repo;
  const git = await isoGit();
  // isomorphic-git records the fetched head through the remote's fetch refspec and throws
  // NoRefspecError after the transfer when there is none (a fresh cache repository has none).
  await git.setConfig({ fs, gitdir: opts.cacheGitDir, path: `remote.${ISO_REMOTE}.fetch`, value: `+refs/heads/*:refs/remotes/${ISO_REMOTE}/*` });
  const have = await cacheHead(repo, opts.branch);
  const smart = opts.want ? await smartIntoCache(opts, repo, have?.oid) : undefined;
  if (smart !== undefined) return { whole: true, requests: smart };
  // Loaded here, on the portable path only: its HTTP client pulls in node:http at load.
  // Watched for silence like git's lowSpeedTime (gitFetch): a stalled attempt fails as transient.
  const direct = opts.proxy ? undefined : await directGitHttp((await import('isomorphic-git/http/node')).default, opts.url);
  const http = watchedGitHttp(direct?.client ?? proxiedGitHttp(opts.proxy ?? ''), opts.timeoutMs ?? DEFAULT_STALL_MS);
  const fetched = await git.fetch({
    fs,
    cache,
    // Asks for a thin pack when a `have` is sent (see thinPack.ts).
    http: thinPackHttp(http.client),
    gitdir: opts.cacheGitDir,
    remote: ISO_REMOTE,
    url: opts.url,
    // The ref whose commit is sent as `have`; the branch is what is fetched (remoteRef).
    ref: have?.ref ?? opts.branch,
    remoteRef: opts.branch,
    singleBranch: true,
    depth: 1,
    tags: false,
    onAuth: () => (opts.token ? { username: 'x-access-token', password: opts.token } : { cancel: true }),
  }).catch((e: unknown) => {
    // Whatever isomorphic-git made of a stalled answer, the attempt failed because of the stall.
    const stall = http.stall();
    if (stall) throw stall;
    // isomorphic-git's HttpError keeps the status, not the headers: the Retry-After rides along.
    const retryAfter = http.retryAfter();
    if (retryAfter !== undefined && e instanceof Error) Object.assign(e, { retryAfter });
    throw e;
  }).finally(() => direct?.close());
  // A stall it took for the end of an answer (see WatchedHttp.stall) fails the attempt too.
  const stall = http.stall();
  if (stall) throw stall;
  if (fetched.fetchHead) await git.writeRef({ fs, gitdir: opts.cacheGitDir, ref: CACHE_REF, value: fetched.fetchHead, force: true });
  opts.logger.debug(`[pack] isomorphic-git fetch ${opts.url} ${opts.branch} at depth 1 (${have ? `have ${have.oid.slice(0, 12)}` : 'no haves'}) done`);
  // isomorphic-git's discovery and its one upload-pack POST.
  return { whole: false, requests: 2 };
}

/**
 * The portable path's transfer by the smart-HTTP client (the commit the REST ref named, as on the
 * git path), the pack indexed here (storeThinPack) rather than by isomorphic-git, whose indexing of
 * a thin pack reads the whole cache pack and which inflates in JavaScript. The pack goes to a temp
 * file as it arrives, then is held in memory while it is indexed (as isomorphic-git holds it), and
 * handed on to the cache's reader. Returns the requests made; undefined when the server or its
 * answer is not one the client speaks: isomorphic-git's fetch does the transfer then.
 */
async function smartIntoCache(opts: PackFetch, repo: IsoGitRepo, have: string | undefined): Promise<number | undefined> {
  const smart: SmartFetchOptions = {
    url: opts.url,
    token: opts.token,
    fetchVia: opts.proxy ? proxiedFetch(opts.proxy) : httpFetch,
    gitDir: opts.cacheGitDir,
    want: opts.want as string,
    store: async (pack) => void (await storeThinPack(repo, pack)),
    ...(opts.signal ? { signal: opts.signal } : {}),
    stallMs: opts.timeoutMs ?? DEFAULT_STALL_MS,
  };
  try {
    const requests = await fetchWithCapabilities(smart, CACHE_REF, Promise.resolve(have), (m) => opts.logger.info(`[pack] ${m}`));
    await repo.invalidate();
    opts.logger.debug(`[pack] smart-HTTP fetch of ${opts.want?.slice(0, 12)} at depth 1 (${have ? `have ${have.slice(0, 12)}` : "no haves"}) indexed here`);
    return requests;
  } catch (e) {
    if (!(e instanceof SmartHttpUnsupported) || opts.signal?.aborted) throw e;
    opts.logger.info(`[pack] ${e.message}: the transfer is left to isomorphic-git`);
    await clearStaleGitState(opts.cacheGitDir, opts.logger);
    await repo.invalidate();
    return undefined;
  }
}

/**
 * The cache's last fetched head, to be sent as a `have`: CACHE_REF (written after every portable
 * fetch), else the branch's remote-tracking ref (a cache filled before CACHE_REF was kept). Only
 * a commit the cache holds with its tree counts; none for an empty cache.
 */
async function cacheHead(repo: IsoGitRepo, branch: string): Promise<{ ref: string; oid: string } | undefined> {
  const { fs, gitDir } = repo;
  for (const ref of [CACHE_REF, `refs/remotes/${ISO_REMOTE}/${branch}`]) {
    const oid = await (await isoGit()).resolveRef({ fs, gitdir: gitDir, ref }).catch(() => undefined);
    if (!oid) continue;
    // Read by our pack reader (isoGitFs.ts), not isomorphic-git's: its would load and copy the whole cache pack.
    const held = await repo.readObject(oid).then(
      async ({ type, object }) => {
        const tree = /^tree ([0-9a-f]{40})\n/.exec(object.toString('latin1', 0, 46))?.[1];
        return type === 'commit' && tree !== undefined && (await repo.readObject(tree)).type === 'tree';
      },
    ).catch(() => false);
    if (held) return { ref, oid };
  }
  return undefined;
}

/** The portable fetch's thin pack made whole. Not needed to read it with isomorphic-git: a failure is only logged. */
async function fattenPacks(repo: IsoGitRepo, added: readonly string[], logger: Logger): Promise<void> {
  try {
    for (const name of added) await fattenPack(repo.gitDir, name, repo);
  } catch (e) {
    logger.warn(`[pack] making the fetched thin pack whole failed: ${(e as Error).message}`);
  }
}

/**
 * Once the portable path's packs outgrow the largest one by 40%, the cache is compacted to one
 * pack of its head (on this machine, no transfer). The cache stays usable as it was when this
 * fails, so a failure is only logged.
 */
export async function tidyCache(gitDir: string, logger: Logger, repo: IsoGitRepo = new IsoGitRepo(gitDir)): Promise<void> {
  try {
    if (!(await cacheOutgrown(gitDir))) return;
    const head = await (await isoGit()).resolveRef({ fs: repo.fs, gitdir: gitDir, ref: CACHE_REF }).catch(() => undefined);
    if (head) await compactCache(gitDir, head, logger, repo);
  } catch (e) {
    logger.warn(`[pack] compacting the content cache failed: ${(e as Error).message}`);
  }
}

/** The cache's pack files and their sizes. */
async function packFiles(gitDir: string): Promise<Map<string, number>> {
  const dir = path.join(gitDir, 'objects', 'pack');
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const sizes = new Map<string, number>();
  for (const n of names) {
    if (!n.endsWith('.pack')) continue;
    // A pack git's housekeeping removed since the listing is not there.
    const st = await fsp.stat(path.join(dir, n)).catch(() => undefined);
    if (st) sizes.set(n, st.size);
  }
  return sizes;
}
