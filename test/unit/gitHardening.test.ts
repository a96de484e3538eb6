// Issue 16, round two, git side, through the CLI: the token never follows a git redirect to another
// host, and hooks or config planted in the private cache repository (objects.git) run nothing and
// redirect nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubServer, type GitHubServer } from '../support/githubServer';
import { commitChanges, createTestRepo, type TestRepo } from '../support/repos';
import { cli } from './support/cliHarness';
import { relayTo, startHttp, type TestHttp } from './support/cliProcess';

const TOKEN = 'ghp_GitHardeningToken0123456789abcdef';
const ENV = { GITHUB_TOKEN: TOKEN, PROJECT_SYNC_RETRY_BASE_MS: '5', PROJECT_SYNC_TIMEOUT_MS: '10000' };

function files(n: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < n; i++) out[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
  return out;
}

function workspaceFor(url: string, dir: string): string {
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', url]);
  return dir;
}

describe('git hardening: no token after a redirect to another host', function () {
  this.timeout(120_000);
  let server: GitHubServer;
  let repo: TestRepo;
  let front: TestHttp;
  let elsewhere: TestHttp;
  let tmp: string;
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-git-redirect-'));
    server = await startGitHubServer();
    server.tokens.add(TOKEN);
    repo = await createTestRepo(files(60));
    // Public: the redirected info/refs succeeds without credentials, so git moves the whole transfer
    // there, and its upload-pack POSTs are new requests that would carry http.extraHeader.
    server.addRepository('octo', 'repo', repo.bareDir);
    elsewhere = await startHttp('127.0.0.2', relayTo(server.url));
    const relay = relayTo(server.url);
    front = await startHttp('127.0.0.1', (req, res) => {
      if (req.url?.startsWith('/octo/repo.git/info/refs')) {
        res.writeHead(302, { location: `${elsewhere.url}${req.url}` });
        return void res.end();
      }
      return relay(req, res);
    });
  });
  after(async () => {
    await front?.close();
    await elsewhere?.close();
    await server?.close();
    await repo?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const engine of ['git', 'none'] as const) {
    it(`${engine === 'git' ? 'git binary' : 'isomorphic-git'}: a 302 on info/refs to another host gets no Authorization there`, async () => {
      elsewhere.requests.length = 0;
      const ws = workspaceFor(`${front.url}/octo/repo.git`, path.join(tmp, `ws-${engine}`));
      const run = await cli(['sync', '--repo', ws, '--storage', path.join(tmp, `st-${engine}`), '--json'], { ...ENV, PROJECT_SYNC_GIT: engine === 'git' ? undefined : 'none' });
      assert.ok(front.requests.some((r) => r.url.includes('info/refs')), 'the transfer started at the remote');
      const leaked = elsewhere.requests.filter((r) => r.authorization);
      assert.deepEqual(leaked, [], `the token went to ${elsewhere.url}`);
      const outcome = run.lines.at(-1) as { type: string; code?: string; message?: string };
      if (outcome.type === 'error') assert.match(String(outcome.message), /redirect|401|Authentication|refused/i, JSON.stringify(outcome));
    });
  }
});

describe('git hardening: hooks and config planted in objects.git', function () {
  this.timeout(120_000);
  let server: GitHubServer;
  let repo: TestRepo;
  let elsewhere: TestHttp;
  let tmp: string;
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-git-planted-'));
    server = await startGitHubServer();
    server.tokens.add(TOKEN);
    repo = await createTestRepo(files(60));
    server.addRepository('octo', 'repo', repo.bareDir, { private: true });
    elsewhere = await startHttp('127.0.0.2', relayTo(server.url));
  });
  after(async () => {
    await elsewhere?.close();
    await server?.close();
    await repo?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a second fetch runs no planted hook, ignores a planted url.insteadOf, and resets the config', async () => {
    const ws = workspaceFor(`${server.url}/octo/repo.git`, path.join(tmp, 'ws'));
    const storage = path.join(tmp, 'storage');
    const first = await cli(['sync', '--repo', ws, '--storage', storage, '--json'], ENV);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const cache = path.join(storage, 'objects.git');
    assert.ok(existsSync(path.join(cache, 'HEAD')), 'the first sync made the cache repository');

    const marker = path.join(tmp, 'hook-ran');
    const hook = `#!/bin/sh\necho "$0" >> '${marker}'\nexit 0\n`;
    const altHooks = path.join(tmp, 'alt-hooks');
    mkdirSync(path.join(cache, 'hooks'), { recursive: true });
    mkdirSync(altHooks, { recursive: true });
    for (const dir of [path.join(cache, 'hooks'), altHooks]) {
      for (const name of ['reference-transaction', 'post-checkout', 'pre-auto-gc', 'post-index-change']) {
        writeFileSync(path.join(dir, name), hook);
        chmodSync(path.join(dir, name), 0o755);
      }
    }
    appendFileSync(path.join(cache, 'config'), `[core]\n\thooksPath = ${altHooks}\n[url "${elsewhere.url}/"]\n\tinsteadOf = ${server.url}/\n[gc]\n\tauto = 1\n`);

    await commitChanges(repo, Object.fromEntries(Object.keys(files(60)).map((p, i) => [p, `export const changed${i} = ${i};\n`])));
    server.clearRequests();
    const second = await cli(['sync', '--repo', ws, '--storage', storage, '--json'], { ...ENV, PROJECT_SYNC_LOG: 'warn' });
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.ok(server.requests.some((r) => r.kind === 'git'), 'the second sync fetched a pack');
    assert.ok(!existsSync(marker), `a planted hook ran: ${existsSync(marker) ? readFileSync(marker, 'utf8') : ''}`);
    assert.deepEqual(elsewhere.requests, [], 'the planted insteadOf sent the fetch elsewhere');
    const config = readFileSync(path.join(cache, 'config'), 'utf8');
    assert.doesNotMatch(config, /insteadOf|hooksPath|gc/);
    assert.match(second.stderr, /held settings Project Sync did not write \(core.hookspath, url\.http:\/\/127\.0\.0\.2/, 'the reset is logged');
  });
});
