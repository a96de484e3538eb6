import assert from 'node:assert/strict';
import { isSyncError } from '../../src/core/errors';
import type { Logger } from '../../src/core/logger';
import { createGitHubConnector } from '../../src/github/connector';
import { classifyFailure, MAX_RATE_LIMIT_WAITS, ssoUrl, type FailureContext, type HttpFailure } from '../../src/github/errors';
import { describeRateLimit } from '../../src/github/octokit';
import { nextPageUrl } from '../../src/github/pagination';
import { toRemoteRepository } from '../../src/github/remoteUrl';
import { toFailure } from '../../src/github/requester';
import { abortableSleep, createLimiter } from '../../src/github/sleep';
import { toRepositoryFile } from '../../src/github/tree';
import { startGitHubServer } from '../support/githubServer';
import { createTestRepo } from '../support/repos';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const ctx = (over: Partial<FailureContext> = {}): FailureContext => ({
  hasToken: true,
  target: 'object',
  repoLabel: 'octo/app on github.com',
  host: 'github.com',
  retryAttempt: 0,
  rateLimitAttempt: 0,
  retries: 3,
  maxWaitSeconds: 60,
  retryBaseMs: 1000,
  nowMs: NOW,
  ...over,
});
const failure = (status: number, headers: Record<string, string> = {}, message = ''): HttpFailure => ({ status, headers, message });
const resetIn = (s: number) => String(NOW / 1000 + s);

describe('GitHub error classification (pure)', () => {
  it('never retries 401 and words it by whether a token was sent', () => {
    const withToken = classifyFailure(failure(401, {}, 'Bad credentials'), ctx());
    assert.ok(withToken.kind === 'fail' && isSyncError(withToken.error, 'AUTH_REQUIRED') && /token was rejected/.test(withToken.error.message));
    const without = classifyFailure(failure(401), ctx({ hasToken: false }));
    assert.ok(without.kind === 'fail' && /sign in/.test(without.error.message));
  });

  it('maps 404 by target and token', () => {
    const privateRepo = classifyFailure(failure(404), ctx({ target: 'repository', hasToken: false }));
    assert.ok(privateRepo.kind === 'fail' && privateRepo.error.code === 'AUTH_REQUIRED' && /may be private/.test(privateRepo.error.message));
    const missingRepo = classifyFailure(failure(404), ctx({ target: 'repository' }));
    assert.ok(missingRepo.kind === 'fail' && missingRepo.error.code === 'NO_REMOTE');
    const branch = classifyFailure(failure(404), ctx({ target: 'branch' }));
    assert.ok(branch.kind === 'fail' && branch.error.code === 'BRANCH_NOT_FOUND');
  });

  it('waits for a primary reset within the maximum, else RATE_LIMITED with the reset time', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetIn(30) };
    for (const status of [403, 429]) {
      const d = classifyFailure(failure(status, headers, 'API rate limit exceeded'), ctx());
      assert.deepEqual(d, { kind: 'wait', reason: 'primary-rate-limit', seconds: 31, resetAt: '2025-01-01T00:00:30.000Z' });
    }
    const far = classifyFailure(failure(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetIn(600) }), ctx());
    assert.ok(far.kind === 'fail' && far.error.code === 'RATE_LIMITED' && far.error.details.resetAt === '2025-01-01T00:10:00.000Z');
    const tooMany = classifyFailure(failure(403, headers), ctx({ rateLimitAttempt: MAX_RATE_LIMIT_WAITS }));
    assert.equal(tooMany.kind === 'fail' && tooMany.error.code, 'RATE_LIMITED');
  });

  it('honours retry-after on secondary limits, else a minute doubling', () => {
    const msg = 'You have exceeded a secondary rate limit.';
    assert.deepEqual(classifyFailure(failure(403, { 'retry-after': '7', 'x-ratelimit-remaining': '4000' }, msg), ctx()), {
      kind: 'wait',
      reason: 'secondary-rate-limit',
      seconds: 7,
      resetAt: '2025-01-01T00:00:07.000Z',
    });
    const first = classifyFailure(failure(403, { 'x-ratelimit-remaining': '4000' }, msg), ctx({ maxWaitSeconds: 1000 }));
    const second = classifyFailure(failure(403, { 'x-ratelimit-remaining': '4000' }, msg), ctx({ maxWaitSeconds: 1000, rateLimitAttempt: 1 }));
    assert.equal(first.kind === 'wait' && first.seconds, 60);
    assert.equal(second.kind === 'wait' && second.seconds, 120);
    assert.equal(classifyFailure(failure(429), ctx({ maxWaitSeconds: 10 })).kind, 'fail');
  });

  it('maps a SAML SSO 403 to AUTH_REQUIRED with the authorisation URL', () => {
    const d = classifyFailure(failure(403, { 'x-github-sso': 'required; url=https://github.com/orgs/o/sso?authorization_request=X' }), ctx());
    assert.ok(d.kind === 'fail' && d.error.code === 'AUTH_REQUIRED' && d.error.details.url === 'https://github.com/orgs/o/sso?authorization_request=X');
    assert.equal(ssoUrl({ 'x-github-sso': 'partial-results; organizations=1,2' }), undefined);
  });

  it('retries 5xx and dropped connections with exponential back-off, then NETWORK', () => {
    const waits = [0, 1, 2].map((n) => classifyFailure(failure(502), ctx({ retryAttempt: n })));
    assert.deepEqual(waits.map((d) => d.kind === 'wait' && d.seconds), [1, 2, 4]);
    const last = classifyFailure(failure(500), ctx({ retryAttempt: 3 }));
    assert.ok(last.kind === 'fail' && last.error.code === 'NETWORK' && /4 attempts/.test(last.error.message));
    const dropped = classifyFailure(failure(0, {}, 'other side closed'), ctx({ retryAttempt: 3 }));
    assert.ok(dropped.kind === 'fail' && dropped.error.code === 'NETWORK' && /other side closed/.test(dropped.error.message));
  });

  it('explains an HTML error page instead of reporting a 404 or a parse error', () => {
    const d = classifyFailure({ ...failure(404), htmlBody: true }, ctx({ target: 'repository' }));
    assert.ok(d.kind === 'fail' && d.error.code === 'NETWORK' && /web page instead of GitHub API JSON/.test(d.error.message));
  });

  it('reads failures from octokit-like errors', () => {
    assert.deepEqual(toFailure(Object.assign(new Error('fetch failed'), { status: 500 })), { status: 0, headers: {}, message: 'fetch failed' });
    const f = toFailure({ message: 'x', response: { status: 403, headers: { 'Retry-After': 5 }, data: { message: 'You have exceeded a secondary rate limit' } } });
    assert.deepEqual(f, { status: 403, headers: { 'retry-after': '5' }, message: 'You have exceeded a secondary rate limit' });
    assert.equal(toFailure({ message: 'x', response: { status: 502, headers: {}, data: '<html>bad gateway</html>' } }).htmlBody, true);
  });
});

describe('GitHub connector helpers', () => {
  it('follows rel="next" in Link headers', () => {
    const link = '<https://api.github.com/repositories/1/branches?per_page=100&page=3>; rel="next", <https://api.github.com/repositories/1/branches?per_page=100&page=5>; rel="last"';
    assert.equal(nextPageUrl(link), 'https://api.github.com/repositories/1/branches?per_page=100&page=3');
    assert.equal(nextPageUrl('<https://x/?page=1>; rel="first", <https://x/?page=4>; rel="prev"'), undefined);
    assert.equal(nextPageUrl(undefined), undefined);
  });

  it('maps tree entries to snapshot entries', () => {
    const base = { sha: 'a'.repeat(40), path: 'p' };
    assert.equal(toRepositoryFile({ ...base, type: 'tree', mode: '040000' }), undefined);
    assert.deepEqual(toRepositoryFile({ ...base, type: 'commit', mode: '160000' }), { path: 'p', blobSha: base.sha, mode: '160000', size: null });
    assert.equal(toRepositoryFile({ ...base, type: 'blob', mode: '100664', size: 3 })?.mode, '100644');
    assert.equal(toRepositoryFile({ ...base, type: 'blob', mode: '120000', size: 3 })?.mode, '120000');
  });

  it('describes rate-limit headers', () => {
    assert.equal(
      describeRateLimit({ 'x-ratelimit-remaining': '12', 'x-ratelimit-limit': '60', 'x-ratelimit-reset': '1735689600', 'x-ratelimit-resource': 'core' }),
      'rate core 12/60 resets 2025-01-01T00:00:00.000Z',
    );
    assert.equal(describeRateLimit({}), '');
  });

  it('limits concurrency to the bound', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active--;
    };
    await Promise.all(Array.from({ length: 20 }, () => limit(task)));
    assert.equal(peak, 3);
  });

  it('sleeps abortably', async () => {
    const controller = new AbortController();
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort();
    await assert.rejects(pending, (e: unknown) => isSyncError(e, 'CANCELLED'));
  });

  it('logs rate-limit headers and never the token', async () => {
    const server = await startGitHubServer();
    const repo = await createTestRepo({ 'a.txt': 'a' });
    try {
      const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
      server.tokens.add(token);
      server.addRepository('octo', 'app', repo.bareDir);
      const lines: string[] = [];
      const log = (m: string): void => void lines.push(m);
      const logger: Logger = { trace: log, debug: log, info: log, warn: log, error: log };
      const repository = toRemoteRepository(`http://x-access-token:${token}@${server.url.slice('http://'.length)}/octo/app.git`, 'origin');
      await createGitHubConnector({ repository, token, logger }).fetchRepository();
      assert.ok(lines.some((l) => /rate core \d+\/5000/.test(l)), lines.join('\n'));
      assert.ok(lines.every((l) => !l.includes(token)));
    } finally {
      await server.close();
      await repo.cleanup();
    }
  });
});
