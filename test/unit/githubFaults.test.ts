import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { isSyncError } from '../../src/core/errors';
import { nullLogger } from '../../src/core/logger';
import type { NetworkHooks } from '../../src/core/ports';
import { createGitHubConnector, type GitHubConnectorOptions } from '../../src/github/connector';
import { toRemoteRepository } from '../../src/github/remoteUrl';
import { startGitHubServer, type GitHubServer } from '../support/githubServer';
import { createTestRepo, type TestRepo } from '../support/repos';

type Wait = Parameters<NonNullable<NetworkHooks['onWait']>>[0];

describe('GitHub connector: rate limits, faults and auth', () => {
  let server: GitHubServer;
  let repo: TestRepo;
  let waits: Wait[];

  function connect(name = 'app', extra: Partial<GitHubConnectorOptions> = {}) {
    const repository = toRemoteRepository(`${server.url}/octo/${name}.git`, 'origin');
    return createGitHubConnector({ repository, logger: nullLogger, retryBaseMs: 5, hooks: { onWait: (w) => waits.push(w) }, ...extra });
  }

  before(async () => {
    server = await startGitHubServer();
    repo = await createTestRepo({ 'a.txt': 'a\n', 'src/b.ts': 'export const b = 1;\n' });
    server.addRepository('octo', 'app', repo.bareDir);
    server.addRepository('octo', 'secret', repo.bareDir, { private: true });
    server.tokens.add('good-token');
  });

  after(async () => {
    await server.close();
    await repo.cleanup();
  });

  beforeEach(() => {
    waits = [];
    server.clearRequests();
    server.switches.failures = [];
    server.switches.secondary = null;
    server.switches.ssoUrl = null;
    server.switches.rateLimit = { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 };
  });

  it('waits for the primary limit to reset, then succeeds', async () => {
    server.switches.rateLimit = { limit: 60, remaining: 0, resetAt: Math.floor(Date.now() / 1000) + 1 };
    const started = Date.now();
    const head = await connect().fetchBranchHead('main');
    assert.match(head.commitSha, /^[0-9a-f]{40}$/);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.reason, 'primary-rate-limit');
    assert.ok(waits[0]!.seconds >= 1 && waits[0]!.seconds <= 3);
    assert.ok(Date.now() - started >= 900, 'it really waited');
  });

  it('fails with RATE_LIMITED and the reset time when the wait exceeds the maximum', async () => {
    const resetAt = Math.floor(Date.now() / 1000) + 3600;
    server.switches.rateLimit = { limit: 60, remaining: 0, resetAt };
    await assert.rejects(
      connect('app', { maxWaitSeconds: 60 }).fetchRepository(),
      (e: unknown) => isSyncError(e, 'RATE_LIMITED') && e.details.resetAt === new Date(resetAt * 1000).toISOString(),
    );
    assert.equal(waits.length, 0);
    assert.equal(server.requests.length, 1);
  });

  it('honours retry-after on a secondary limit', async () => {
    server.switches.secondary = { retryAfter: 1, count: 1 };
    const info = await connect().fetchRepository();
    assert.equal(info.defaultBranch, 'main');
    assert.deepEqual(
      waits.map((w) => [w.reason, w.seconds]),
      [['secondary-rate-limit', 1]],
    );
  });

  it('refuses a secondary-limit wait of a minute when the maximum is shorter', async () => {
    server.switches.secondary = { count: 1 };
    await assert.rejects(connect('app', { maxWaitSeconds: 5 }).fetchRepository(), (e: unknown) => isSyncError(e, 'RATE_LIMITED') && /secondary/.test(e.message));
  });

  it('retries 500 and 502 answers with back-off, then succeeds', async () => {
    server.switches.failures = [
      { kind: '500', count: 2, match: '/git/ref/' },
      { kind: '502', count: 1, match: '/git/commits/' },
    ];
    const connector = connect();
    const head = await connector.fetchBranchHead('main');
    assert.match(head.treeSha, /^[0-9a-f]{40}$/);
    assert.deepEqual(
      waits.map((w) => w.reason),
      ['retry', 'retry', 'retry'],
    );
    assert.ok(waits[1]!.seconds > waits[0]!.seconds, 'exponential back-off');
    assert.deepEqual(server.requests.map((r) => r.status), [500, 500, 200, 502, 200]);
    assert.equal(connector.counters().requests, 5);
  });

  /** No kept-alive connection left from earlier tests: the next request opens a new one. */
  async function dropKeptAlive(): Promise<void> {
    await server.suspend();
    await server.resume();
    await new Promise((resolve) => setTimeout(resolve, 50));
    server.clearRequests();
  }

  it('retries a dropped connection, then succeeds', async () => {
    await dropKeptAlive();
    server.switches.failures = [{ kind: 'drop', count: 1 }];
    const info = await connect().fetchRepository();
    assert.equal(info.private, false);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(waits.map((w) => w.reason), ['retry']);
  });

  it('a GET dropped on a kept-alive connection is sent again at once on a new one (a server closing it as idle), with no retry wait', async () => {
    await dropKeptAlive();
    const connector = connect();
    await connector.fetchRepository();
    server.switches.failures = [{ kind: 'drop', count: 1 }];
    const info = await connector.fetchRepository();
    assert.equal(info.private, false);
    assert.equal(server.requests.length, 3, 'one answered, one dropped, the same sent again');
    assert.deepEqual(waits, []);
  });

  it('gives up with NETWORK after too many failures', async () => {
    server.switches.failures = [{ kind: '500', count: 10 }];
    await assert.rejects(connect('app', { retries: 2 }).fetchRepository(), (e: unknown) => isSyncError(e, 'NETWORK') && /3 attempts/.test(e.message));
    assert.equal(server.requests.length, 3);
    server.switches.failures = [{ kind: 'drop', count: 10 }];
    await assert.rejects(connect('app', { retries: 1 }).fetchRepository(), (e: unknown) => isSyncError(e, 'NETWORK') && /Could not reach/.test(e.message));
  });

  it('rejects a bad token with AUTH_REQUIRED, without retrying', async () => {
    await assert.rejects(
      connect('app', { token: 'ghp_wrongwrongwrongwrong' }).fetchRepository(),
      (e: unknown) => isSyncError(e, 'AUTH_REQUIRED') && /token was rejected/.test(e.message) && !e.message.includes('ghp_'),
    );
    assert.deepEqual(server.requests.map((r) => r.status), [401]);
  });

  it('tells a missing token (private repository) apart from a missing repository', async () => {
    await assert.rejects(connect('secret').fetchRepository(), (e: unknown) => isSyncError(e, 'AUTH_REQUIRED') && /private; sign in/.test(e.message));
    await assert.rejects(connect('secret').fetchBranchHead('main'), (e: unknown) => isSyncError(e, 'AUTH_REQUIRED'));
    assert.equal((await connect('secret', { token: 'good-token' }).fetchRepository()).private, true);
    await assert.rejects(connect('nothing-here', { token: 'good-token' }).fetchRepository(), (e: unknown) => isSyncError(e, 'NO_REMOTE') && /not found/.test(e.message));
    assert.ok(server.requests.filter((r) => r.status === 404).length >= 3);
  });

  it('turns an SSO 403 into AUTH_REQUIRED carrying the authorisation URL', async () => {
    server.switches.ssoUrl = 'https://github.example/orgs/octo/sso?authorization_request=abc';
    await assert.rejects(
      connect('app', { token: 'good-token' }).fetchBranches(),
      (e: unknown) => isSyncError(e, 'AUTH_REQUIRED') && e.details.url === 'https://github.example/orgs/octo/sso?authorization_request=abc',
    );
  });

  it('cancels during a rate-limit wait', async () => {
    server.switches.secondary = { retryAfter: 30, count: 1 };
    const controller = new AbortController();
    const pending = connect('app', { hooks: { onWait: () => controller.abort() } }).fetchRepository(controller.signal);
    const started = Date.now();
    await assert.rejects(pending, (e: unknown) => isSyncError(e, 'CANCELLED'));
    assert.ok(Date.now() - started < 1000);
  });

  describe('a host that answers with a web page', () => {
    let proxy: Server;
    let url = '';
    before(async () => {
      proxy = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to the proxy</body></html>'));
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const address = proxy.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

    it('fails with NETWORK and a clear sentence instead of a parse error', async () => {
      const repository = toRemoteRepository(`${url}/octo/app.git`, 'origin');
      const connector = createGitHubConnector({ repository, logger: nullLogger });
      await assert.rejects(connector.fetchRepository(), (e: unknown) => isSyncError(e, 'NETWORK') && /did not answer like the GitHub API.*text\/html/.test(e.message));
    });
  });
});
