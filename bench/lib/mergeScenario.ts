// A 1% sync whose head is a merge that brings in a long side branch (SIDE_COMMITS commits): what
// crosses the network must stay within what a depth-1 fetch of the merge moves, on both paths.
import { copyDir, runGitTimed, runSync, type Harness, type SyncRun } from './harness';
import { spread, type Timed } from './proc';
import { moveBranch, SIDE_COMMITS, type BenchRepo } from './repos';
import { medianOf, row, rssSpread, type Row } from './result';
import type { Anchors, SyncOutcome } from './syncScenarios';

/** `git fetch --depth 1` of the merge, then `git ls-tree -r`, in a copy of the step-0 shallow clone. */
async function depthOneFetch(h: Harness, template: string): Promise<Timed & { bytes: number }> {
  const dir = copyDir(template, 'mergefetch');
  const f = await runGitTimed(h, ['fetch', '--quiet', '--depth', '1', 'origin'], dir);
  const l = await runGitTimed(h, ['ls-tree', '-r', 'refs/remotes/origin/main'], dir);
  return { ...f, ms: f.ms + l.ms, bytes: f.traffic.bytes };
}

export async function mergeScenario(h: Harness, repo: BenchRepo, portable: boolean, outcome: SyncOutcome, anchors: Anchors, runs: number): Promise<Row[]> {
  const label = portable ? 'portable' : 'git';
  await moveBranch(repo, 'merge');
  const ours: SyncRun[] = [];
  const anchor: (Timed & { bytes: number })[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const storage = copyDir(outcome.storage, 'storemerge');
      h.log(`  ${repo.size} ${label}: merge of a ${SIDE_COMMITS}-commit side branch ${i + 1}/${runs}`);
      ours.push(await runSync(h, outcome.workdir, storage, portable));
      anchor.push(await depthOneFetch(h, anchors.cloneTemplate));
    }
  } finally {
    await moveBranch(repo, 1);
  }
  const bytes = medianOf(ours.map((r) => r.traffic.bytes));
  const anchorBytes = medianOf(anchor.map((r) => r.bytes));
  const s = ours[0]?.stats ?? {};
  return [
    row({
      scenario: `1% sync, head a merge of a ${SIDE_COMMITS}-commit side branch`, size: repo.size, path: portable ? 'portable' : 'git', unit: 'ms', target: 'bytes ≤ a depth-1 fetch',
      ours: spread(ours.map((r) => r.ms)), anchor: spread(anchor.map((r) => r.ms)), anchorLabel: 'git fetch --depth 1 + git ls-tree -r',
      requests: { rest: medianOf(ours.map((r) => r.traffic.rest)), git: medianOf(ours.map((r) => r.traffic.git)) }, bytes,
      rss: { ours: rssSpread(ours.map((r) => r.rssKb)), anchor: rssSpread(anchor.map((r) => r.rssKb)) },
      met: bytes <= anchorBytes * 1.05,
      note: `+${String(s.added)} ~${String(s.modified)} -${String(s.removed)}; ${(bytes / 1048576).toFixed(2)} MB vs the depth-1 fetch's ${(anchorBytes / 1048576).toFixed(2)} MB`,
    }),
  ];
}
