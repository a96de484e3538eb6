// The portable path's diff by subtree sha (treeDiff.ts, raw tree objects read with isomorphic-git)
// says what `git diff-tree -r --no-renames` says, for every shape of change, names that are not
// UTF-8 included; so does the git path's diff-tree with its blobs sized by a running reader.
import assert from 'node:assert/strict';
import { GitBinaryStore } from '../../src/engine/objects/gitBinaryStore';
import { diffTreesWithIsoGit } from '../../src/engine/objects/isoGitTree';
import { diffTreesWithGit } from '../../src/engine/objects/localTree';
import { runGit } from '../support/git';
import { commitChanges, createTestRepo, type FileSpec, type TestRepo } from '../support/repos';

const tree = async (repo: TestRepo, rev: string) => (await runGit(['--git-dir', repo.bareDir, 'rev-parse', `${rev}^{tree}`])).toString('utf8').trim();

/** git's diff with the blobs sized by a git-path store's running reader, as the cache's after a transfer (closed after). */
async function viaReaders(gitDir: string, from: string, to: string) {
  const store = new GitBinaryStore('git', gitDir);
  try {
    store.warm(true);
    return await diffTreesWithGit('git', gitDir, from, to, undefined, { sizes: (shas) => store.sizes(shas) });
  } finally {
    store.close();
  }
}

describe('the diff by subtree sha (isomorphic-git) and diff-tree with a running sizer, against git diff-tree', () => {
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
    // Through the cat-file readers (the cache's path once its pack is in): the same.
    assert.deepEqual(await viaReaders(repo.bareDir, t1, t2), git);
    assert.deepEqual(await viaReaders(repo.bareDir, t2, t1), await diffTreesWithGit('git', repo.bareDir, t2, t1));
    assert.ok(ours.added.some((f) => f.path === 'caf\udce9.txt'), 'a name that is not UTF-8 stays exact');
    assert.deepEqual(await diffTreesWithIsoGit(repo.bareDir, t2, t2), { added: [], modified: [], removed: [] });
    assert.deepEqual(await diffTreesWithIsoGit(repo.bareDir, t2, t1), await diffTreesWithGit('git', repo.bareDir, t2, t1));
  });

  it('is undefined when the database lacks a tree', async () => {
    assert.equal(await diffTreesWithIsoGit(repo.bareDir, await tree(repo, 'main'), 'f'.repeat(40)), undefined);
    // git's diff too, with its blobs sized by the running reader or by a cat-file of its own; a blob's sha given as a tree is no tree.
    const main = await tree(repo, 'main');
    assert.equal(await diffTreesWithGit('git', repo.bareDir, main, 'f'.repeat(40)), undefined);
    assert.deepEqual(await diffTreesWithGit('git', repo.bareDir, main, main), { added: [], modified: [], removed: [] });
    assert.equal(await viaReaders(repo.bareDir, main, 'f'.repeat(40)), undefined);
    const blob = (await runGit(['--git-dir', repo.bareDir, 'rev-parse', 'main:README.md'])).toString('utf8').trim();
    assert.equal(await viaReaders(repo.bareDir, main, blob), undefined);
    await assert.rejects(diffTreesWithIsoGit(repo.bareDir, main, blob), /is not that tree/, 'the portable path says so (its caller lists the tree instead)');
    assert.deepEqual(await viaReaders(repo.bareDir, main, main), { added: [], modified: [], removed: [] });
  });

  // Generated histories: names that sort around '/' in git's tree order ("a", "a-b", "a.b", "a0"),
  // files that become folders and back, modes, symlinks and submodules, several levels deep.
  it('matches git diff-tree on 25 generated commits (each both ways), through isomorphic-git and diff-tree with the running sizer', async function () {
    this.timeout(120_000);
    let seed = 20261203;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const names = ['a', 'a-b', 'a.b', 'a0', 'b', 'caf\u00e9', 'z'];
    const files = new Map<string, FileSpec>([['README.md', 'r\n']]);
    const gen = await createTestRepo(Object.fromEntries(files), { branch: 'main' });
    try {
      for (let round = 0; round < 25; round++) {
        const changes: Record<string, FileSpec | null> = {};
        for (let op = 0, ops = 1 + Math.floor(random() * 6); op < ops; op++) {
          const path = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(names)).join('/');
          const existing = [...files.keys()];
          const under = existing.filter((f) => f.startsWith(`${path}/`));
          const over = existing.filter((f) => path.startsWith(`${f}/`));
          if (files.has(path) && random() < 0.3) {
            files.delete(path);
            changes[path] = null;
            continue;
          }
          // A path that is a folder loses its files; a file in the way of a folder goes.
          for (const f of [...under, ...over]) {
            files.delete(f);
            changes[f] = null;
          }
          const spec: FileSpec = pick<FileSpec>([`text ${round} ${op}\n`, `text ${round} ${op}\n`, { executable: `#!/bin/sh\n# ${round}\n` }, { symlink: `target-${op}` }, { submodule: String(op % 10).repeat(40) }]);
          files.set(path, spec);
          changes[path] = spec;
        }
        await commitChanges(gen, changes, { branch: 'main' });
        const [t1, t2] = [await tree(gen, 'main~1'), await tree(gen, 'main')];
        for (const [from, to] of [[t1, t2], [t2, t1]] as const) {
          const git = await diffTreesWithGit('git', gen.bareDir, from, to);
          assert.ok(git);
          assert.deepEqual(await viaReaders(gen.bareDir, from, to), git, `round ${round}: ${JSON.stringify(changes)}`);
          assert.deepEqual(await diffTreesWithIsoGit(gen.bareDir, from, to), git, `round ${round}: ${JSON.stringify(changes)}`);
        }
      }
    } finally {
      await gen.cleanup();
    }
  });
});
