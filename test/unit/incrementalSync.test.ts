// An incremental sync on the git path diffs the base's tree with the new one by subtree sha (git
// diff-tree): it never lists the whole tree, and what it stores is exactly what git has — across
// every kind of change, and across the threshold where the store writes a fresh full snapshot.
import assert from 'node:assert/strict';
import { commitChanges, lsTree, type FileSpec } from '../support/repos';
import { bareWorkspace, cli, Fixture, json, last } from './support/cliHarness';

type FileJson = { path: string; blobSha: string; mode: string };
interface SyncJson {
  id: string;
  stats: { files: number; added: number; modified: number; removed: number };
}

const initial: Record<string, FileSpec> = {
  'README.md': '# demo\n',
  'bin/run.sh': { executable: '#!/bin/sh\necho hi\n' },
  'link': { symlink: 'README.md' },
  'vendor/lib': { submodule: 'a'.repeat(40) },
  'gone/one.txt': '1\n',
  'gone/deeper/two.txt': '2\n',
  'typechange': 'a file that becomes a symlink\n',
  ...Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`src/pkg${i % 6}/mod${i}.ts`, `export const v${i} = ${i};\n`])),
};

describe('incremental sync by subtree sha (git path)', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };

  before(async () => {
    fx = await Fixture.create(initial, { branch: 'main' });
    // A work tree with no objects: the first sync brings a pack into the cache, later ones diff there.
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
  });
  after(async () => {
    await ws.cleanup();
    await fx.dispose();
  });

  const sync = () => cli(['sync', '--repo', ws.dir, '--storage', fx.storage, '--branch', 'main', '--json'], { PROJECT_SYNC_LOG: 'info' });

  async function expectExact(run: Awaited<ReturnType<typeof sync>>): Promise<SyncJson> {
    assert.equal(run.code, 0, run.stderr);
    const record = last(run).sync as SyncJson;
    const listed = json<FileJson[]>(await cli(['files', '--storage', fx.storage, '--json']));
    const expected = await lsTree(fx.repo.bareDir, 'main');
    assert.deepEqual(listed.map((f) => `${f.mode} ${f.blobSha} ${f.path}`).sort(), expected.map((f) => `${f.mode} ${f.sha} ${f.path}`).sort());
    assert.equal(record.stats.files, expected.length);
    return record;
  }

  it('stores exactly git tree after adds, edits, chmods, type changes, submodule moves and removed folders', async () => {
    await expectExact(await sync());
    await commitChanges(fx.repo, {
      'src/pkg1/mod1.ts': 'export const v1 = 100;\n',
      'bin/run.sh': '#!/bin/sh\necho hi\n',
      'typechange': { symlink: 'README.md' },
      'vendor/lib': { submodule: 'b'.repeat(40) },
      'gone/one.txt': null,
      'gone/deeper/two.txt': null,
      'new/dir/added.ts': 'export {};\n',
    });
    const run = await sync();
    assert.match(run.stderr, /changes by subtree sha: \+1 ~4 -2/);
    const second = await expectExact(run);
    assert.deepEqual([second.stats.added, second.stats.modified, second.stats.removed], [1, 4, 2]);
  });

  it('stays exact over many syncs, past the point where a fresh full snapshot is written', async () => {
    for (let round = 0; round < 6; round++) {
      const changes: Record<string, FileSpec | null> = {};
      for (let i = 0; i < 60; i += 2) changes[`src/pkg${i % 6}/mod${i}.ts`] = `export const v${i} = ${(round + 1) * 1000 + i};\n`;
      changes[`round/${round}.md`] = `# round ${round}\n`;
      await commitChanges(fx.repo, changes);
      const run = await sync();
      assert.match(run.stderr, /changes by subtree sha/);
      const rec = await expectExact(run);
      assert.deepEqual([rec.stats.added, rec.stats.modified, rec.stats.removed], [1, 30, 0]);
    }
    const memory = json<Array<{ path: string; blobSha: string }>>(await cli(['memory', '--storage', fx.storage, '--json']));
    const textFiles = (await lsTree(fx.repo.bareDir, 'main')).filter((f) => f.mode === '100644' || f.mode === '100755');
    assert.deepEqual(memory.map((m) => `${m.blobSha} ${m.path}`).sort(), textFiles.map((f) => `${f.sha} ${f.path}`).sort());
  });
});
