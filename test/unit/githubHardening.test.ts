// Issue 16, round two, network side, through the built CLI (dist/cli.js as a child process):
// pagination stays on the API's origin and is capped, REST trees are verified against their sha,
// and response bodies are bounded in size and in time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGzip } from 'node:zlib';
import { startGitHubServer, type GitHubServer } from '../support/githubServer';
import { createTestRepo, type TestRepo } from '../support/repos';
import { relayTo, runCli, sendJson, startHttp, type TestHttp } from './support/cliProcess';
import { streamOut } from './support/faultKit';

const SHA = 'b'.repeat(40);
const ENV = { PROJECT_SYNC_RETRY_BASE_MS: '5', PROJECT_SYNC_TIMEOUT_MS: '5000' };
const REPO = { default_branch: 'main', private: false, html_url: 'http://x/o/r' };

function workspaceFor(url: string, tmp: string, name: string): string {
  const dir = path.join(tmp, name);
  execFileSync('git', ['init', '-q', dir]);
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', url]);
  return dir;
}


describe('GitHub hardening: pagination', function () {
  this.timeout(120_000);
  let api: TestHttp;
  let other: TestHttp;
  let tmp: string;
  let ws: string;
  let mode: 'cross-origin' | 'endless' = 'cross-origin';
  const TOKEN = 'ghp_PaginationToken0123456789';
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-pages-'));
    other = await startHttp('127.0.0.2', (_req, res) => sendJson(res, 200, [{ name: 'stolen', commit: { sha: SHA } }]));
    api = await startHttp('127.0.0.1', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/v3/repos/o/r') return sendJson(res, 200, REPO);
      if (url.pathname !== '/api/v3/repos/o/r/branches') return sendJson(res, 404, { message: 'Not Found' });
      const page = Number(url.searchParams.get('page') ?? '1');
      const next = mode === 'cross-origin' ? `${other.url}/api/v3/repos/o/r/branches?page=2` : `${api.url}/api/v3/repos/o/r/branches?per_page=100&page=${page + 1}`;
      return sendJson(res, 200, [{ name: `b${page}`, commit: { sha: SHA } }], { link: `<${next}>; rel="next"` });
    });
    ws = workspaceFor(`${api.url}/o/r.git`, tmp, 'ws');
  });
  after(async () => {
    await api?.close();
    await other?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses a rel=next link to another origin: no request, no token there', async () => {
    mode = 'cross-origin';
    const run = await runCli(['branches', '--repo', ws, '--json'], { ...ENV, GITHUB_TOKEN: TOKEN });
    assert.equal(run.code, 1, run.stdout);
    const line = JSON.parse(run.stdout.trim()) as { code: string; message: string };
    assert.equal(line.code, 'NETWORK');
    assert.match(line.message, /another address/);
    assert.deepEqual(other.requests, [], 'nothing was sent to the other origin');
  });

  it('stops after 100 pages (10,000 branches) with a clear error instead of following 2,999 fresh pages', async () => {
    mode = 'endless';
    api.requests.length = 0;
    const run = await runCli(['branches', '--repo', ws], ENV);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /more than 10000 branches/);
    assert.match(run.stderr, /project-sync sync --branch NAME/);
    const pages = api.requests.filter((r) => r.url.includes('/branches')).length;
    assert.equal(pages, 100);
  });
});

describe('GitHub hardening: REST trees are verified against their sha', function () {
  this.timeout(120_000);
  let server: GitHubServer;
  let repo: TestRepo;
  let mitm: TestHttp;
  let tmp: string;
  let inject: 'recursive' | 'subtree' | 'none' = 'none';
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-trees-'));
    server = await startGitHubServer();
    repo = await createTestRepo({ 'a/x.txt': 'x\n', 'a/y.txt': 'y\n', 'b/z.txt': 'z\n', 'c.txt': 'c\n' });
    server.addRepository('octo', 'repo', repo.bareDir);
    mitm = await startHttp(
      '127.0.0.1',
      relayTo(server.url, (url, body) => {
        if (!url.includes('/git/trees/') || inject === 'none') return undefined;
        if ((inject === 'recursive') !== url.includes('recursive=')) return undefined;
        const tree = JSON.parse(body.toString('utf8')) as { tree: unknown[] };
        const blob = (tree.tree as { type: string; sha: string }[]).find((e) => e.type === 'blob');
        tree.tree.push({ path: 'INJECTED.txt', mode: '100644', type: 'blob', sha: blob?.sha ?? SHA, size: 2 });
        return Buffer.from(JSON.stringify(tree));
      }),
    );
  });
  after(async () => {
    await mitm?.close();
    await server?.close();
    await repo?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });

  const sync = (name: string) =>
    runCli(['sync', '--repo', workspaceFor(`${mitm.url}/octo/repo.git`, tmp, name), '--storage', path.join(tmp, `st-${name}`), '--json'], { ...ENV, PROJECT_SYNC_GIT: 'none' });

  it('an entry injected into the recursive tree fails the sync; nothing is stored', async () => {
    inject = 'recursive';
    server.switches.truncateTreeOver = 100_000;
    const run = await sync('recursive');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { code: string; message: string };
    assert.equal(line.code, 'NETWORK');
    assert.match(line.message, /does not match its sha/);
    const files = await runCli(['files', '--storage', path.join(tmp, 'st-recursive'), '--json']);
    assert.doesNotMatch(files.stdout, /INJECTED/);
  });

  it('a truncated tree: an entry injected into a subtree the descent uses fails the sync', async () => {
    inject = 'subtree';
    server.switches.truncateTreeOver = 2;
    const run = await sync('subtree');
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /does not match its sha/);
  });

  it('the untouched answers, truncated or not, still sync', async () => {
    inject = 'none';
    for (const cap of [2, 100_000]) {
      server.switches.truncateTreeOver = cap;
      const run = await sync(`clean${cap}`);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    }
  });
});

describe('GitHub hardening: response bodies are bounded in size and time', function () {
  this.timeout(120_000);
  let api: TestHttp;
  let tmp: string;
  let ws: string;
  let mode: 'gzip' | 'chunked' | 'error' | 'trickle' = 'gzip';
  const served: number[] = [];
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-bodies-'));
    api = await startHttp('127.0.0.1', async (req, res) => {
      if (req.url !== '/api/v3/repos/o/r') return sendJson(res, 404, { message: 'Not Found' });
      if (mode === 'gzip') {
        // 2 GB of spaces is about 2 MB of gzip: it must not be inflated in memory.
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        const gzip = createGzip({ level: 1 });
        gzip.pipe(res);
        gzip.write('{"default_branch":"');
        served.push(await streamOut(res, Buffer.alloc(1024 * 1024, ' '), 2 * 1024 * 1024 * 1024, gzip));
      } else if (mode === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.write('{"message":"');
        served.push(await streamOut(res, Buffer.alloc(1024 * 1024, ' '), 1.5 * 1024 * 1024 * 1024));
      } else if (mode === 'chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"default_branch":"');
        served.push(await streamOut(res, Buffer.alloc(1024 * 1024, ' '), 1.5 * 1024 * 1024 * 1024));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        const text = JSON.stringify(REPO) + ' '.repeat(1000);
        for (let i = 0; i < text.length && !res.destroyed; i++) {
          res.write(text[i]);
          await new Promise((r) => setTimeout(r, 250));
        }
        res.end();
      }
    });
    ws = workspaceFor(`${api.url}/o/r.git`, tmp, 'ws');
  });
  after(async () => {
    await api?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const m of ['gzip', 'chunked'] as const) {
    it(`a ${m === 'gzip' ? '2 MB gzip body inflating to 2 GB' : '1.5 GB chunked body'} is cut at 64 MB, once, not retried`, async () => {
      mode = m;
      api.requests.length = 0;
      served.length = 0;
      const run = await runCli(['branches', '--repo', ws], ENV, { shell: `/usr/bin/env time -f 'RSS %M' {cli}` });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /more than 64 MB/);
      assert.equal(api.requests.length, 1, 'not retried');
      const rss = Number(/RSS (\d+)/.exec(run.stderr)?.[1] ?? 0);
      if (rss) assert.ok(rss < 600 * 1024, `peak RSS ${rss} KB`);
    });
  }

  it('a 1.5 GB error body (500) is read to 1 MB at most on each of its retries', async () => {
    mode = 'error';
    api.requests.length = 0;
    served.length = 0;
    const run = await runCli(['branches', '--repo', ws], ENV, { shell: `/usr/bin/env time -f 'RSS %M' {cli}` });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /kept failing with 500/);
    assert.equal(api.requests.length, 4, 'the usual retries of a 500');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(served.length, 4);
    for (const bytes of served) assert.ok(bytes < 64 * 1024 * 1024, `the server got to write ${bytes} bytes`);
    const rss = Number(/RSS (\d+)/.exec(run.stderr)?.[1] ?? 0);
    if (rss) assert.ok(rss < 600 * 1024, `peak RSS ${rss} KB`);
  });

  it('an answer trickling in at 4 bytes/s fails at the overall deadline (5 × PROJECT_SYNC_TIMEOUT_MS)', async () => {
    mode = 'trickle';
    api.requests.length = 0;
    const started = Date.now();
    const run = await runCli(['branches', '--repo', ws], { ...ENV, PROJECT_SYNC_TIMEOUT_MS: '1000' });
    const took = Date.now() - started;
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /did not finish its answer .* within 5 s/);
    assert.ok(took < 15_000, `took ${took} ms`);
    assert.equal(api.requests.length, 1, 'not retried');
  });
});
