// The git pack transfer starts as soon as the branch's ref names a new commit, while the commit is
// still being read over REST (engine/source.ts `transferEarly`), and only where the sync would
// transfer anyway. Seen from the GitHub-compatible server's request log, with the commit's answer
// held back: the git endpoint is asked while that answer is pending.
import { strict as assert } from 'node:assert';
import { commitChanges, createBranch } from '../support/repos';
import { bareWorkspace, cli, Fixture, last } from './support/cliHarness';

const HOLD_MS = 1500;

describe('the pack transfer starts while the head is still being read', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let bare: { dir: string; cleanup(): Promise<void> };
  before(async () => {
    fx = await Fixture.create({ 'src/app.ts': 'export function start(): void {}\n', 'lib/util.py': 'def helper():\n    pass\n', 'README.md': '# Demo\n\nA demo.\n' });
    bare = await bareWorkspace(fx.server, 'octo', 'repo');
  });
  after(async () => {
    await bare?.cleanup();
    await fx?.dispose();
  });

  const sync = (workdir: string, storage: string) => cli(['sync', '--repo', workdir, '--storage', storage, '--branch', 'main', '--json']);
  const holdCommitAnswer = () => fx.server.switches.failures.push({ kind: 'slow', match: '/git/commits/', count: 1, delayMs: HOLD_MS });
  /** The git requests of `from` on, and when the held commit request arrived. */
  const seen = (from: number) => {
    const log = fx.server.requests.slice(from);
    const commit = log.find((r) => r.kind === 'rest' && r.path.includes('/git/commits/'));
    return { git: log.filter((r) => r.kind === 'git'), commitAt: commit?.at };
  };
  type Result = { type: string; sync: { status: string; stats: { files: number; added: number; modified: number; removed: number; contentSource: string } } };

  it('a work tree that holds the commit transfers nothing: its own objects are read', async () => {
    const from = fx.server.requests.length;
    holdCommitAnswer();
    const r = await sync(fx.workspace.dir, `${fx.storage}-clone`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((last(r) as unknown as Result).sync.stats.files, 3);
    assert.deepEqual(seen(from).git, []);
  });

  it('a first sync from a work tree without objects: the git endpoint is asked before the commit is answered', async () => {
    const storage = `${fx.storage}-bare`;
    const from = fx.server.requests.length;
    holdCommitAnswer();
    const r = await sync(bare.dir, storage);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = last(r) as unknown as Result;
    assert.equal(result.sync.status, 'completed');
    assert.equal(result.sync.stats.files, 3);
    assert.match(result.sync.stats.contentSource, /pack/);
    const { git, commitAt } = seen(from);
    assert.ok(commitAt !== undefined && git.length > 0, 'both were asked');
    assert.ok((git[0]?.at ?? Infinity) < commitAt + HOLD_MS, `the git endpoint was asked ${(git[0]?.at ?? 0) - commitAt} ms after the commit request, which was held ${HOLD_MS} ms`);
  });

  it('an incremental sync likewise, with the same result; a no-change resync asks the git endpoint nothing', async () => {
    const storage = `${fx.storage}-bare`;
    await commitChanges(fx.repo, { 'src/app.ts': 'export function start(): void {}\nexport function stop(): void {}\n', 'docs/guide.md': '# Guide\n' });
    const from = fx.server.requests.length;
    holdCommitAnswer();
    const r = await sync(bare.dir, storage);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = (last(r) as unknown as Result).sync.stats;
    assert.deepEqual([s.added, s.modified, s.removed, s.files], [1, 1, 0, 4]);
    const { git, commitAt } = seen(from);
    assert.ok(commitAt !== undefined && git.length > 0);
    assert.ok((git[0]?.at ?? Infinity) < commitAt + HOLD_MS, `asked ${(git[0]?.at ?? 0) - commitAt} ms after the held commit request`);

    const again = fx.server.requests.length;
    const unchanged = await sync(bare.dir, storage);
    assert.equal(unchanged.code, 0, unchanged.stderr);
    assert.equal((last(unchanged) as unknown as Result).sync.stats.modified, 0);
    assert.deepEqual(seen(again).git, [], 'no transfer for a head that did not move');
  });

  it('a new branch at a commit the cache already holds: nothing is transferred', async () => {
    const storage = `${fx.storage}-bare`;
    await createBranch(fx.repo, 'feature', 'main');
    const from = fx.server.requests.length;
    const r = await cli(['sync', '--repo', bare.dir, '--storage', storage, '--branch', 'feature', '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((last(r) as unknown as Result).sync.stats.files, 4);
    assert.deepEqual(seen(from).git, [], 'the cache held the commit');
  });

  it('a new commit with the same tree: a no-change sync; the transfer it started is stopped, and the cache still serves the next sync', async () => {
    const storage = `${fx.storage}-bare`;
    await commitChanges(fx.repo, {}, { message: 'An empty commit' });
    const r = await sync(bare.dir, storage);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const s = (last(r) as unknown as Result).sync.stats;
    assert.deepEqual([s.added, s.modified, s.removed, s.files], [0, 0, 0, 4]);
    await commitChanges(fx.repo, { 'lib/util.py': 'def helper():\n    return 1\n' });
    const next = await sync(bare.dir, storage);
    assert.equal(next.code, 0, next.stdout + next.stderr);
    const n = (last(next) as unknown as Result).sync.stats;
    assert.deepEqual([n.added, n.modified, n.removed], [0, 1, 0]);
    assert.match(n.contentSource, /pack/);
  });
});
