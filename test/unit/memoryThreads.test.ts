// Issue 14: in the extension (memoryThreads 'always') every analysis runs in worker threads, kept
// between syncs and stopped when the engine closes, so the extension host's main thread never parses;
// the CLI ('large', the default) analyses a small change on its own thread. Same facts either way.
// Seen as the extension's Output channel shows it: the engine's log.
import { strict as assert } from 'node:assert';
import path from 'node:path';
import type { Logger } from '../../src/core/logger';
import type { MemoryEntry } from '../../src/core/types';
import type { FactsPool } from '../../src/core/memory/pool';
import { envKnobs } from '../../src/cli/envKnobs';
import { createEngine, memoryWorkersFor, type Engine } from '../../src/engine';
import { commitChanges } from '../support/repos';
import { Fixture } from './support/cliHarness';

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (m: string) => void lines.push(m);
  return { logger: { trace: at, debug: at, info: at, warn: at, error: at }, lines };
}

async function syncOnce(engine: Engine, workdir: string): Promise<void> {
  const gen = engine.sync({ workdir, branch: 'main' });
  for (let step = await gen.next(); !step.done; step = await gen.next());
}

const facts = (entries: MemoryEntry[]) => entries.map((e) => ({ path: e.path, language: e.language, symbols: e.symbols, summary: e.summary })).sort((a, b) => (a.path < b.path ? -1 : 1));

describe('where the memory is analysed (memoryThreads)', function () {
  this.timeout(120_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create({
      'src/router.ts': '/** Routes requests to handlers. */\nexport function createRouter(): void {}\nexport class RouteTable {}\n',
      'tools/build.py': '"""Builds the release."""\n\ndef build():\n    pass\n',
      'README.md': '# Demo\n\nA small demo repository.\n',
    });
  });
  after(() => fx?.dispose());

  it("'always': worker threads for a three-file change, the same ones for the next sync, and the facts are the CLI's", async () => {
    const log = recording();
    const engine = await createEngine({ storageDir: path.join(fx.storage, 'always'), logger: log.logger, memoryThreads: 'always' });
    const plain = await createEngine({ storageDir: path.join(fx.storage, 'large'), logger: recording().logger });
    try {
      await syncOnce(engine, fx.workspace.dir);
      assert.ok(log.lines.some((l) => /memory facts of 3 file\(s\) in worker threads/.test(l)), log.lines.join('\n'));
      await commitChanges(fx.repo, { 'src/router.ts': 'export function createRouter(): void {}\nexport function mount(): void {}\n' });
      await syncOnce(engine, fx.workspace.dir);
      assert.ok(log.lines.some((l) => /memory facts of 1 file\(s\) in worker threads/.test(l)), log.lines.join('\n'));
      assert.equal(log.lines.filter((l) => /starting the memory worker threads/.test(l)).length, 1, 'started once, kept for the second sync');
      assert.ok(!log.lines.some((l) => /memory worker failed/.test(l)), 'the workers answered (no fallback to this thread)');

      await syncOnce(plain, fx.workspace.dir);
      assert.deepEqual(facts(await engine.store.memory({})), facts(await plain.store.memory({})));
    } finally {
      await engine.close();
      await plain.close();
    }
  });

  it("'large' (the CLI's default): a small change is analysed on the engine's own thread", async () => {
    const log = recording();
    const engine = await createEngine({ storageDir: path.join(fx.storage, 'cli'), logger: log.logger });
    try {
      await syncOnce(engine, fx.workspace.dir);
      assert.ok(log.lines.some((l) => /memory facts of 3 file\(s\) on this thread/.test(l)), log.lines.join('\n'));
      assert.ok(!log.lines.some((l) => /worker threads/.test(l)));
    } finally {
      await engine.close();
    }
  });
  it('a sync cancelled while a worker batch never ends stops the workers and ends cancelled', async () => {
    const controller = new AbortController();
    let sent: () => void = () => undefined;
    const batchSent = new Promise<void>((resolve) => (sent = resolve));
    let stopped = false;
    const engine = await createEngine({
      storageDir: path.join(fx.storage, 'stuck'),
      logger: recording().logger,
      memoryThreads: 'always',
      // Workers caught in a file forever (an extractor that never returns): their batches never end.
      wrapFactsPool: (pool): FactsPool => {
        const hung: ((e: Error) => void)[] = [];
        const release = (why: string) => {
          for (const reject of hung.splice(0)) reject(new Error(why));
        };
        return {
          ...pool,
          extractMany: () => {
            sent();
            return new Promise((_, reject) => hung.push(reject));
          },
          stop: async () => {
            stopped = true;
            release('stopped');
            await pool.stop();
          },
          close: async () => {
            release('closed');
            await pool.close();
          },
        };
      },
    });
    try {
      const gen = engine.sync({ workdir: fx.workspace.dir, branch: 'main' }, controller.signal);
      const done = (async () => {
        for (let step = await gen.next(); !step.done; step = await gen.next());
      })();
      await batchSent;
      controller.abort();
      await assert.rejects(done, (e: unknown) => (e as { code?: string }).code === 'CANCELLED');
      assert.ok(stopped, 'the workers were stopped, not waited for');
      assert.deepEqual(engine.store.list().map((r) => r.status), ['cancelled'], 'recorded as cancelled, nothing completed');
    } finally {
      await engine.close();
    }
  });
});

describe("the CLI's worker threads for a large change (memoryWorkersFor, PROJECT_SYNC_THREADS)", () => {
  it('none on two cores or fewer, where a worker only competes with the reading for the same cores; else one less than the cores, at most four', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 8, 64].map(memoryWorkersFor), [0, 0, 2, 3, 4, 4, 4]);
  });

  it('PROJECT_SYNC_THREADS sets the count (0: the command\'s own thread); anything but a small whole number is ignored', () => {
    assert.equal(envKnobs({ PROJECT_SYNC_THREADS: '0' }).memoryWorkers, 0);
    assert.equal(envKnobs({ PROJECT_SYNC_THREADS: '3' }).memoryWorkers, 3);
    assert.equal(envKnobs({ PROJECT_SYNC_THREADS: '99' }).memoryWorkers, 16);
    for (const bad of ['', '-1', '1.5', 'two', '1e3', '007']) assert.equal(envKnobs({ PROJECT_SYNC_THREADS: bad }).memoryWorkers, undefined, bad);
  });
});
