import { strict as assert } from 'node:assert';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RepositoryFile } from '../../src/core/types';
import { byPath, factsOf, file, open, syncFiles, tempDirs } from './storageFixtures';

const bytesIn = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);

/** One sync's 1% churn: 60 modified, 20 added, 20 removed. */
function churn(files: RepositoryFile[], round: number): RepositoryFile[] {
  const next = files.slice(20).map((f, i) => (i % 165 === round % 165 && i < 165 * 60 ? file(f.path, `r${round}`) : f));
  for (let i = 0; i < 20; i++) next.push(file(`src/new/r${round}/added${i}.ts`));
  return next;
}

describe('history store at scale', function () {
  this.timeout(60_000);
  const dirs = tempDirs();
  afterEach(() => dirs.cleanup());

  it('keeps 20 syncs of a 10k-file repo at 1% churn within 1.3x one snapshot', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    let files = Array.from({ length: 10_000 }, (_, i) => file(`src/module${i % 100}/component${i}/index.ts`));
    await syncFiles(store, files, { withMemory: false });
    const oneSnapshot = bytesIn(path.join(dir, 'snapshots'));
    const times: number[] = [];
    for (let round = 1; round <= 20; round++) {
      files = churn(files, round);
      const t0 = performance.now();
      const rec = await syncFiles(store, files);
      times.push(performance.now() - t0);
      assert.equal(rec.stats.added + rec.stats.modified + rec.stats.removed, 100);
    }
    const snapshots = bytesIn(path.join(dir, 'snapshots'));
    const ratio = snapshots / oneSnapshot;
    const report = {
      oneSnapshotBytes: oneSnapshot,
      snapshotBytesAfter20: snapshots,
      ratio: Number(ratio.toFixed(3)),
      memoryBytes: bytesIn(path.join(dir, 'memory')),
      historyJsonBytes: statSync(path.join(dir, 'history.json')).size,
      medianSyncMs: Number(times.sort((a, b) => a - b)[10]?.toFixed(1)),
    };
    process.stdout.write(`      storage after 20 syncs: ${JSON.stringify(report)}\n`);
    assert.ok(ratio <= 1.3, `snapshots take ${ratio.toFixed(2)}x one snapshot`);
    const reopened = await open(dir);
    assert.deepEqual(await reopened.readFiles(reopened.list()[0]?.id as string), byPath(files));
  });

  it('answers a memory query over 100k active entries in well under 100 ms', async () => {
    const dir = dirs.make();
    const store = await open(dir);
    const files = Array.from({ length: 100_000 }, (_, i) => file(`pkg${i % 300}/src/feature${i}/widget${i}.ts`));
    const rec = await store.begin({ repository: { host: 'github.com', owner: 'octo', name: 'demo' }, branch: 'main' });
    const memory = files.map(factsOf);
    await store.complete(rec.id, {
      baseSyncId: null,
      commitSha: 'a'.repeat(40),
      treeSha: 'b'.repeat(40),
      commitMessage: null,
      forcePushed: false,
      files,
      diff: { added: files, modified: [], removed: [] },
      memory,
      stats: { files: 0, added: files.length, modified: 0, removed: 0, requests: 0, bytes: 0, contentSource: 'none', contentFiles: 0, durationMs: 0 },
    });
    await store.close();
    const t0 = performance.now();
    const reopened = await open(dir);
    const openMs = performance.now() - t0;
    // Once each: a query with words builds the search index (memory.index, written for the next process), a listing the sorted view.
    await reopened.memory({ query: 'warm', limit: 1 });
    await reopened.memory({ limit: 1 });
    const t1 = performance.now();
    const hits = (await reopened.memory({ query: 'widget4242', limit: 20 }));
    const queryMs = performance.now() - t1;
    const t2 = performance.now();
    const page = (await reopened.memory({ limit: 50 }));
    const listMs = performance.now() - t2;
    process.stdout.write(`      100k entries: open ${openMs.toFixed(0)} ms, query ${queryMs.toFixed(1)} ms, first page ${listMs.toFixed(1)} ms\n`);
    assert.equal(hits[0]?.path, 'pkg42/src/feature4242/widget4242.ts');
    assert.equal(page.length, 50);
    assert.ok(queryMs < 100, `query took ${queryMs.toFixed(1)} ms`);
    assert.ok(listMs < 100, `listing took ${listMs.toFixed(1)} ms`);
  });
});
