// The portable path (isomorphic-git) never walks history: a head that merges a long side branch
// is fetched at depth 1, and the private object cache stays about one shallow clone in size.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGit } from '../support/git';
import { commitChanges, createBranch, lsTree, type FileSpec } from '../support/repos';
import { bareWorkspace, cli, Fixture, json, last } from './support/cliHarness';

const files: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`src/m${i}.ts`, `export const m${i} = '${'x'.repeat(200 + i)}';\n`]));

function packKb(gitDir: string): number {
  const out = execFileSync('git', ['--git-dir', gitDir, 'count-objects', '-v'], { encoding: 'utf8' });
  const m = /size-pack: (\d+)/.exec(out);
  return Number(m?.[1] ?? 0) + Number(/size: (\d+)/.exec(out)?.[1] ?? 0);
}

describe('portable path: a merge of a long side branch', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  const env = { PROJECT_SYNC_GIT: 'none' };

  before(async () => {
    fx = await Fixture.create(files, { branch: 'main' });
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
  });
  after(async () => {
    await ws.cleanup();
    await fx.dispose();
  });

  it('fetches the merge at depth 1, stores exactly its tree, and keeps the cache near one shallow clone', async () => {
    const sync = () => cli(['sync', '--repo', ws.dir, '--storage', fx.storage, '--branch', 'main', '--json'], env);
    assert.equal((await sync()).code, 0);
    await createBranch(fx.repo, 'side', 'main');
    for (let k = 0; k < 90; k++) {
      const changes: Record<string, string> = {};
      for (let j = 0; j < 3; j++) changes[`side/f${(k * 3 + j) % 80}.ts`] = `export const s = '${k}-${j}-${'y'.repeat(300)}';\n`;
      await commitChanges(fx.repo, changes, { branch: 'side', message: `side ${k}` });
    }
    await commitChanges(fx.repo, { 'src/m0.ts': 'export const m0 = 0;\n' }, { branch: 'main' });
    const sideFiles = Object.fromEntries((await lsTree(fx.repo.bareDir, 'side')).filter((f) => f.path.startsWith('side/')).map((f) => [f.path, execFileSync('git', ['--git-dir', fx.repo.bareDir, 'cat-file', 'blob', f.sha], { encoding: 'utf8' })]));
    await commitChanges(fx.repo, sideFiles, { branch: 'main', merge: 'side', message: 'Merge side' });

    const run = await sync();
    assert.equal(run.code, 0, run.stderr);
    const rec = last(run).sync as { stats: { added: number; bytes: number } };
    assert.equal(rec.stats.added, 80, 'more than the REST blob limit: the content comes as a pack');
    const listed = json<Array<{ path: string; blobSha: string; mode: string }>>(await cli(['files', '--storage', fx.storage, '--json']));
    const expected = await lsTree(fx.repo.bareDir, 'main');
    assert.deepEqual(listed.map((f) => `${f.mode} ${f.blobSha} ${f.path}`).sort(), expected.map((f) => `${f.mode} ${f.sha} ${f.path}`).sort());

    const cache = path.join(fx.storage, 'objects.git');
    const commits = execFileSync('git', ['--git-dir', cache, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'], { encoding: 'utf8' }).split('\n').filter((t) => t === 'commit').length;
    assert.ok(commits <= 3, `the cache holds ${commits} commits: no side-branch history`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-shallow-'));
    try {
      // Async: the server answering this clone runs in this process.
      await runGit(['clone', '--quiet', '--bare', '--depth', '1', '--branch', 'main', `${fx.server.url}/octo/repo.git`, path.join(tmp, 'c.git')]);
      const clone = packKb(path.join(tmp, 'c.git'));
      const ours = packKb(cache);
      assert.ok(ours <= clone * 1.5 + 8, `object cache ${ours} KB vs a depth-1 clone ${clone} KB`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
