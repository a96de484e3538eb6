// A truncated recursive tree: subtrees whose listed entries hash to their sha are kept, so the
// descent asks only for what the cut answer really lacked.
import assert from 'node:assert/strict';
import { nullLogger } from '../../src/core/logger';
import { createGitHubConnector } from '../../src/github/connector';
import { toRemoteRepository } from '../../src/github/remoteUrl';
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
