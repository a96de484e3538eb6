import assert from 'node:assert/strict';
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { startGitHubServer, type GitHubServer } from '../support/githubServer.js';
import { runGit } from '../support/git.js';
import { cloneWorkspace, commitChanges, createBranches, createTestRepo, lsTree, type TestRepo } from '../support/repos.js';

const BINARY = Uint8Array.from([0, 1, 2, 0xff, 0xfe, 10, 13, 0x80, ...Buffer.from('tail')]);
const BIG = 'x'.repeat(200) + '\n';

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part);
    if (m) out[m[2]!] = m[1]!;
  }
  return out;
}

interface TreeJson {
  sha: string;
  truncated: boolean;
  tree: Array<{ path: string; mode: string; type: string; sha: string; size?: number }>;
}

describe('GitHub-compatible test server', function () {
  let server: GitHubServer;
  let repo: TestRepo;
  let head: string;
  const api = (p: string): string => `${server.apiUrl}${p}`;

  before(async function () {
    repo = await createTestRepo({
      'README.md': '# Demo\n',
      'src/app.ts': 'export const app = 1;\n',
      'src/deep/nested/file.py': 'def f():\n    return 1\n',
      'data/blob.bin': BINARY,
      'data/big.txt': BIG,
      'weird name "quoted"\n.txt': 'hostile\n',
      'unicode/ünïcödé.md': 'ü\n',
      link: { symlink: 'src/app.ts' },
      vendor: { submodule: 'a'.repeat(40) },
      'run.sh': { executable: '#!/bin/sh\necho hi\n' },
    });
    head = await commitChanges(repo, { 'src/more.ts': 'export const more = 2;\n' }, { branch: 'feature/ünï-code#1' });
    server = await startGitHubServer();
    server.tokens.add('good-token');
    server.addRepository('octo', 'demo', repo.bareDir, { renamedBranches: { master: 'main' } });
    server.addRepository('octo', 'secret', repo.bareDir, { private: true });
  });

  after(async function () {
    await server.close();
    await repo.cleanup();
  });

  beforeEach(function () {
    server.clearRequests();
    server.switches.rateLimit = { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 };
    server.switches.secondary = null;
    server.switches.failures = [];
    server.switches.truncateTreeOver = 100_000;
  });

  it('paginates 250+ branches through absolute Link headers, capping per_page at 100', async function () {
    const many = await createTestRepo({ 'a.txt': 'a\n' });
    try {
      const names = Array.from({ length: 260 }, (_, i) => `topic/b${String(i).padStart(3, '0')}`);
      await createBranches(many, names);
      server.addRepository('octo', 'many', many.bareDir);
      const seen: string[] = [];
      let url: string | undefined = api('/repos/octo/many/branches?per_page=500');
      let pages = 0;
      let lastLinks: Record<string, string> = {};
      while (url) {
        const res: Response = await fetch(url);
        assert.equal(res.status, 200);
        const body = (await res.json()) as Array<{ name: string; commit: { sha: string }; protected: boolean }>;
        assert.ok(body.length <= 100);
        seen.push(...body.map((b) => b.name));
        lastLinks = links(res.headers.get('link'));
        if (pages === 0) assert.ok(lastLinks.last?.startsWith(server.apiUrl), 'absolute last link on page 1');
        url = lastLinks.next;
        pages++;
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...names, 'main'].sort());
      assert.ok(lastLinks.prev && lastLinks.first, 'the last page links back');
      const defaults = (await (await fetch(api('/repos/octo/many/branches'))).json()) as unknown[];
      assert.equal(defaults.length, 30);
    } finally {
      await many.cleanup();
    }
  });

  it('answers If-None-Match with an empty 304 that costs no rate limit', async function () {
    const first = await fetch(api('/repos/octo/demo/branches'));
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[0-9a-f]+"$/, 'a strong ETag');
    const before = Number(first.headers.get('x-ratelimit-remaining'));
    const cached = await fetch(api('/repos/octo/demo/branches'), { headers: { 'if-none-match': etag! } });
    assert.equal(cached.status, 304);
    assert.equal((await cached.arrayBuffer()).byteLength, 0);
    assert.equal(Number(cached.headers.get('x-ratelimit-remaining')), before);
    const again = await fetch(api('/repos/octo/demo/branches'));
    assert.equal(Number(again.headers.get('x-ratelimit-remaining')), before - 1);
    assert.deepEqual(server.requests.map((r) => [r.status, r.ifNoneMatch]), [[200, false], [304, true], [200, false]]);
  });

  it('rejects an unknown token with 401 Bad credentials and hides private repositories', async function () {
    const bad = await fetch(api('/repos/octo/demo'), { headers: { authorization: 'token nope' } });
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { message: string }).message, 'Bad credentials');
    assert.equal((await fetch(api('/repos/octo/secret'))).status, 404);
    const ok = await fetch(api('/repos/octo/secret'), { headers: { authorization: 'Bearer good-token' } });
    const body = (await ok.json()) as { private: boolean; default_branch: string; full_name: string };
    assert.deepEqual([ok.status, body.private, body.default_branch, body.full_name], [200, true, 'main', 'octo/secret']);
  });

  it('answers 301 for a renamed branch while git/ref says 404', async function () {
    const res = await fetch(api('/repos/octo/demo/branches/master'), { redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), api('/repos/octo/demo/branches/main'));
    const followed = (await (await fetch(api('/repos/octo/demo/branches/master'))).json()) as { name: string };
    assert.equal(followed.name, 'main', 'a client that follows redirects silently gets another branch');
    assert.equal((await fetch(api('/repos/octo/demo/git/ref/heads/master'))).status, 404);
  });

  it('serves refs for branch names with slashes, # and unicode, raw or encoded', async function () {
    for (const path of ['heads/feature/ünï-code#1', 'heads%2Ffeature%2F%C3%BCn%C3%AF-code%231']) {
      const url = api(`/repos/octo/demo/git/ref/${path.includes('%') ? path : encodeURI(path).replace('#', '%23')}`);
      const ref = (await (await fetch(url)).json()) as { ref: string; object: { sha: string; type: string } };
      assert.deepEqual([ref.ref, ref.object.sha, ref.object.type], ['refs/heads/feature/ünï-code#1', head, 'commit']);
    }
    const matching = (await (await fetch(api('/repos/octo/demo/git/matching-refs/heads/feature'))).json()) as unknown[];
    assert.equal(matching.length, 1);
  });

  it('lists a recursive tree exactly as git ls-tree does', async function () {
    const res = await fetch(api(`/repos/octo/demo/git/trees/${head}?recursive=1`));
    const tree = (await res.json()) as TreeJson;
    assert.equal(tree.truncated, false);
    const fromApi = tree.tree.filter((e) => e.type !== 'tree').map((e) => `${e.mode} ${e.sha} ${e.path}`);
    const fromGit = (await lsTree(repo.bareDir, head)).map((e) => `${e.mode} ${e.sha} ${e.path}`);
    assert.deepEqual(fromApi.sort(), fromGit.sort());
    const big = tree.tree.find((e) => e.path === 'data/big.txt');
    assert.equal(big?.size, BIG.length);
  });

  it('truncates a recursive tree past the threshold; recursive=0 still means recursive', async function () {
    server.switches.truncateTreeOver = 4;
    const tree = (await (await fetch(api(`/repos/octo/demo/git/trees/${head}?recursive=0`))).json()) as TreeJson;
    assert.equal(tree.truncated, true);
    assert.equal(tree.tree.length, 4);
    const flat = (await (await fetch(api(`/repos/octo/demo/git/trees/${head}`))).json()) as TreeJson;
    assert.equal(flat.truncated, false);
    assert.ok(flat.tree.length > 4 && flat.tree.every((e) => !e.path.includes('/')), 'one level, complete');
    assert.deepEqual(
      flat.tree.filter((e) => e.path === 'src' || e.path === 'vendor' || e.path === 'link').map((e) => [e.path, e.mode, e.type]),
      [['link', '120000', 'blob'], ['src', '040000', 'tree'], ['vendor', '160000', 'commit']],
    );
  });

  it('serves blobs as base64 in 60-character lines and as raw bytes', async function () {
    const sha = (await lsTree(repo.bareDir, head)).find((e) => e.path === 'data/blob.bin')!.sha;
    const json = (await (await fetch(api(`/repos/octo/demo/git/blobs/${sha}`))).json()) as { content: string; encoding: string; size: number };
    assert.equal(json.encoding, 'base64');
    assert.equal(json.size, BINARY.length);
    assert.ok(json.content.split('\n').every((l) => l.length <= 60));
    assert.deepEqual(Buffer.from(json.content, 'base64'), Buffer.from(BINARY));
    const bigSha = (await lsTree(repo.bareDir, head)).find((e) => e.path === 'data/big.txt')!.sha;
    const bigJson = (await (await fetch(api(`/repos/octo/demo/git/blobs/${bigSha}`))).json()) as { content: string };
    assert.ok(bigJson.content.split('\n').length > 2, 'long content is wrapped');
    const raw = await fetch(api(`/repos/octo/demo/git/blobs/${sha}`), { headers: { accept: 'application/vnd.github.raw+json' } });
    assert.deepEqual(Buffer.from(await raw.arrayBuffer()), Buffer.from(BINARY));
  });

  it('exhausts the primary limit with a 403 and x-ratelimit-remaining 0, and refills after reset', async function () {
    server.switches.rateLimit.remaining = 1;
    assert.equal((await fetch(api('/repos/octo/demo'))).status, 200);
    const limited = await fetch(api('/repos/octo/demo'));
    assert.equal(limited.status, 403);
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(limited.headers.get('x-ratelimit-reset'), String(server.switches.rateLimit.resetAt));
    assert.match(((await limited.json()) as { message: string }).message, /^API rate limit exceeded/);
    const free = await fetch(api('/rate_limit'));
    assert.equal(((await free.json()) as { rate: { remaining: number } }).rate.remaining, 0);
    server.switches.rateLimit.resetAt = Math.floor(Date.now() / 1000) - 1;
    const after = await fetch(api('/repos/octo/demo'));
    assert.equal(after.status, 200);
    assert.equal(after.headers.get('x-ratelimit-remaining'), '4999');
  });

  it('answers the next N requests with a secondary-limit 403 and retry-after', async function () {
    server.switches.secondary = { retryAfter: 7, count: 2 };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(api('/repos/octo/demo'));
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.match(((await res.json()) as { message: string }).message, /secondary rate limit/);
    }
    assert.equal((await fetch(api('/repos/octo/demo'))).status, 200);
  });

  it('drops a socket and fails with 500 on matching requests, then recovers', async function () {
    server.switches.failures = [
      { kind: 'drop', match: '/branches', count: 1 },
      { kind: '500', count: 1 },
    ];
    await assert.rejects(fetch(api('/repos/octo/demo/branches')));
    assert.equal((await fetch(api('/repos/octo/demo/branches'))).status, 500);
    assert.equal((await fetch(api('/repos/octo/demo/branches'))).status, 200);
    assert.deepEqual(server.requests.map((r) => r.status), [0, 500, 200]);
  });

  it('clones over smart HTTP, and a private repository only with a token', async function () {
    const ws = await cloneWorkspace(server, 'octo', 'demo', { branch: 'feature/ünï-code#1' });
    try {
      assert.equal(await readFile(join(ws.dir, 'src/more.ts'), 'utf8'), 'export const more = 2;\n');
      assert.equal(await readlink(join(ws.dir, 'link')), 'src/app.ts');
      const origin = (await runGit(['-C', ws.dir, 'remote', 'get-url', 'origin'])).toString().trim();
      assert.equal(origin, `${server.url}/octo/demo.git`);
      assert.ok(server.requests.some((r) => r.kind === 'git' && r.method === 'POST' && r.bytes > 0));
    } finally {
      await ws.cleanup();
    }
    await assert.rejects(cloneWorkspace(server, 'octo', 'secret'));
    const priv = await cloneWorkspace(server, 'octo', 'secret', { token: 'good-token', noCheckout: true });
    await priv.cleanup();
  });
});
