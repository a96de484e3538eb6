// A truncated recursive tree: subtrees whose listed entries hash to their sha are kept, so the
// descent asks only for what the cut answer really lacked.
import assert from 'node:assert/strict';
import { nullLogger } from '../../src/core/logger';
import { createGitHubConnector } from '../../src/github/connector';
import { toRemoteRepository } from '../../src/github/remoteUrl';
import { decodeGitPath } from '../../src/core/paths';
import { LossyTreeNamesError } from '../../src/github/tree';
import { treeObjectSha } from '../../src/github/treeSalvage';
import { startGitHubServer, type GitHubServer } from '../support/githubServer';
import { runGit } from '../support/git';
import { createTestRepo, generateFiles, lsTree, type TestRepo } from '../support/repos';

const sorted = <T extends { path: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

describe('truncated tree salvage', () => {
  let server: GitHubServer;
  let repo: TestRepo;

  before(async () => {
    server = await startGitHubServer();
    repo = await createTestRepo({
      ...generateFiles(600, { seed: 11, depth: [1, 4] }),
      // git's order puts 'a.b' before the subtree 'a' ('a/' > 'a.'), and 'a-' before both.
      'a/x.txt': 'x\n',
      'a.b': 'dot\n',
      'a-': 'dash\n',
      'ü/é.txt': 'unicode\n',
      'tool.sh': { executable: '#!/bin/sh\n' },
      'link': { symlink: 'a.b' },
      'mod': { submodule: '0123456789abcdef0123456789abcdef01234567' },
    });
    server.addRepository('octo', 'salvage', repo.bareDir);
  });

  after(async () => {
    await server.close();
    await repo.cleanup();
  });

  it("computes git's own tree sha from a tree's entries", async () => {
    const root = (await runGit(['--git-dir', repo.bareDir, 'rev-parse', 'main^{tree}'])).toString().trim();
    const out = (await runGit(['--git-dir', repo.bareDir, 'ls-tree', '-z', 'main'])).toString('utf8');
    const entries = out.split('\0').filter(Boolean).map((rec) => {
      const [meta = '', name = ''] = rec.split('\t');
      const [mode = '', , sha = ''] = meta.split(' ');
      return { mode: mode === '040000' ? '040000' : mode, name, sha };
    });
    assert.equal(treeObjectSha(entries), root);
    assert.notEqual(treeObjectSha(entries.slice(1)), root, 'a missing entry changes the sha');
  });

  it('lists every file of a truncated tree with fewer tree requests than a full descent', async () => {
    const expected = await lsTree(repo.bareDir, 'main');
    const count = async () => {
      const connector = createGitHubConnector({ repository: toRemoteRepository(`${server.url}/octo/salvage.git`, 'origin'), logger: nullLogger, retryBaseMs: 5 });
      const head = await connector.fetchBranchHead('main');
      server.clearRequests();
      const files = await connector.fetchTree(head.treeSha);
      assert.deepEqual(sorted(files).map((f) => [f.path, f.mode, f.blobSha]), sorted(expected).map((e) => [e.path, e.mode, e.sha]));
      return server.requests.filter((r) => r.path.includes('/git/trees/')).length;
    };
    server.switches.truncateTreeOver = 100_000;
    assert.equal(await count(), 1);
    server.switches.truncateTreeOver = 300;
    const requests = await count();
    // A level-by-level descent costs one request per directory; the kept subtrees cost none.
    const directories = new Set(expected.flatMap((e) => e.path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/')))).size;
    assert.ok(requests < directories / 2, `${requests} tree requests for ${directories} directories`);
  });
});

describe('a tree with names that are not UTF-8', () => {
  let server: GitHubServer;
  let repo: TestRepo;
  const connector = () => createGitHubConnector({ repository: toRemoteRepository(`${server.url}/octo/latin1.git`, 'origin'), logger: nullLogger, retryBaseMs: 5 });

  before(async () => {
    server = await startGitHubServer();
    // U+DC80–U+DCFF stand for raw bytes (test/support/fastImport.ts): the names are caf\xe8.txt, caf\xe9.txt, d\xe8/x.txt.
    repo = await createTestRepo({ 'caf\udce8.txt': 'e8\n', 'caf\udce9.txt': 'e9 longer\n', 'd\udce8/x.txt': 'x\n', 'plain.txt': 'p\n' });
    server.addRepository('octo', 'latin1', repo.bareDir);
  });
  after(async () => {
    await server.close();
    await repo.cleanup();
  });

  it("hashes the names' exact bytes: git's own tree sha, subtree included", async () => {
    const entriesOf = async (sha: string) => {
      const out = await runGit(['--git-dir', repo.bareDir, 'ls-tree', '-z', sha]);
      const entries = [];
      for (let at = 0; at < out.length; ) {
        const nul = out.indexOf(0, at);
        const tab = out.indexOf(9, at);
        const [mode = '', , entrySha = ''] = out.toString('latin1', at, tab).split(' ');
        entries.push({ mode, name: decodeGitPath(out.subarray(tab + 1, nul)), sha: entrySha });
        at = nul + 1;
      }
      return entries;
    };
    const root = (await runGit(['--git-dir', repo.bareDir, 'rev-parse', 'main^{tree}'])).toString().trim();
    const top = await entriesOf(root);
    assert.deepEqual(top.map((e) => e.name), ['caf\udce8.txt', 'caf\udce9.txt', 'd\udce8', 'plain.txt']);
    assert.equal(treeObjectSha(top), root);
    const sub = top.find((e) => e.mode === '040000');
    assert.ok(sub);
    assert.equal(treeObjectSha(await entriesOf(sub.sha)), sub.sha);
  });

  it('the REST answer carries them as U+FFFD; the walk says so (LossyTreeNamesError) with the sizes it did get', async () => {
    const c = connector();
    const head = await c.fetchBranchHead('main');
    const answer = server.requests.length;
    const err = await c.fetchTree(head.treeSha).then(
      () => assert.fail('a tree whose names REST cannot carry is not a valid listing'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof LossyTreeNamesError, String(err));
    assert.equal(err.code, 'NETWORK');
    assert.equal(err.treeSha, head.treeSha);
    assert.deepEqual([...err.sizes.values()].sort((a, b) => a - b), [2, 2, 3, 10]);
    assert.ok(server.requests.slice(answer).some((r) => r.path.includes('/git/trees/')));
  });
});
