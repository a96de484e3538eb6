import { strict as assert } from 'node:assert';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import type { HistoryStore } from '../../src/core/ports';
import { acquireStorageLock } from '../../src/storage';
import type { SyncRecord } from '../../src/core/types';
import { byPath, completeWith, factsOf, file, memoryView, open, repo, syncFiles, tempDirs } from './storageFixtures';

const v1 = [file('a.ts'), file('b.ts'), file('c.ts')];
const v2 = [file('a.ts', 'v2'), file('c.ts'), file('d.ts')];

class Crash extends Error {}

/** A failpoint that records every write step and, once armed at step N, fails that step and every later one. */
function killSwitch() {
  const state = { steps: [] as string[], armedAt: Infinity, dead: false };
  const failpoint = (step: string) => {
    if (state.dead || state.steps.length >= state.armedAt) {
      state.dead = true;
      throw new Crash(`killed at ${step}`);
    }
    state.steps.push(step);
  };
  return { state, failpoint };
}

const listData = (dir: string) => ({ snapshots: readdirSync(path.join(dir, 'snapshots')).sort(), memory: readdirSync(path.join(dir, 'memory')).sort() });

interface Scenario {
  name: string;
  /** Runs with the failpoint disarmed; returns the state to compare against. */
  prepare(store: HistoryStore): Promise<{ base: SyncRecord; pending?: SyncRecord }>;
  act(store: HistoryStore, ctx: { base: SyncRecord; pending?: SyncRecord }): Promise<unknown>;
}

const scenarios: Scenario[] = [
  {
    name: 'complete()',
    prepare: async (s) => ({ base: await syncFiles(s, v1), pending: await s.begin({ repository: repo, branch: 'main' }) }),
    act: (s, c) => completeWith(s, c.pending as SyncRecord, v2),
  },
  {
    name: 'restore()',
    prepare: async (s) => {
      const first = await syncFiles(s, v1);
      await syncFiles(s, v2);
      await s.restore(first.id);
      return { base: await syncFiles(s, v2) };
    },
    act: (s) => s.restore(s.list().at(-1)?.id as string),
  },
  {
    name: 'begin()',
    prepare: async (s) => ({ base: await syncFiles(s, v1) }),
    act: (s) => s.begin({ repository: repo, branch: 'main' }),
  },
];

describe('history store: crash safety', () => {
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  for (const sc of scenarios) {
    it(`leaves the old or the new state when killed at any write of ${sc.name}`, async () => {
      const dry = killSwitch();
      const dryStore = await open(dirs.make(), { failpoint: dry.failpoint });
      const dryCtx = await sc.prepare(dryStore);
      const before = dry.state.steps.length;
      await sc.act(dryStore, dryCtx);
      const stepCount = dry.state.steps.length - before;
      assert.ok(stepCount >= 2, `${sc.name} performs its writes through the failpoint`);

      for (let k = 0; k < stepCount; k++) {
        const dir = dirs.make();
        const kill = killSwitch();
        const store = await open(dir, { failpoint: kill.failpoint });
        const ctx = await sc.prepare(store);
        const expectedFiles = await store.readFiles(ctx.base.id);
        const expectedMemory = memoryView((await store.memory()));
        const records = store.list().length;
        const committed = listData(dir);
        kill.state.armedAt = kill.state.steps.length + k;
        await assert.rejects(sc.act(store, ctx), (e: Error) => e instanceof Crash || e.cause instanceof Crash, `killed at step ${k}`);

        const reopened = await open(dir, { orphanGraceMs: 0 });
        const where = `after a kill at ${kill.state.steps.at(-1) ?? 'the first step'} (+${k})`;
        assert.equal(reopened.activeSync(repo)?.id, ctx.base.id, where);
        assert.deepEqual(await reopened.readFiles(ctx.base.id), expectedFiles, where);
        assert.deepEqual(memoryView((await reopened.memory())), expectedMemory, where);
        assert.ok(reopened.list().length === records || reopened.list().length === records + 1, where);
        assert.ok(reopened.list().every((r) => r.status !== 'running'), where);
        assert.deepEqual(listData(dir), committed, `orphans removed ${where}`);
        const next = await syncFiles(reopened, [...v1, file('z.ts')]);
        assert.equal(next.previousSyncId, ctx.base.id, where);
        await reopened.close();
      }
    });
  }

  it('marks a sync left running by a dead process as interrupted, persistently', async () => {
    const dir = dirs.make();
    const crashed = await open(dir);
    const base = await syncFiles(crashed, v1);
    const running = await crashed.begin({ repository: repo, branch: 'main' });
    // The process dies here: no fail(), no close().
    const store = await open(dir);
    const rec = store.get(running.id);
    assert.deepEqual([rec?.status, rec?.previousSyncId, rec?.startedAfterSyncId], ['interrupted', null, base.id]);
    assert.equal(store.activeSync(repo)?.id, base.id);
    const later = await open(dir);
    assert.equal(later.get(running.id)?.status, 'interrupted');
    assert.deepEqual(memoryView((await later.memory())), memoryView(v1.map(factsOf)));
  });

  it('leaves a running sync alone while a live process holds the storage lock', async () => {
    const dir = dirs.make();
    const syncing = await open(dir);
    const lock = await acquireStorageLock(dir, { logger: nullLogger });
    const running = await syncing.begin({ repository: repo, branch: 'main' });
    const otherWindow = await open(dir);
    assert.equal(otherWindow.get(running.id)?.status, 'running');
    const done = await completeWith(syncing, running, v1);
    assert.equal(done.status, 'completed');
    await lock.release();
  });

  it('removes orphan files only after a grace period (another process may be committing)', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    await syncFiles(store, v1);
    await store.close();
    const orphan = path.join(dir, 'snapshots', `${'f'.repeat(40)}-0000.json`);
    writeFileSync(orphan, '{}');
    await open(dir);
    assert.ok(listData(dir).snapshots.includes(path.basename(orphan)), 'a fresh orphan is kept');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(orphan, old, old);
    const reopened = await open(dir);
    assert.ok(!listData(dir).snapshots.includes(path.basename(orphan)), 'an old orphan is removed');
    assert.deepEqual(await reopened.readFiles(reopened.activeSync(repo)?.id as string), byPath(v1));
  });
});
