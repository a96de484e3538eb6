// The fault matrix: every pipeline phase × every fault, through the real CLI against the test server.
// After each fault: the store loads, the chain is whole, the active sync and its files are unchanged,
// the attempt is recorded with the right status and code (said once, in a sentence), and a plain
// retry completes.
//
// Faults come from the server's own GitHub behaviour (500, a dropped connection, rate limits), from
// storage failpoints, from signals, from files planted in the storage (a damaged or foreign storage
// lock; git's lock and temp files in the content cache, as a killed git leaves them), and from a
// relay in front of the server that the workspace's remote points at (a redirect to another origin
// — a second loopback address where a capture server counts Authorization headers — or to the same
// origin; an answer over the size limit, without end, or a gzip bomb). The server is never made to
// do what GitHub does not. PROJECT_SYNC_VERBOSE=1 prints the matrix.
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { commitChanges, lsTree } from '../support/repos';
import { cli, Fixture, last, type CliRun } from './support/cliHarness';
import { relayTo, startHttp, type TestHttp } from './support/cliProcess';
import {
  buildCli,
  chainProblems,
  deadPid,
  gitLeftovers,
  gzipBomb,
  matrixTable,
  MOVED,
  onRequest,
  spawnCli,
  startFront,
  storeState,
  streamOut,
  type Front,
} from './support/faultKit';

type Phase = 'lock' | 'resolve' | 'head' | 'tree' | 'content (pack)' | 'content (blobs)' | 'save';
type NetPhase = Exclude<Phase, 'lock' | 'save'>;

const FAMILIES = {
  network: ['500', 'drop', 'slow', 'primary RL', 'secondary RL'],
  storage: ['disk full', 'read-only'],
  signal: ['SIGINT', 'SIGKILL'],
  /** What is at sync.lock when the sync starts: a lock of a dead process, damage, another host's, a live holder's. */
  lock: ['dead lock', 'empty lock', 'lock folder', 'lock symlink', 'future lock', 'live lock'],
  /** Left in objects.git by a git killed mid-transfer. */
  'git lock': ['shallow.lock', 'ref locks', 'tmp_pack'],
  redirect: ['redirect away', 'redirect same origin'],
  size: ['huge JSON', 'endless body', 'gzip bomb'],
} as const;
type Family = keyof typeof FAMILIES;
type Fault = (typeof FAMILIES)[Family][number];
const FAULTS = Object.values(FAMILIES).flat() as Fault[];
const familyOf = (fault: Fault): Family => (Object.keys(FAMILIES) as Family[]).find((f) => (FAMILIES[f] as readonly Fault[]).includes(fault)) as Family;

const PHASES: Phase[] = ['lock', 'resolve', 'head', 'tree', 'content (pack)', 'content (blobs)', 'save'];

/** The request that opens each network phase. */
const TRIGGER: Record<NetPhase, RegExp> = {
  resolve: /^\/api\/v3\/repos\/octo\/repo(\?|$)/,
  head: /\/git\/ref\/heads\//,
  tree: /\/git\/trees\//,
  'content (pack)': /git-upload-pack/,
  'content (blobs)': /\/git\/blobs\//,
};

/** The storage write step that opens the save phase (a first write of complete(); begin() never writes snapshots). */
const SAVE_STEP = 'snapshots/';

const TIMEOUT_MS = 500;
const TOKEN = 'ghp_FaultMatrixToken0123456789abcdef';
const ENV = { PROJECT_SYNC_TIMEOUT_MS: String(TIMEOUT_MS), PROJECT_SYNC_RETRY_BASE_MS: '5', GITHUB_TOKEN: TOKEN };
/** How long a sync waits for a live lock before LOCKED (the CLI's is 10 s; the wait itself is the same code). */
const LOCK_WAIT_MS = 1500;
/** An answer cut for its size must not have been held whole: the test process's peak RSS grows by less than this. */
const SIZE_RSS_BOUND_KB = 512 * 1024;

function applicable(phase: Phase, fault: Fault): boolean {
  const family = familyOf(fault);
  if (phase === 'lock') return family === 'lock';
  if (family === 'lock') return false;
  // git's lock files only matter to a git transfer into the cache.
  if (family === 'git lock') return phase === 'content (pack)';
  if (phase === 'save') return family === 'storage' || family === 'signal';
  if (family === 'storage') return false;
  if (family === 'redirect') return true;
  // Response sizes are capped on the REST path (a pack goes to disk through git).
  if (family === 'size') return phase !== 'content (pack)';
  // Git smart HTTP has no REST rate limit.
  if (phase === 'content (pack)' && (fault === 'primary RL' || fault === 'secondary RL')) return false;
  return true;
}

interface Want {
  /** The attempt's record; null when the sync must not start at all (no record). */
  status: string | null;
  code: string | null;
  /** What the error sentence must say. */
  says?: RegExp;
}

/** What the attempt's record must say afterwards. */
function expected(phase: Phase, fault: Fault): Want {
  switch (familyOf(fault)) {
    case 'network':
      return fault === 'primary RL' || fault === 'secondary RL' ? { status: 'failed', code: 'RATE_LIMITED' } : { status: 'failed', code: 'NETWORK' };
    case 'storage':
      return { status: 'failed', code: 'STORAGE_ERROR' };
    case 'signal':
      if (fault === 'SIGKILL') return { status: 'interrupted', code: null };
      // A save under way is not interrupted: it completes whole.
      return phase === 'save' ? { status: 'completed', code: null } : { status: 'cancelled', code: 'CANCELLED' };
    case 'lock':
      // A live holder is waited for, then named; anything else at sync.lock is taken over at once.
      return fault === 'live lock' ? { status: null, code: 'LOCKED', says: /Another sync is using this storage: process \d+ on / } : { status: 'completed', code: null };
    case 'git lock':
      return { status: 'completed', code: null };
    case 'redirect':
      return fault === 'redirect same origin'
        ? { status: 'completed', code: null }
        : { status: 'failed', code: 'NETWORK', says: /redirected .*to another address.*sends the token only to the remote's own address/ };
    case 'size':
      return { status: 'failed', code: 'NETWORK', says: phase === 'content (blobs)' ? /sent more than 128 MB/ : /sent more than 64 MB/ };
  }
}

describe('fault matrix: phase × fault through the CLI', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let front: Front;
  let capture: TestHttp;
  let ws: string;
  let tmp: string;
  let cliJs: string;
  let change = 0;
  const outcomes = new Map<string, string>();

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-fault-'));
    const files: Record<string, string> = { 'README.md': '# r\n' };
    for (let i = 0; i < 20; i++) files[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
    [fx, cliJs] = await Promise.all([Fixture.create(files), buildCli(tmp)]);
    fx.server.tokens.add(TOKEN);
    // Another origin (a second loopback address) serving the same API and repositories: a redirect
    // there would work if the token went along, so only the token's absence can stop it.
    capture = await startHttp('127.0.0.2', relayTo(fx.server.url));
    front = await startFront(fx.server.url);
    ws = path.join(tmp, 'ws');
    execFileSync('git', ['init', '--quiet', ws]);
    execFileSync('git', ['-C', ws, 'remote', 'add', 'origin', `${front.url}/octo/repo.git`]);
    const first = await syncIn();
    assert.equal(first.code, 0, first.stdout + first.stderr);
  });
  after(async () => {
    if (process.env.PROJECT_SYNC_VERBOSE === '1') {
      for (const family of Object.keys(FAMILIES) as Family[]) {
        const faults = FAMILIES[family] as readonly Fault[];
        const phases = PHASES.filter((p) => faults.some((f) => applicable(p, f)));
        process.stdout.write(`\n${family}:\n${matrixTable(phases, faults, (p, f) => outcomes.get(`${p}|${f}`) ?? '—')}\n`);
      }
    }
    await front?.close();
    await capture?.close();
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const syncArgs = () => ['sync', '--repo', ws, '--storage', fx.storage, '--json'];
  /**
   * Both paths list the changes from the transferred pack and bring small changes by pack once the
   * cache holds the previous commit, so the REST tree and REST blob phases are faulted on the
   * portable path with its content cache removed first (see runFaulted): then those requests happen.
   */
  let phaseEnv: NodeJS.ProcessEnv = {};
  const envFor = (phase: Phase): NodeJS.ProcessEnv => (phase === 'tree' || phase === 'content (blobs)' ? { PROJECT_SYNC_GIT: 'none' } : {});
  const syncIn = (env: NodeJS.ProcessEnv = {}) => cli(syncArgs(), { ...ENV, ...phaseEnv, ...env }, { lockWaitMs: LOCK_WAIT_MS });

  /** A fresh change on the server: many new blobs for the pack path, a few for the REST-blob path. */
  async function pushChange(phase: Phase): Promise<void> {
    change++;
    const n = phase === 'content (pack)' ? 60 : 2;
    const files: Record<string, string> = {};
    for (let i = 0; i < n; i++) files[`c${change}/n${i}.md`] = `# change ${change} file ${i}\n`;
    await commitChanges(fx.repo, files);
  }

  function resetServer(): void {
    const sw = fx.server.switches;
    sw.failures.length = 0;
    sw.secondary = null;
    sw.rateLimit = { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 };
  }

  /** Arm a server-side `fault` on the phase's opening request; returns the disarm function. */
  function arm(phase: NetPhase, fault: Fault, onHit?: () => void): () => void {
    const sw = fx.server.switches;
    return onRequest(fx.server, TRIGGER[phase], () => {
      if (fault === '500' || fault === 'drop') sw.failures.unshift({ kind: fault, count: 1 });
      else if (fault === 'slow') sw.failures.unshift({ kind: 'slow', count: 1, delayMs: TIMEOUT_MS * 6 });
      else if (fault === 'primary RL') sw.rateLimit.remaining = 0;
      else if (fault === 'secondary RL') sw.secondary = { retryAfter: 3600, count: 1 };
      else if (fault === 'SIGINT' || fault === 'SIGKILL') {
        // Hold the request so the signal lands in the middle of the phase.
        sw.failures.unshift({ kind: 'slow', count: 1, delayMs: 1500 });
        onHit?.();
      }
    });
  }

  /** Bytes the relay got to write of each answer it streamed, once the client let go of it. */
  const streamed: Promise<number>[] = [];

  /** How the relay answers the phase's opening request instead of the server. */
  function frontAnswer(phase: NetPhase, fault: Fault): (req: IncomingMessage, res: ServerResponse) => Promise<void> | void {
    const type = phase === 'content (blobs)' ? 'application/vnd.github.raw' : 'application/json; charset=utf-8';
    switch (fault) {
      case 'redirect away':
        return (req, res) => void res.writeHead(302, { location: `${capture.url}${req.url}` }).end();
      case 'redirect same origin':
        return (req, res) => void res.writeHead(302, { location: `${MOVED}${req.url}` }).end();
      case 'huge JSON':
        // Declared past the limit: refused from the headers, nothing of it read.
        return (_req, res) => {
          res.writeHead(200, { 'content-type': type, 'content-length': String(200 * 1024 * 1024) });
          res.write('{"sha":"');
          const sent = streamOut(res, Buffer.alloc(1024 * 1024, ' '), 200 * 1024 * 1024);
          streamed.push(sent);
          return sent.then(() => undefined);
        };
      case 'endless body':
        return (_req, res) => {
          res.writeHead(200, { 'content-type': type });
          res.write('{"sha":"');
          return streamOut(res, Buffer.alloc(1024 * 1024, ' '), Number.MAX_SAFE_INTEGER).then(() => undefined);
        };
      case 'gzip bomb':
        // 2 GB of JSON in about 2 MB of gzip.
        return (_req, res) => {
          const body = gzipBomb('{"sha":"', 2048);
          res.writeHead(200, { 'content-type': type, 'content-encoding': 'gzip', 'content-length': String(body.byteLength) });
          res.end(body);
        };
      default:
        throw new Error(`not a relay fault: ${fault}`);
    }
  }

  /** Plant what the lock fault leaves at sync.lock; returns what ends the fault (a live holder's death). */
  async function plantLock(fault: Fault): Promise<{ end(): void; holder?: ChildProcess }> {
    const lock = path.join(fx.storage, 'sync.lock');
    // Each cell plants its own lock (a failed cell may have left one).
    rmSync(lock, { force: true, recursive: true });
    const now = new Date();
    const lockJson = (pid: number, host: string, at: Date) => JSON.stringify({ pid, host, startedAt: at.toISOString(), token: randomUUID() });
    switch (fault) {
      case 'dead lock':
        // What a sync killed holding the lock leaves: a whole lock naming a process of this host that is gone.
        writeFileSync(lock, lockJson(await deadPid(), os.hostname(), now));
        break;
      case 'empty lock':
        // What a full disk used to leave when the lock was written.
        writeFileSync(lock, '');
        break;
      case 'lock folder':
        mkdirSync(lock);
        writeFileSync(path.join(lock, 'inside'), 'kept');
        break;
      case 'lock symlink':
        symlinkSync(path.join(tmp, 'nowhere', 'gone'), lock);
        break;
      case 'future lock': {
        const future = new Date(now.getTime() + 24 * 3600_000);
        writeFileSync(lock, lockJson(4242, 'another-host.example', future));
        utimesSync(lock, future, future);
        break;
      }
      case 'live lock': {
        // Another sync of this host in progress: its process is alive, its lock whole and fresh.
        const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        writeFileSync(lock, lockJson(holder.pid as number, os.hostname(), now));
        return { holder, end: () => void holder.kill('SIGKILL') };
      }
    }
    return { end: () => undefined };
  }

  /** Plant what a git killed mid-transfer leaves in the content cache; returns the planted paths. */
  function plantGitLocks(fault: Fault): string[] {
    const cache = path.join(fx.storage, 'objects.git');
    assert.ok(existsSync(path.join(cache, 'HEAD')), 'the content cache exists before its locks are planted');
    const packs = path.join(cache, 'objects', 'pack');
    const pack = readdirSync(packs).find((n) => n.endsWith('.pack'));
    const planted: Record<string, Buffer | string> =
      fault === 'shallow.lock'
        ? { 'shallow.lock': `${'a'.repeat(40)}\n` }
        : fault === 'ref locks'
          ? { 'index.lock': '', 'packed-refs.lock': '', 'config.lock': '', 'refs/project-sync/head.lock': `${'b'.repeat(40)}\n` }
          : {
              // A pack cut short: the start of a real one.
              'objects/pack/tmp_pack_AbC123': pack ? readFileSync(path.join(packs, pack)).subarray(0, 4096) : 'PACK',
              'objects/pack/tmp_idx_AbC123': '',
              'objects/ab/tmp_obj_XyZ789': 'x',
            };
    for (const [rel, body] of Object.entries(planted)) {
      mkdirSync(path.dirname(path.join(cache, rel)), { recursive: true });
      writeFileSync(path.join(cache, rel), body);
    }
    return Object.keys(planted);
  }

  interface Faulted {
    run: CliRun | undefined;
    ms: number;
    /** Checks of the fault's own family, once the invariants hold. */
    check(run: CliRun | undefined): void | Promise<void>;
    end(): void;
  }

  async function runFaulted(phase: Phase, fault: Fault): Promise<Faulted> {
    phaseEnv = envFor(phase);
    if (phaseEnv.PROJECT_SYNC_GIT === 'none') rmSync(path.join(fx.storage, 'objects.git'), { recursive: true, force: true });
    const started = Date.now();
    const done = (run: CliRun | undefined, check: Faulted['check'] = () => undefined, end: () => void = () => undefined): Faulted => ({ run, ms: Date.now() - started, check, end });
    const family = familyOf(fault);
    if (family === 'lock') {
      const planted = await plantLock(fault);
      const t0 = Date.now();
      const run = await syncIn({ PROJECT_SYNC_LOG: 'warn' });
      const ms = Date.now() - t0;
      return done(
        run,
        (r) => {
          const lock = path.join(fx.storage, 'sync.lock');
          if (fault === 'live lock') {
            assert.ok(ms >= LOCK_WAIT_MS && ms < LOCK_WAIT_MS + 5000, `LOCKED after the wait, not stuck (${ms} ms)`);
            assert.match(String(last(r as CliRun).message), new RegExp(`process ${planted.holder?.pid} on `), 'the holder is named');
            assert.ok(existsSync(lock), "the holder's lock is left alone");
            return;
          }
          assert.ok(ms < LOCK_WAIT_MS, `taken over at once, not waited for (${ms} ms)`);
          assert.ok(!existsSync(lock), 'released after the sync');
          assert.equal((r?.stderr.match(/taking over a stale storage lock/g) ?? []).length, 1, `the takeover is logged once: ${r?.stderr}`);
          if (fault === 'lock folder') {
            const aside = readdirSync(fx.storage).find((n) => n.startsWith('sync.lock.stale-'));
            assert.ok(aside && readFileSync(path.join(fx.storage, aside, 'inside'), 'utf8') === 'kept', 'a folder in the way is moved aside, not deleted');
            rmSync(path.join(fx.storage, aside), { recursive: true });
          }
        },
        planted.end,
      );
    }
    if (family === 'git lock') {
      const planted = plantGitLocks(fault);
      const run = await syncIn({ PROJECT_SYNC_LOG: 'warn' });
      return done(run, (r) => {
        const result = r?.lines.find((l) => l.type === 'result') as { sync: { stats: { contentSource: string } } } | undefined;
        assert.match(String(result?.sync.stats.contentSource), /pack/, 'through a git transfer into the cache');
        assert.deepEqual(gitLeftovers(path.join(fx.storage, 'objects.git')), [], 'nothing of the killed transfer is left');
        for (const rel of planted) assert.ok(r?.stderr.includes(rel), `clearing ${rel} is logged: ${r?.stderr}`);
      });
    }
    if (family === 'redirect' || family === 'size') {
      const netPhase = phase as NetPhase;
      capture.requests.length = 0;
      const answered = front.requests.length;
      const answer = frontAnswer(netPhase, fault);
      streamed.length = 0;
      let faultedUrl: string | undefined;
      // A redirect is what the address always answers while armed (a moved repository); an answer's size, once.
      const disarm = front.arm(
        TRIGGER[netPhase],
        (req, res) => {
          faultedUrl ??= req.url;
          return answer(req, res);
        },
        family === 'redirect' ? Number.POSITIVE_INFINITY : 1,
      );
      const rssBefore = process.resourceUsage().maxRSS;
      try {
        // A size fault is cut by bytes, not by the clock: the idle timeout is not what ends it.
        const run = await syncIn(family === 'size' ? { PROJECT_SYNC_TIMEOUT_MS: '5000' } : {});
        // First of all: the token never reached the other origin, whatever became of the sync.
        const leaked = capture.requests.filter((q) => q.authorization !== undefined);
        assert.deepEqual(leaked, [], `the token reached the other origin ${capture.url}`);
        return done(run, async () => {
          const seen = front.requests.slice(answered);
          assert.ok(faultedUrl, 'the faulted request was made');
          if (fault === 'redirect same origin') {
            assert.ok(seen.some((q) => q.url.startsWith(`${MOVED}/`)), 'the redirect was followed on the same origin');
            assert.ok(seen.filter((q) => q.url.startsWith(`${MOVED}/`)).every((q) => q.authorization !== undefined), 'with the token there');
            assert.equal(capture.requests.length, 0);
          }
          if (family === 'size') {
            const grewKb = process.resourceUsage().maxRSS - rssBefore;
            assert.ok(grewKb < SIZE_RSS_BOUND_KB, `peak RSS grew by ${Math.round(grewKb / 1024)} MB`);
            assert.equal(seen.filter((q) => q.url === faultedUrl).length, 1, `${faultedUrl} is not asked again`);
          if (fault === 'huge JSON') {
            // Refused from its headers: no more was sent than the sockets' buffers took before the client let go.
            const [sent] = await Promise.all(streamed);
            assert.ok(sent !== undefined && sent < 16 * 1024 * 1024, `the relay got to send ${sent} bytes`);
          }
          }
        });
      } finally {
        disarm();
      }
    }
    if (phase === 'save') {
      if (fault === 'disk full') return done(await syncIn({ PROJECT_SYNC_FAILPOINT: `enospc@${SAVE_STEP}` }));
      if (fault === 'read-only') return done(await syncIn({ PROJECT_SYNC_FAILPOINT: `eacces@${SAVE_STEP}` }));
      const action = fault === 'SIGKILL' ? 'kill' : 'sigint';
      return done(await spawnCli(cliJs, syncArgs(), { ...ENV, PROJECT_SYNC_FAILPOINT: `${action}@${SAVE_STEP}` }).done);
    }
    const netPhase = phase as NetPhase;
    if (fault === 'SIGINT' || fault === 'SIGKILL') {
      const spawned = spawnCli(cliJs, syncArgs(), { ...ENV, ...phaseEnv });
      // One signal: a second Ctrl-C means "quit now" (exit 130, the record is then interrupted).
      let sent = false;
      const disarm = arm(netPhase, fault, () => {
        if (!sent) spawned.child.kill(fault);
        sent = true;
      });
      try {
        return done(await spawned.done);
      } finally {
        disarm();
      }
    }
    const disarm = arm(netPhase, fault);
    try {
      return done(await syncIn());
    } finally {
      disarm();
    }
  }

  for (const phase of PHASES) {
    for (const fault of FAULTS) {
      if (!applicable(phase, fault)) continue;
      it(`${phase} × ${fault}`, async () => {
        await pushChange(phase);
        const before = await storeState(fx.storage);
        const active = before.history.find((r) => r.status === 'completed');
        assert.ok(active, 'a completed sync before the fault');

        const faulted = await runFaulted(phase, fault);
        const { run } = faulted;
        resetServer();
        const want = expected(phase, fault);
        try {
          const after = await storeState(fx.storage);
          const out = `${run?.stdout} ${run?.stderr}`;
          const attempt = want.status === null ? undefined : after.history[0];
          if (want.status === null) {
            assert.deepEqual(after.history, before.history, `no attempt is recorded: ${out}`);
          } else {
            assert.ok(attempt && attempt.id !== active.id, `the attempt is recorded (${out})`);
            assert.equal(attempt.status, want.status, `status of ${JSON.stringify(attempt)}; output ${out}`);
            assert.equal(attempt.error?.code ?? null, want.code, JSON.stringify(attempt.error));
            assert.equal(after.history.length, before.history.length + 1, 'one record more, none lost');
          }
          assert.deepEqual(chainProblems(after.history), []);
          if (want.status !== 'completed') {
            assert.deepEqual(after.files, before.files, 'the active sync still gives the same files');
            if (want.code && run) {
              const line = last(run);
              assert.equal(line.code, want.code, 'the CLI reports the same code');
              const message = String(line.message);
              assert.ok(message.length > 20, `a sentence, not a bare code: ${message}`);
              if (want.says) assert.match(message, want.says);
              assert.equal(run.lines.filter((l) => l.type === 'error').length, 1, 'one error line');
              assert.equal(`${run.stdout}${run.stderr}`.split(message).length - 1, 1, `said once: ${out}`);
            }
          } else if (run) {
            assert.equal(run.code, 0, out);
          }
          await faulted.check(run);
        } finally {
          faulted.end();
        }
        const after = await storeState(fx.storage);
        const attempt = want.status === null ? undefined : after.history[0];

        const retry = await syncIn();
        assert.equal(retry.code, 0, `the retry completes: ${retry.stdout} ${retry.stderr}`);
        const retried = last(retry).sync as { previousSyncId: string | null; status: string };
        const head = (await storeState(fx.storage)).history.find((r) => r.status === 'completed' && r.id !== (last(retry).sync as { id: string }).id);
        assert.equal(retried.previousSyncId, want.status === 'completed' ? attempt?.id : active.id, 'the retry chains to the last completed sync');
        assert.ok(head);
        const final = await storeState(fx.storage);
        const expectedFiles = await lsTree(fx.repo.bareDir, 'main');
        assert.deepEqual(final.files.map((f) => `${f.blobSha} ${f.path}`).sort(), expectedFiles.map((e) => `${e.sha} ${e.path}`).sort());
        assert.deepEqual(chainProblems(final.history), []);
        const shown = attempt ?? { status: 'no attempt', error: { code: want.code }, phase: null };
        const phaseNote = shown.phase ? ` @${shown.phase}` : '';
        outcomes.set(`${phase}|${fault}`, `${shown.status}${shown.error ? ` ${shown.error.code}` : ''}${phaseNote} → retry ok (${faulted.ms} ms)`);
      });
    }
  }
});
