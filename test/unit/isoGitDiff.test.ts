// The portable path's diff-tree (raw tree objects read with isomorphic-git) says what `git diff-tree
// -r --no-renames` says, for every shape of change, names that are not UTF-8 included.
import assert from 'node:assert/strict';
import { diffTreesWithIsoGit } from '../../src/engine/objects/isoGitTree';
import { diffTreesWithGit } from '../../src/engine/objects/localTree';
import { runGit } from '../support/git';
import { commitChanges, createTestRepo, type FileSpec, type TestRepo } from '../support/repos';

const tree = async (repo: TestRepo, rev: string) => (await runGit(['--git-dir', repo.bareDir, 'rev-parse', `${rev}^{tree}`])).toString('utf8').trim();

describe('diffTreesWithIsoGit', () => {
  let repo: TestRepo;
  const base: Record<string, FileSpec> = {
    'README.md': '# r\n',
    'a/keep.ts': 'keep\n',
    'a/edit.ts': 'one\n',
    'a/deep/x.ts': 'x\n',
    'gone/one.ts': '1\n',
    'gone/two/three.ts': '3\n',
    'becomes-dir': 'file\n',
    'becomes-file/inner.ts': 'inner\n',
    'tool.sh': { executable: '#!/bin/sh\n' },
    'link': { symlink: 'README.md' },
    'caf\udce8.txt': 'latin-1 name\n',
    'vendor/lib': { submodule: '1'.repeat(40) },
  };

  before(async () => {
    repo = await createTestRepo(base, { branch: 'main' });
    await commitChanges(repo, {
      'a/edit.ts': 'two\n',
      'a/deep/x.ts': null,
      'a/deep/y.ts': 'y\n',
      'a/new/n1.ts': 'n1\n',
      'gone/one.ts': null,
      'gone/two/three.ts': null,
      'becomes-dir': null,
      'becomes-dir/f.ts': 'f\n',
      'becomes-file/inner.ts': null,
      'becomes-file': 'now a file\n',
      'tool.sh': '#!/bin/sh\n',
      'link': { symlink: 'a/keep.ts' },
      'caf\udce8.txt': 'changed\n',
      'caf\udce9.txt': 'another byte\n',
      'vendor/lib': { submodule: '2'.repeat(40) },
    }, { branch: 'main' });
  });
  after(() => repo.cleanup());

  it('matches git diff-tree on adds, removes, edits, mode and type changes, file↔folder, submodules and raw names', async () => {
    const [t1, t2] = [await tree(repo, 'main~1'), await tree(repo, 'main')];
    const ours = await diffTreesWithIsoGit(repo.bareDir, t1, t2);
    const git = await diffTreesWithGit('git', repo.bareDir, t1, t2);
    assert.ok(ours && git);
    assert.deepEqual(ours, git);
    // With the sizes asked by a process started beside the diff (the cache's path once its pack is in): the same.
    assert.deepEqual(await diffTreesWithGit('git', repo.bareDir, t1, t2, undefined, { sizesBeside: true }), git);
    assert.ok(ours.added.some((f) => f.path === 'caf\udce9.txt'), 'a name that is not UTF-8 stays exact');
    assert.deepEqual(await diffTreesWithIsoGit(repo.bareDir, t2, t2), { added: [], modified: [], removed: [] });
    assert.deepEqual(await diffTreesWithIsoGit(repo.bareDir, t2, t1), await diffTreesWithGit('git', repo.bareDir, t2, t1));
  });

  it('is undefined when the database lacks a tree', async () => {
    assert.equal(await diffTreesWithIsoGit(repo.bareDir, await tree(repo, 'main'), 'f'.repeat(40)), undefined);
    // git's diff too, also with its sizes' batch-check started beside it (let go before the answer).
    for (const opts of [{}, { sizesBeside: true }]) {
      assert.equal(await diffTreesWithGit('git', repo.bareDir, await tree(repo, 'main'), 'f'.repeat(40), undefined, opts), undefined);
      assert.deepEqual(await diffTreesWithGit('git', repo.bareDir, await tree(repo, 'main'), await tree(repo, 'main'), undefined, opts), { added: [], modified: [], removed: [] });
    }
  });
});
