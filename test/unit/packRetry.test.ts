// The git-transfer path retries like REST does (issue 13): a transient failure of the pack transfer
// (a dropped connection, an empty reply, a 5xx from the smart-HTTP endpoint) is tried again under the
// REST requests' retry policy and reported through the same "waiting" hook; an auth failure, a
// missing repository or branch, a full disk or a cancellation is not. Through the real CLI (and the
// engine for cancellation), on both transfer paths, against the GitHub-compatible test server behind
// a small relay that injects the faults: the server itself answers as it always does. The git path is
// tried twice: a first sync from an empty object database (`git fetch`, started beside the ref
// request) and one from a workspace holding an object (the commit the ref named, transferred by the
// smart-HTTP client, smartFetch.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SyncError } from '../../src/core/errors';
import { nullLogger } from '../../src/core/logger';
import { createEngine } from '../../src/engine';
import { classifyPackFailure, type PackFailureContext } from '../../src/engine/objects/pack';
import { runGit } from '../support/git';
import { createBranch, lsTree } from '../support/repos';
import { cli, Fixture, type CliRun } from './support/cliHarness';
import { relayTo, startHttp, upstreamHeaders, type TestHttp } from './support/cliProcess';

type Fault = 'drop' | 'cut' | 'stall' | 'pause 6 s' | '502' | '401' | '404' | 'delete branch' | '429 retry-after 1' | '429 retry-after 0' | '429 retry-after 3600' | '503 retry-after 1';
type Engine = 'git' | 'smart' | 'none';
/** Which git requests a fault applies to: the first POST to git-upload-pack, the first info/refs, or every git request. */
type Where = 'first pack POST' | 'first info/refs' | 'every git request';

const ENV = { PROJECT_SYNC_TIMEOUT_MS: '5000', PROJECT_SYNC_RETRY_BASE_MS: '5', PROJECT_SYNC_LOG: 'info' };
const RETRY_LOG = /before retrying the git transfer/g;

const isGit = (url: string): boolean => /\.git\/(info\/refs|git-upload-pack)/.test(url);

describe('the git pack transfer retries transient failures like REST requests', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let relay: TestHttp;
  let tmp: string;
  let workdir: string;
  /** A workspace whose object database is not empty: its first sync transfers by the commit's sha. */
  let workdirWithObject: string;
  let armed: { fault: Fault; where: Where; hits: number } | undefined;
  let run = 0;

  before(async () => {
    const files: Record<string, string> = { 'README.md': '# r\n' };
    // More than REST_BLOB_LIMIT (50) files: the portable path fetches them as one pack too.
    for (let i = 0; i < 60; i++) files[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
    fx = await Fixture.create(files);
    const forward = relayTo(fx.server.url);
    relay = await startHttp('127.0.0.1', async (req, res) => {
      const url = req.url ?? '/';
      if (isGit(url)) gitAsked?.();
      // The 'git fetch' variant: a first sync's transfer starts beside the ref request and is git
      // fetch's only when it starts before the ref answers (after, the smart client transfers the
      // commit the ref named). The ref's answer is held until git's first request, as a slower API
      // would: on a busy machine the answer could otherwise win and the variant test the other client.
      if (gitFirst && /\/git\/refs?\/heads\//.test(url)) await gitFirst;
      const fault = armed && isGit(url) && applies(armed.where, req.method ?? 'GET', url) ? armed : undefined;
      if (!fault) return forward(req, res);
      fault.hits++;
      if (fault.where !== 'every git request') armed = undefined;
      return inject(fault.fault, req, res, () => forward(req, res));
    });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-pack-retry-'));
    workdir = path.join(tmp, 'ws');
    execFileSync('git', ['init', '-q', workdir]);
    execFileSync('git', ['-C', workdir, 'remote', 'add', 'origin', `${relay.url}/octo/repo.git`]);
    workdirWithObject = path.join(tmp, 'ws-object');
    execFileSync('git', ['init', '-q', workdirWithObject]);
    execFileSync('git', ['-C', workdirWithObject, 'remote', 'add', 'origin', `${relay.url}/octo/repo.git`]);
    execFileSync('git', ['-C', workdirWithObject, 'hash-object', '-w', '--stdin'], { input: 'not of this repository\n' });
  });
  after(async () => {
    await relay?.close();
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(() => {
    armed = undefined;
  });

  let seenInfoRefs = false;
  /** Set for the 'git fetch' variant's syncs: settled by the first git request (see the relay). */
  let gitFirst: Promise<void> | undefined;
  let gitAsked: (() => void) | undefined;
  function applies(where: Where, method: string, url: string): boolean {
    if (where === 'every git request') return true;
    if (where === 'first pack POST') return method === 'POST' && url.includes('/git-upload-pack');
    const first = url.includes('/info/refs') && !seenInfoRefs;
    seenInfoRefs ||= first;
    return first;
  }

  async function inject(fault: Fault, req: IncomingMessage, res: ServerResponse, forward: () => Promise<void> | void): Promise<void> {
    switch (fault) {
      case 'drop':
        // The connection closes with no answer: git says "Empty reply from server".
        req.socket.destroy();
        return;
      case 'cut':
        // The server's real answer starts, then the connection is reset in the middle of the pack.
        return cutAfterFirstChunk(req, res);
      case 'stall':
        // The server's real answer starts, then nothing more comes and the connection stays open.
        return stallAfterFirstChunk(req, res);
      case 'pause 6 s':
        // The server's real answer starts, pauses 6 s (a server still packing), then goes on.
        return pauseAfterFirstChunk(req, res, 6_000);
      case '502':
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
        return;
      case '401':
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="GitHub"' }).end('Authentication failed.\n');
        return;
      case '404':
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found.\n');
        return;
      case '429 retry-after 0':
      case '429 retry-after 1':
      case '429 retry-after 3600':
        res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': fault.split(' ').at(-1) as string }).end('Too many requests.\n');
        return;
      case '503 retry-after 1':
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('Service unavailable.\n');
        return;
      case 'delete branch':
        // The branch goes away between the REST head and the transfer (someone deleted it meanwhile).
        for (const doomed of ['doomed', 'doomed2']) await runGit(['--git-dir', fx.repo.bareDir, 'update-ref', '-d', `refs/heads/${doomed}`]).catch(() => undefined);
        return forward();
    }
  }

  function cutAfterFirstChunk(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return new Promise<void>((resolve) => {
      const to = new URL(req.url ?? '/', fx.server.url);
      const upstream = httpRequest(to, { method: req.method, headers: upstreamHeaders(req, to), agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => {
            answer.destroy();
            res.socket?.resetAndDestroy();
            resolve();
          });
        });
      });
      upstream.on('error', () => resolve());
      req.pipe(upstream);
    });
  }

  function stallAfterFirstChunk(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return new Promise<void>((resolve) => {
      const to = new URL(req.url ?? '/', fx.server.url);
      const upstream = httpRequest(to, { method: req.method, headers: upstreamHeaders(req, to), agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.once('data', (chunk: Buffer) => {
          // The rest of the server's answer is dropped: silence until the client gives up on this connection.
          answer.destroy();
          res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
          res.once('close', () => resolve());
        });
      });
      upstream.on('error', () => resolve());
      req.pipe(upstream);
    });
  }

  function pauseAfterFirstChunk(req: IncomingMessage, res: ServerResponse, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const to = new URL(req.url ?? '/', fx.server.url);
      res.on('error', () => undefined);
      const upstream = httpRequest(to, { method: req.method, headers: upstreamHeaders(req, to), agent: false }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.once('data', (chunk: Buffer) => {
          answer.pause();
          const half = Math.max(1, chunk.length >> 1);
          res.write(chunk.subarray(0, half));
          setTimeout(() => {
            res.write(chunk.subarray(half));
            answer.pipe(res);
            answer.once('end', () => resolve());
          }, ms);
        });
      });
      upstream.on('error', () => resolve());
      req.pipe(upstream);
    });
  }

  /** A first sync into a fresh storage folder: the content has to come as a pack. */
  async function sync(engine: Engine, fault?: Fault, where?: Where, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    seenInfoRefs = false;
    if (engine === 'git') {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
      gitFirst = Promise.race([new Promise<void>((resolve) => (gitAsked = resolve)), timeout]);
    } else {
      gitFirst = gitAsked = undefined;
    }
    armed = fault && where ? { fault, where, hits: 0 } : undefined;
    const storage = path.join(tmp, `storage-${++run}`);
    const repo = engine === 'smart' ? workdirWithObject : workdir;
    const from = relay.requests.length;
    const result = await cli(['sync', '--repo', repo, '--storage', storage, '--json', ...extra], { ...ENV, PROJECT_SYNC_GIT: engine === 'none' ? 'none' : undefined, ...env });
    // The variant tested the client it names: git's own requests say `git/2.x`, the smart client's `git/project-sync`.
    const first = gitRequests(from)[0];
    if (first) assert.equal(/^git\/\d/.test(first.userAgent ?? ''), engine === 'git', `the ${engine} variant's first git request came from ${first.userAgent}`);
    return result;
  }

  const of = (r: CliRun, type: string) => r.lines.filter((l) => l.type === type);
  const waits = (r: CliRun) => of(r, 'waiting');
  const gitRequests = (from: number) => relay.requests.slice(from).filter((r) => isGit(r.url));

  for (const engine of ['git', 'smart', 'none'] as const) {
    const label = { git: 'git binary (git fetch)', smart: 'git binary (the smart-HTTP client)', none: 'the portable path (the smart-HTTP client, its pack indexed here)' }[engine];
    // git prints no response headers; the smart client and isomorphic-git see them.
    const seesHeaders = engine !== 'git';
    describe(label, () => {
      const once = [
        ['drop', 'first info/refs', 'the transfer\'s first request dropped (an empty reply)'],
        ['cut', 'first pack POST', 'the pack request reset mid-answer'],
        ['502', 'first pack POST', 'the pack request answered 502'],
      ] as const;
      for (const [fault, where, what] of once) {
        it(`${what}, then fine: the sync completes after one retry, said once`, async () => {
          const from = relay.requests.length;
          const r = await sync(engine, fault, where);
          assert.equal(r.code, 0, r.stdout + r.stderr);
          const result = r.lines.at(-1) as { type: string; sync: { status: string; stats: { contentSource: string; files: number } } };
          assert.equal(result.type, 'result');
          assert.equal(result.sync.status, 'completed');
          assert.match(result.sync.stats.contentSource, /pack/);
          assert.deepEqual(
            waits(r).map((w) => w.reason),
            ['retry'],
            'one retry wait reported through the sync\'s hook (the banner and status bar say "retrying")',
          );
          assert.equal(r.stderr.match(RETRY_LOG)?.length, 1, `one retry logged: ${r.stderr}`);
          const faulted = gitRequests(from).filter((q) => (where === 'first pack POST' ? q.method === 'POST' : q.url.includes('/info/refs')));
          assert.ok(faulted.length >= 2, `the failed request was made again: ${JSON.stringify(gitRequests(from))}`);
          assert.equal(result.sync.stats.files, (await lsTree(fx.repo.bareDir, 'main')).length);
        });
      }

      // git prints no response headers: `git fetch` waits the back-off, the others the Retry-After (a
      // 503 without one is the 502 case above, and git cannot tell them apart).
      const asked = [
        ['429 retry-after 1', 'secondary-rate-limit', 'the pack request answered 429 (too many requests)'],
        ...(seesHeaders ? ([['503 retry-after 1', 'retry', 'the pack request answered 503 with a Retry-After']] as const) : []),
      ] as const;
      for (const [fault, reason, what] of asked) {
        it(`${what}, then fine: waited out (${seesHeaders ? 'its Retry-After' : 'the back-off'}) and retried, reported as a "${reason}" wait`, async () => {
          const r = await sync(engine, fault, 'first pack POST');
          assert.equal(r.code, 0, r.stdout + r.stderr);
          const result = r.lines.at(-1) as { type: string; sync: { status: string; stats: { files: number } } };
          assert.equal(result.sync?.status, 'completed', r.stdout);
          assert.deepEqual(
            waits(r).map((w) => [w.reason, w.seconds]),
            [[reason, seesHeaders ? 1 : 0.005]],
          );
          assert.equal(r.stderr.match(RETRY_LOG)?.length, 1, `one retry logged: ${r.stderr}`);
          assert.equal(result.sync.stats.files, (await lsTree(fx.repo.bareDir, 'main')).length);
        });
      }

      it('always answering 429: RATE_LIMITED after the retry budget (4 attempts), each wait a rate-limit wait', async () => {
        const r = await sync(engine, '429 retry-after 0', 'every git request');
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const errors = of(r, 'error') as Array<{ code: string; message: string }>;
        assert.equal(errors.length, 1, `one error: ${r.stdout}`);
        assert.equal(errors[0]?.code, 'RATE_LIMITED', errors[0]?.message);
        // The extension's error presentation says "GitHub asked Project Sync to slow down" for these words.
        assert.match(errors[0]?.message ?? '', /429, a secondary rate limit, after 4 attempts/);
        assert.deepEqual(
          waits(r).map((w) => [w.reason, w.seconds]),
          !seesHeaders
            ? [['secondary-rate-limit', 0.005], ['secondary-rate-limit', 0.01], ['secondary-rate-limit', 0.02]]
            : [['secondary-rate-limit', 0], ['secondary-rate-limit', 0], ['secondary-rate-limit', 0]],
        );
        assert.equal(armed?.hits, 4, 'four attempts reached the git endpoint');
      });

      it('always failing: NETWORK after the retry budget (4 attempts), said once', async () => {
        const r = await sync(engine, 'drop', 'every git request');
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const errors = of(r, 'error') as Array<{ code: string; message: string }>;
        assert.equal(errors.length, 1, `one error: ${r.stdout}`);
        assert.equal(errors[0]?.code, 'NETWORK');
        assert.match(errors[0]?.message ?? '', /after 4 attempts/);
        assert.equal(errors[0]?.message.split(relay.url).length, 2, `the URL once: ${errors[0]?.message}`);
        assert.deepEqual(
          waits(r).map((w) => w.reason),
          ['retry', 'retry', 'retry'],
        );
        assert.deepEqual(
          waits(r).map((w) => w.seconds),
          [0.005, 0.01, 0.02],
          'the REST back-off: base, doubled each retry',
        );
        assert.equal(of(r, 'warning').length, 0, 'not repeated as warnings');
        assert.equal(armed?.hits, 4, 'four attempts reached the git endpoint');
      });

      for (const fault of ['401', '404'] as const) {
        it(`a ${fault} from the git endpoint is not retried`, async () => {
          const from = relay.requests.length;
          const r = await sync(engine, fault, 'first info/refs');
          assert.equal(r.code, 1, r.stdout + r.stderr);
          const error = r.lines.at(-1) as { type: string; code: string; message: string };
          assert.equal(error.type, 'error');
          assert.equal(error.code, fault === '401' ? 'AUTH_REQUIRED' : 'NO_REMOTE', error.message);
          assert.deepEqual(waits(r), [], 'no retry wait');
          assert.equal(r.stderr.match(RETRY_LOG), null);
          assert.equal(gitRequests(from).length, 1, `one request to the git endpoint: ${JSON.stringify(gitRequests(from))}`);
        });
      }

      // The smart client (the portable path's too) transfers the commit the ref named, which the server still has.
      if (engine !== 'git') {
        it('a branch deleted before its transfer: the commit the ref named is synced all the same', async () => {
          await createBranch(fx.repo, 'doomed2', 'main');
          const r = await sync(engine, 'delete branch', 'first info/refs', ['--branch', 'doomed2']);
          assert.equal(r.code, 0, r.stdout + r.stderr);
          const result = r.lines.at(-1) as { type: string; sync: { status: string; stats: { files: number } } };
          assert.equal(result.sync?.status, 'completed', r.stdout);
          assert.equal(result.sync.stats.files, (await lsTree(fx.repo.bareDir, 'main')).length);
        });
        return;
      }
      it('a branch deleted before its transfer: BRANCH_NOT_FOUND, not retried', async () => {
        await createBranch(fx.repo, 'doomed', 'main');
        const from = relay.requests.length;
        const r = await sync(engine, 'delete branch', 'first info/refs', ['--branch', 'doomed']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const error = r.lines.at(-1) as { type: string; code: string; message: string };
        assert.equal(error.code, 'BRANCH_NOT_FOUND', error.message);
        assert.match(error.message, /doomed/);
        assert.deepEqual(waits(r), []);
        assert.equal(gitRequests(from).filter((q) => q.url.includes('/info/refs')).length, 1, 'the transfer was not started again');
      });
    });
  }

  // `git fetch` has had this from curl (http.lowSpeedTime); the smart client and the portable path watch their own reads.
  for (const engine of ['smart', 'none'] as const) describe(`${engine === 'none' ? 'the portable path' : 'the smart-HTTP client (git path)'}: a pack answer that stalls (PROJECT_SYNC_TIMEOUT_MS of silence)`, () => {
    const STALL = { PROJECT_SYNC_TIMEOUT_MS: '2000' };

    it('stalls once mid-pack, then fine: that attempt is abandoned after the timeout and retried', async function () {
      this.timeout(30_000);
      const started = Date.now();
      const r = await sync(engine, 'stall', 'first pack POST', [], STALL);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = r.lines.at(-1) as { type: string; sync: { status: string; stats: { files: number } } };
      assert.equal(result.sync?.status, 'completed', r.stdout);
      assert.deepEqual(
        waits(r).map((w) => [w.reason, w.seconds]),
        [['retry', 0.005]],
      );
      assert.match(r.stderr, /before retrying the git transfer of main: the server sent no data for 2 s/);
      assert.ok(Date.now() - started < 20_000, `abandoned after the stall time, not hung (${Date.now() - started} ms)`);
      assert.equal(result.sync.stats.files, (await lsTree(fx.repo.bareDir, 'main')).length);
    });

    // Node's global HTTP agent (keep-alive, 5 s socket timeout since Node 19) used to cut this one.
    it('a pause shorter than the stall time (6 s of 10 s) is waited through: no retry', async function () {
      this.timeout(60_000);
      const r = await sync(engine, 'pause 6 s', 'first pack POST', [], { PROJECT_SYNC_TIMEOUT_MS: '10000' });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const result = r.lines.at(-1) as { type: string; sync: { status: string; stats: { files: number; contentSource: string } } };
      assert.equal(result.sync?.status, 'completed', r.stdout);
      assert.deepEqual(waits(r), [], `no retry: ${r.stderr}`);
      assert.equal(result.sync.stats.contentSource, 'pack');
    });

    it('always stalling: NETWORK after 4 attempts, saying the server sent nothing', async function () {
      this.timeout(60_000);
      const r = await sync(engine, 'stall', 'every git request', [], STALL);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const error = r.lines.at(-1) as { type: string; code: string; message: string };
      assert.equal(error.code, 'NETWORK', error.message);
      assert.match(error.message, /failed after 4 attempts: the server sent no data for 2 s/);
      assert.deepEqual(
        waits(r).map((w) => w.reason),
        ['retry', 'retry', 'retry'],
        r.stderr,
      );
    });
  });

  it('isomorphic-git: a 429 asking for longer than --max-wait fails at once with RATE_LIMITED, no wait', async () => {
    const from = relay.requests.length;
    const r = await sync('none', '429 retry-after 3600', 'first pack POST');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const error = r.lines.at(-1) as { type: string; code: string; message: string };
    assert.equal(error.code, 'RATE_LIMITED', error.message);
    assert.match(error.message, /secondary rate limit, until .*3600 s, more than the 60 s allowed/);
    assert.deepEqual(waits(r), []);
    assert.equal(gitRequests(from).filter((q) => q.method === 'POST').length, 1, 'not tried again');
  });

  it('a cancellation during the back-off ends the sync at once (CANCELLED), without another attempt', async () => {
    // A long back-off: the sync would wait 20 s before the next attempt.
    const engine = await createEngine({ storageDir: path.join(tmp, 'storage-cancel'), logger: nullLogger, retryBaseMs: 20_000 });
    try {
      armed = { fault: 'drop', where: 'every git request', hits: 0 };
      const controller = new AbortController();
      const events = engine.sync({ workdir, branch: 'main' }, controller.signal);
      let waited = 0;
      let abortedAt = 0;
      const outcome = await (async () => {
        for (;;) {
          const step = await events.next();
          if (step.done) return step.value;
          if (step.value.type === 'waiting') {
            waited++;
            abortedAt = Date.now();
            controller.abort();
          }
        }
      })().catch((e: unknown) => e);
      assert.ok(outcome instanceof SyncError, String(outcome));
      assert.equal(outcome.code, 'CANCELLED');
      assert.equal(waited, 1);
      assert.equal(armed.hits > 0, true);
      const hits = armed.hits;
      assert.ok(Date.now() - abortedAt < 5_000, `it did not sit out the back-off (${Date.now() - abortedAt} ms)`);
      assert.equal(armed.hits, hits, 'no attempt after the cancellation');
      assert.equal(engine.store.list()[0]?.status, 'cancelled');
    } finally {
      await engine.close();
    }
  });
});

describe('classifyPackFailure: what is transient', () => {
  const ctx: PackFailureContext = { url: 'https://github.com/o/r.git', branch: 'main', cacheGitDir: '/tmp/x/objects.git', hasToken: true, aborted: false };
  const gitError = (stderr: string) => new Error(stderr);
  const kind = (e: unknown, over: Partial<PackFailureContext> = {}) => {
    const f = classifyPackFailure(e, { ...ctx, ...over });
    return f.kind === 'transient' ? 'transient' : f.error.code;
  };

  it('git (curl): resets, refusals, empty replies, 5xx and stalls are transient', () => {
    for (const stderr of [
      "fatal: unable to access 'https://github.com/o/r.git/': Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server",
      "fatal: unable to access 'https://github.com/o/r.git/': Empty reply from server",
      "fatal: unable to access 'https://github.com/o/r.git/': Recv failure: Connection reset by peer",
      "fatal: unable to access 'https://github.com/o/r.git/': The requested URL returned error: 502",
      'error: RPC failed; HTTP 503 curl 22 The requested URL returned error: 503\nfatal: expected flush after ref listing',
      'error: RPC failed; curl 28 Operation too slow. Less than 1 bytes/sec transferred the last 1 seconds\nfatal: early EOF',
      "fatal: unable to access 'https://github.com/o/r.git/': Could not resolve host: github.com",
    ]) {
      assert.equal(kind(gitError(stderr)), 'transient', stderr);
    }
  });

  it('isomorphic-git and node: connection errors, empty responses and 5xx are transient', () => {
    assert.equal(kind(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'transient');
    assert.equal(kind(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })), 'transient');
    assert.equal(kind(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })), 'transient');
    assert.equal(kind(Object.assign(new Error('Empty response from git server.'), { code: 'EmptyServerResponseError' })), 'transient');
    assert.equal(kind(Object.assign(new Error('HTTP Error: 502 Bad Gateway'), { code: 'HttpError', data: { statusCode: 502 } })), 'transient');
  });

  it('a 429 is transient and limited; a Retry-After (seconds or an HTTP date) is kept when there is one', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const at = (e: unknown) => classifyPackFailure(e, { ...ctx, nowMs: now });
    assert.deepEqual(at(gitError("fatal: unable to access 'https://github.com/o/r.git/': The requested URL returned error: 429")), {
      kind: 'transient',
      reason: 'the git endpoint answered 429 (too many requests)',
      limited: true,
    });
    const http = (status: number, retryAfter?: string) =>
      Object.assign(new Error(`HTTP Error: ${status}`), { code: 'HttpError', data: { statusCode: status }, ...(retryAfter !== undefined ? { retryAfter } : {}) });
    assert.deepEqual(at(http(429, '7')), { kind: 'transient', reason: 'the git endpoint answered 429 (too many requests)', limited: true, retryAfterSeconds: 7 });
    assert.equal((at(http(503, 'Thu, 01 Jan 2026 00:00:30 GMT')) as { retryAfterSeconds?: number }).retryAfterSeconds, 30);
    assert.equal((at(http(503, 'soon')) as { retryAfterSeconds?: number }).retryAfterSeconds, undefined);
  });

  it('never retried: auth, a missing repository or branch, other 4xx, a redirect, a full disk, a cancellation', () => {
    assert.equal(kind(gitError("fatal: Authentication failed for 'https://github.com/o/r.git/'")), 'AUTH_REQUIRED');
    assert.equal(kind(gitError("fatal: could not read Username for 'https://github.com': terminal prompts disabled")), 'AUTH_REQUIRED');
    assert.equal(kind(Object.assign(new Error('The operation was canceled.'), { code: 'UserCanceledError' })), 'AUTH_REQUIRED');
    assert.equal(kind(Object.assign(new Error('HTTP Error: 401 Unauthorized'), { code: 'HttpError', data: { statusCode: 401 } })), 'AUTH_REQUIRED');
    assert.equal(kind(gitError("remote: Repository not found.\nfatal: repository 'https://github.com/o/r.git/' not found")), 'NO_REMOTE');
    assert.equal(kind(Object.assign(new Error('HTTP Error: 404 Not Found'), { code: 'HttpError', data: { statusCode: 404 } })), 'NO_REMOTE');
    assert.equal(kind(gitError('fatal: couldn\'t find remote ref refs/heads/main')), 'BRANCH_NOT_FOUND');
    assert.equal(kind(Object.assign(new Error('Could not find main.'), { code: 'NotFoundError', data: { what: 'main' } })), 'BRANCH_NOT_FOUND');
    assert.equal(kind(gitError("fatal: unable to access 'https://github.com/o/r.git/': The requested URL returned error: 302")), 'NETWORK');
    assert.equal(kind(gitError('fatal: write error: No space left on device\nfatal: the remote end hung up unexpectedly')), 'STORAGE_ERROR');
    assert.equal(kind(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })), 'STORAGE_ERROR');
    assert.equal(kind(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })), 'CANCELLED');
    assert.equal(kind(gitError('fatal: early EOF'), { aborted: true }), 'CANCELLED');
    assert.equal(kind(gitError('fatal: something nobody expected')), 'NETWORK');
  });
});
