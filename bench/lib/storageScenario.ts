// Scenario 4: storage bytes after 20 syncs at 1% churn vs one snapshot's size; the object cache
// after them vs a depth-1 clone of the same commit (the portable path holds it within 1.5×).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { bareWorkspace, cloneUrl, duBytes, runGitTimed, runSync, tempDir, type Harness } from './harness';
import { spread } from './proc';
import { CHURN_STEPS, moveBranch, type BenchRepo } from './repos';
import { row, single, type Row } from './result';

/** The object cache is measured apart: it is git's own pack format, not our history. */
const OBJECT_CACHE = 'objects.git';

/** History, snapshots and memory files: everything in the storage folder but the object cache. */
function storeBytes(storage: string): { store: number; objects: number; files: Record<string, number> } {
  const files: Record<string, number> = {};
  let store = 0;
  for (const e of readdirSync(storage)) {
    if (e === OBJECT_CACHE) continue;
    const n = duBytes(path.join(storage, e));
    files[e] = n;
    store += n;
  }
  return { store, objects: duBytes(path.join(storage, OBJECT_CACHE)), files };
}

/** The objects of `git clone --bare --depth 1` of the branch as it is now: what one snapshot's objects take in git's own hands. */
async function depthOneObjects(h: Harness, repo: BenchRepo): Promise<number> {
  const dir = path.join(tempDir('depth1'), 'c.git');
  await runGitTimed(h, ['clone', '--quiet', '--bare', '--depth', '1', cloneUrl(h, repo), dir]);
  return duBytes(path.join(dir, 'objects'));
}

/** The object cache after the churn, against a depth-1 clone of the last commit. */
export async function objectCacheRow(h: Harness, repo: BenchRepo, portable: boolean, storage: string, syncs: string): Promise<Row> {
  const mb = (n: number) => n / 1e6;
  const ours = duBytes(path.join(storage, OBJECT_CACHE, 'objects'));
  const clone = await depthOneObjects(h, repo);
  return row({
    scenario: `object cache after ${syncs}`, size: repo.size, unit: 'MB', path: portable ? 'portable' : 'git',
    target: portable ? '≤ 1.5×' : '(≤ 1.5× on the portable path)',
    ours: single(mb(ours)), anchor: single(mb(clone)), anchorLabel: 'git clone --bare --depth 1 of the same commit (objects)',
    note: portable ? 'compacted on this machine when its packs outgrow the largest by 40%' : "git's own housekeeping (gc --auto after 50 packs; unreachable objects kept two weeks)",
  });
}

/** Twenty syncs at 1% through the portable path: its object cache against a depth-1 clone. */
export async function portableChurn(h: Harness, repo: BenchRepo): Promise<Row[]> {
  const workdir = bareWorkspace(h, repo);
  const storage = path.join(tempDir('pchurn'), 's');
  await moveBranch(repo, 0);
  await runSync(h, workdir, storage, true);
  for (let k = 1; k <= CHURN_STEPS; k++) {
    await moveBranch(repo, k);
    await runSync(h, workdir, storage, true);
    if (k % 5 === 0) h.log(`  ${repo.size} portable: churn sync ${k}/${CHURN_STEPS}`);
  }
  return [await objectCacheRow(h, repo, true, storage, `${CHURN_STEPS} syncs at 1%`)];
}

export async function storageScenario(h: Harness, repo: BenchRepo): Promise<Row[]> {
  const workdir = bareWorkspace(h, repo);
  const storage = path.join(tempDir('churn'), 's');
  await moveBranch(repo, 0);
  await runSync(h, workdir, storage, false);
  const one = storeBytes(storage);
  const times: number[] = [];
  let requests = 0;
  for (let k = 1; k <= CHURN_STEPS; k++) {
    await moveBranch(repo, k);
    const r = await runSync(h, workdir, storage, false);
    times.push(r.ms);
    requests = Math.max(requests, r.traffic.rest);
    if (k % 5 === 0) h.log(`  ${repo.size}: churn sync ${k}/${CHURN_STEPS}`);
  }
  const after = storeBytes(storage);
  const mb = (n: number) => n / 1e6;
  const t = spread(times);
  const cache = await objectCacheRow(h, repo, false, storage, `${CHURN_STEPS} syncs at 1%`);
  return [
    cache,
    row({
      scenario: `storage after ${CHURN_STEPS} syncs at 1%`, size: repo.size, unit: 'MB', target: '≤ 1.3×', path: 'git',
      ours: single(mb(after.store)), anchor: single(mb(one.store)), anchorLabel: 'storage after one sync (one snapshot)',
      note: `breakdown ${Object.entries(after.files).map(([k, v]) => `${k} ${mb(v).toFixed(2)}`).join(', ')}; object cache ${mb(one.objects).toFixed(1)} → ${mb(after.objects).toFixed(1)} MB`,
    }),
    row({
      scenario: 'REST requests per 1% sync (max of 20)', size: repo.size, unit: 'requests', target: 'not ∝ files', path: 'git',
      ours: single(requests), note: `1% sync wall time median ${t.median.toFixed(0)} ms (${t.min.toFixed(0)}–${t.max.toFixed(0)})`,
    }),
  ];
}
