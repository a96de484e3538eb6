import assert from 'node:assert/strict';
import { isSyncError } from '../../src/core/errors';
import { nullLogger } from '../../src/core/logger';
import type { EtagCache } from '../../src/core/ports';
import { createGitHubConnector, memoryEtagCache, type GitHubConnectorOptions } from '../../src/github/connector';
import { toRemoteRepository } from '../../src/github/remoteUrl';
import { startGitHubServer, type GitHubServer } from '../support/githubServer';
import { runGit } from '../support/git';
import { createBranches, createTestRepo, commitChanges, generateFiles, lsTree, type TestRepo } from '../support/repos';

const UNICODE_BRANCH = 'feature/ünï-code#1';

function connect(server: GitHubServer, name: string, extra: Partial<GitHubConnectorOptions> = {}) {
  const repository = toRemoteRepository(`${server.url}/octo/${name}.git`, 'origin');
  return createGitHubConnector({ repository, logger: nullLogger, retryBaseMs: 5, ...extra });
}

async function revParse(repo: TestRepo, rev: string): Promise<string> {
  return (await runGit(['--git-dir', repo.bareDir, 'rev-parse', rev])).toString('utf8').trim();
}

const sorted = <T extends { path: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

describe('GitHub connector against the test server', () => {
  let server: GitHubServer;
  let repo: TestRepo;
  const branchNames: string[] = [];

  before(async function () {
    this.timeout(120_000);
    server = await startGitHubServer();
    repo = await createTestRepo(
      {
        ...generateFiles(400, { seed: 7, depth: [1, 4] }),
        'bin/run.sh': { executable: '#!/bin/sh\necho hi\n' },
        'link-to-readme': { symlink: 'README.md' },
        'vendor/lib': { submodule: '0123456789abcdef0123456789abcdef01234567' },
        'README.md': '# demo\n',
        'data/blob.bin': new Uint8Array([0, 255, 1, 254, 10, 13, 0]),
      },
      { branch: 'main' },
    );
    await commitChanges(repo, { 'unicode.txt': 'ü\n' }, { branch: UNICODE_BRANCH });
    await commitChanges(repo, { 'percent.txt': '%\n' }, { branch: 'a%b' });
    // One git process for the 257 branches (one each took 514 processes: a CI run's hook ran out of time).
    const topics = Array.from({ length: 257 }, (_, i) => `topic/${String(i).padStart(3, '0')}`);
    await createBranches(repo, topics, 'refs/heads/main');
    branchNames.push(...topics);
    branchNames.push('main', UNICODE_BRANCH, 'a%b');
    server.addRepository('octo', 'app', repo.bareDir, { renamedBranches: { master: 'main' } });
  });

  after(async () => {
    await server.close();
    await repo.cleanup();
  });

  beforeEach(() => {
    server.clearRequests();
    server.switches.truncateTreeOver = 100_000;
    server.switches.latencyMs = 0;
  });

  it('reads the repository', async () => {
    const info = await connect(server, 'app').fetchRepository();
    assert.equal(info.defaultBranch, 'main');
    assert.equal(info.private, false);
  });

  it('lists every branch over several pages of 100, following Link', async () => {
    const branches = await connect(server, 'app').fetchBranches();
    assert.deepEqual(branches.map((b) => b.name).sort(), [...branchNames].sort());
    assert.deepEqual(branches.filter((b) => b.isDefault).map((b) => b.name), ['main']);
    const mainSha = await revParse(repo, 'main');
    assert.equal(branches.find((b) => b.name === 'topic/123')?.commitSha, mainSha);
    const pages = server.requests.filter((r) => r.path.includes('/branches'));
    assert.equal(pages.length, 3);
    assert.match(pages[0]!.path, /per_page=100/);
  });

  it('reuses cached bodies on 304 without spending rate limit, across connector instances', async () => {
    const etags: EtagCache = memoryEtagCache();
    const first = await connect(server, 'app', { etags }).fetchBranches();
    const remainingBefore = server.switches.rateLimit.remaining;
    server.clearRequests();
    const again = connect(server, 'app', { etags });
    const second = await again.fetchBranches();
    assert.deepEqual(second, first);
    assert.ok(server.requests.length >= 4);
    assert.ok(server.requests.every((r) => r.status === 304 && r.ifNoneMatch));
    assert.equal(server.switches.rateLimit.remaining, remainingBefore);
    assert.deepEqual(again.counters(), { requests: server.requests.length, bytes: 0 });
  });

  it('finds branch heads with slashes, #, % and unicode in their names', async () => {
    const connector = connect(server, 'app');
    for (const branch of [UNICODE_BRANCH, 'a%b', 'main']) {
      const head = await connector.fetchBranchHead(branch);
      assert.equal(head.branch, branch);
      assert.equal(head.commitSha, await revParse(repo, `refs/heads/${branch}`));
      assert.equal(head.treeSha, await revParse(repo, `refs/heads/${branch}^{tree}`));
    }
    const unicode = await connector.fetchBranchHead(UNICODE_BRANCH);
    assert.deepEqual(unicode.parents, [await revParse(repo, 'main')]);
    assert.equal(unicode.commitMessage?.trim(), 'Update files');
  });

  it('resyncs a branch head from a persisted cache with one 304 and no commit request', async () => {
    const etags: EtagCache = memoryEtagCache();
    const first = await connect(server, 'app', { etags }).fetchBranchHead('main');
    server.clearRequests();
    const second = await connect(server, 'app', { etags }).fetchBranchHead('main');
    assert.deepEqual(second, first);
    assert.deepEqual(server.requests.map((r) => r.status), [304]);
  });

  it('keeps no comparison in the ETag cache: it is never asked again', async () => {
    const etags = memoryEtagCache();
    const keys: string[] = [];
    const spy = { get: etags.get, set: (key: string, etag: string, body: unknown) => (keys.push(key), etags.set(key, etag, body)) };
    const c = connect(server, 'app', { etags: spy });
    const main = await c.fetchBranchHead('main');
    const other = await c.fetchBranchHead('a%b');
    assert.ok(c.compareCommits);
    await c.compareCommits(main.commitSha, other.commitSha);
    assert.ok(keys.length > 0, 'refs and commits are cached');
    assert.deepEqual(keys.filter((k) => k.includes('compare')), []);
  });

  it('does not follow a renamed branch: the old name is BRANCH_NOT_FOUND', async () => {
    const connector = connect(server, 'app');
    await assert.rejects(connector.fetchBranchHead('master'), (e: unknown) => isSyncError(e, 'BRANCH_NOT_FOUND') && /master/.test(e.message));
    await assert.rejects(connector.fetchBranchHead('topic'), (e: unknown) => isSyncError(e, 'BRANCH_NOT_FOUND'));
    const refLookups = server.requests.filter((r) => r.path.includes('/git/ref/'));
    assert.deepEqual(refLookups.map((r) => r.status), [404, 404], 'one 404 each, never retried');
    assert.ok(!server.requests.some((r) => r.path.includes('/branches/')), 'never the 301-following branches endpoint');
  });

  it('lists a whole tree: files, executables, symlinks and submodules', async () => {
    const connector = connect(server, 'app');
    const head = await connector.fetchBranchHead('main');
    const files = await connector.fetchTree(head.treeSha);
    const expected = await lsTree(repo.bareDir, 'main');
    assert.deepEqual(sorted(files).map((f) => [f.path, f.mode, f.blobSha]), sorted(expected).map((e) => [e.path, e.mode, e.sha]));
    assert.equal(files.find((f) => f.path === 'vendor/lib')?.size, null);
    assert.equal(files.find((f) => f.path === 'data/blob.bin')?.size, 7);
    assert.equal(files.find((f) => f.path === 'link-to-readme')?.mode, '120000');
    assert.equal(files.find((f) => f.path === 'bin/run.sh')?.mode, '100755');
  });

  it('descends a truncated tree and still yields every file', async () => {
    server.switches.truncateTreeOver = 40;
    const connector = connect(server, 'app', { concurrency: 3 });
    const head = await connector.fetchBranchHead('main');
    let progress = 0;
    const files = await connector.fetchTree(head.treeSha, { onProgress: (n) => (progress = n) });
    const expected = await lsTree(repo.bareDir, 'main');
    assert.ok(expected.length > 400);
    assert.deepEqual(sorted(files).map((f) => [f.path, f.mode, f.blobSha]), sorted(expected).map((e) => [e.path, e.mode, e.sha]));
    assert.equal(progress, expected.length);
    const treeRequests = server.requests.filter((r) => r.path.includes('/git/trees/'));
    assert.ok(treeRequests.some((r) => !r.path.includes('recursive')), 'a non-recursive descent happened');
    assert.ok(treeRequests.length > 3);
    server.clearRequests();
    assert.equal((await connector.fetchTree(head.treeSha)).length, expected.length);
    assert.equal(server.requests.length, 0, 'trees are cached by sha');
  });

  it('fetches raw blob bytes and counts requests and bytes like the server', async () => {
    const connector = connect(server, 'app');
    const sha = (await lsTree(repo.bareDir, 'main')).find((e) => e.path === 'data/blob.bin')!.sha;
    const bytes = await connector.fetchBlob(sha);
    assert.deepEqual([...bytes], [0, 255, 1, 254, 10, 13, 0]);
    await connector.fetchRepository();
    const served = server.requests.reduce((n, r) => n + r.bytes, 0);
    assert.deepEqual(connector.counters(), { requests: server.requests.length, bytes: served });
  });

  it('cancels mid-tree promptly', async () => {
    server.switches.truncateTreeOver = 40;
    const connector = connect(server, 'app');
    const head = await connector.fetchBranchHead('main');
    server.switches.latencyMs = 400;
    const controller = new AbortController();
    let abortedAt = 0;
    const pending = connector.fetchTree(head.treeSha, {
      signal: controller.signal,
      onProgress: () => {
        if (!abortedAt) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    await assert.rejects(pending, (e: unknown) => isSyncError(e, 'CANCELLED'));
    assert.ok(abortedAt > 0, 'progress was reported before cancelling');
    assert.ok(Date.now() - abortedAt < 200, `cancelled within ${Date.now() - abortedAt} ms`);
  });
});
