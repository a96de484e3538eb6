// What "changed" means through the CLI: against the last sync of the same branch (its base), said
// in the JSON (`baseSyncId`) and in words.
import assert from 'node:assert/strict';
import { commitChanges, createBranch } from '../support/repos';
import { cli, Fixture, json, last } from './support/cliHarness';

interface SyncJson {
  id: string;
  branch: string;
  commitSha: string;
  previousSyncId: string | null;
  baseSyncId: string | null;
  stats: { added: number; modified: number; removed: number };
}

const files: Record<string, string> = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`src/m${i}.ts`, `export const m${i} = ${i};\n`]));

describe('project-sync: each sync is compared with its base', function () {
  this.timeout(90_000);
  let fx: Fixture;

  before(async () => {
    fx = await Fixture.create(files, { branch: 'main' });
    await createBranch(fx.repo, 'feature/graphql');
    const featureChanges: Record<string, string | null> = {};
    for (let i = 0; i < 30; i++) featureChanges[`src/m${i}.ts`] = null;
    for (let i = 0; i < 25; i++) featureChanges[`graphql/q${i}.ts`] = `export const q${i} = 1;\n`;
    await commitChanges(fx.repo, featureChanges, { branch: 'feature/graphql' });
  });
  after(() => fx.dispose());

  it('main, feature, six files pushed to main, main again: +0 ~6 −0 compared with main', async () => {
    const m1 = last(await fx.sync('--branch', 'main')).sync as SyncJson;
    const f1 = last(await fx.sync('--branch', 'feature/graphql')).sync as SyncJson;
    assert.equal(f1.baseSyncId, null);
    assert.deepEqual([f1.stats.added, f1.stats.modified, f1.stats.removed], [35, 0, 0]);
    const pushed: Record<string, string> = {};
    for (let i = 0; i < 6; i++) pushed[`src/m${i}.ts`] = `export const m${i} = ${i + 100};\n`;
    await commitChanges(fx.repo, pushed, { branch: 'main' });
    const human = await cli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'main']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`\\+0 ~6 −0 .*compared with main @ ${m1.commitSha.slice(0, 7)}, just now`));
    const history = json<SyncJson[]>(await cli(['history', '--storage', fx.storage, '--json']));
    const m2 = history[0] as SyncJson;
    assert.deepEqual([m2.branch, m2.baseSyncId, m2.previousSyncId], ['main', m1.id, f1.id]);
    assert.deepEqual([m2.stats.added, m2.stats.modified, m2.stats.removed], [0, 6, 0]);
    const lines = (await cli(['history', '--storage', fx.storage])).stdout.split('\n');
    assert.match(lines.find((l) => l.startsWith(f1.id)) ?? '', /first sync of feature\/graphql/);
    // The active sync is main's: files and memory answer from it.
    const listed = json<Array<{ path: string }>>(await cli(['files', '--storage', fx.storage, '--json']));
    assert.equal(listed.length, 40);
    assert.ok(!listed.some((f) => f.path.startsWith('graphql/')));
    const memory = json<Array<{ path: string }>>(await cli(['memory', '--storage', fx.storage, '--json']));
    assert.deepEqual(memory.map((m) => m.path).sort(), Object.keys(files).sort());
  });
});
