// dist/cli.js loads its heavy parts on first use (scripts/engineSplit.mjs): a no-change resync never
// loads the memory's analysis or search engine, a sync with content and a memory query do, and the
// answers are the same as ever. Observed on the built CLI as a user runs it, through NODE_DEBUG=module
// (Node's own report of every module it loads).
import { strict as assert } from 'node:assert';
import { distCli } from './support/distCli';
import { Fixture } from './support/cliHarness';

const loaded = (stderr: string): string[] => [...new Set([...stderr.matchAll(/load "?[^"\n]*[\\/](memoryAnalysis|memorySearch|undici)\.js/g)].map((m) => m[1] as string))].sort();

describe('project-sync loads its heavy parts on first use', function () {
  this.timeout(120_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create({
      'src/router.ts': 'export function createRouter(): void {}\nexport class RouteTable {}\n',
      'README.md': '# Demo\n\nA small demo repository.\n',
    });
  });
  after(() => fx.dispose());

  const run = (args: string[]) => distCli(args, { NODE_DEBUG: 'module' });

  it('a first sync loads the analysis only; a memory query the search engine; a no-change resync neither', async () => {
    const sync = ['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'main', '--json'];
    const first = await run(sync);
    assert.equal(first.code, 0, first.stderr.slice(-2000));
    assert.deepEqual(loaded(first.stderr), ['memoryAnalysis']);

    const query = await run(['memory', '--storage', fx.storage, '--query', 'router', '--json']);
    assert.equal(query.code, 0, query.stderr.slice(-2000));
    assert.equal((JSON.parse(query.stdout) as { path: string; symbols: string[] }[])[0]?.path, 'src/router.ts');
    assert.deepEqual(loaded(query.stderr), ['memorySearch']);

    const again = await run(sync);
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    assert.equal((again.lines.at(-1) as { sync: { stats: { added: number; modified: number } } }).sync.stats.modified, 0);
    assert.deepEqual(loaded(again.stderr), [], 'a no-change resync loads none of them');
  });
});
