// `npm run bench [-- --quick] [-- --sizes 1000,10000] [-- --runs N] [-- --no-portable]`
// Project Sync against git itself, on synthetic repositories served over 127.0.0.1.
// Prints a Markdown table and writes bench/results/latest.json. See README "Performance".
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startGitHubServer, type GitHubServer } from '../test/support/githubServer';
import { buildBundles } from './lib/build';
import { activation, memoryQuery, progressRate } from './lib/extras';
import { OWNER, removeTemps, repoName, type Harness } from './lib/harness';
import { gnuTimeAvailable } from './lib/proc';
import { benchRepo } from './lib/repos';
import { mergeScenario } from './lib/mergeScenario';
import { markdown, nodeStart, writeJson } from './lib/report';
import { row, type Row } from './lib/result';
import { portableChurn, storageScenario } from './lib/storageScenario';
import { syncScenarios, type SyncOutcome } from './lib/syncScenarios';

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, 'bench', 'cache');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    runs: { type: 'string' },
    'no-portable': { type: 'boolean', default: false },
    'portable-100k-timeout': { type: 'string', default: '300' },
    'cpu-prof': { type: 'string' },
    out: { type: 'string' },
  },
});
const sizes = values.sizes ? values.sizes.split(',').map(Number) : values.quick ? [10_000] : [1_000, 10_000, 100_000];
const runs = Number(values.runs ?? 3);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

/** Ratio targets ("≤ 1.2×") are judged on the largest size they name; others were judged where measured. */
function judge(r: Row): Row {
  const m = /^≤ ([\d.]+)×$/.exec(r.target);
  if (r.met !== null || !m || r.ratio === null) return r;
  return { ...r, met: r.ratio <= Number(m[1]) };
}

async function sizeRows(h: Harness, size: number): Promise<{ rows: Row[]; last: SyncOutcome }> {
  const repo = await benchRepo(size, path.join(cacheDir, 'repos'), log);
  h.server.addRepository(OWNER, repoName(repo), repo.bareDir);
  log(`${size} files: git-binary path`);
  const git = await syncScenarios(h, repo, false, undefined);
  const rows = [...git.outcome.rows];
  rows.push(...(await mergeScenario(h, repo, false, git.outcome, git.anchors, runs)));
  if (!values['no-portable']) {
    log(`${size} files: portable path (PROJECT_SYNC_GIT=none)`);
    const big = size >= 100_000;
    try {
      // One run where the slow path would blow the budget: at 100k, and in --quick (under two minutes).
      const once = big || values.quick;
      const portable = await syncScenarios(h, repo, true, git.anchors, once ? { runs: 1, ...(big ? { timeoutMs: Number(values['portable-100k-timeout']) * 1000 } : {}) } : {});
      rows.push(...portable.outcome.rows.map((r) => (once ? { ...r, note: `${r.note}; one run only (slow path)` } : r)));
      rows.push(...(await mergeScenario(h, repo, true, portable.outcome, git.anchors, 1)));
      log(`${size} files: 20 syncs at 1%, portable path`);
      rows.push(...(await portableChurn(h, repo)));
    } catch (e) {
      rows.push(row({ scenario: 'first sync (with content)', size, path: 'portable', unit: 'ms', target: '-', note: `skipped: ${(e as Error).message.slice(0, 160)}` }));
    }
  }
  log(`${size} files: 20 syncs at 1%`);
  rows.push(...(await storageScenario(h, repo)));
  return { rows, last: git.outcome };
}

async function main(): Promise<void> {
  const started = Date.now();
  log('building bundles');
  const bundles = await buildBundles(root, path.join(cacheDir, 'build'));
  if (!gnuTimeAvailable()) log('GNU time (/usr/bin/time) not found: peak RSS is not measured (apt-get install time)');
  let server: GitHubServer | undefined;
  const rows: Row[] = [];
  const onSignal = () => {
    removeTemps();
    void server?.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    server = await startGitHubServer();
    const nodeFlags = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] : [];
    const h: Harness = { server, cli: bundles.cli, runs, log, nodeFlags };
    let largest: { size: number; outcome: SyncOutcome } | undefined;
    for (const size of sizes) {
      const r = await sizeRows(h, size);
      rows.push(...r.rows);
      largest = { size, outcome: r.last };
    }
    if (largest) {
      rows.push(...(await memoryQuery(largest.outcome.storage, largest.size, runs)));
      const first = largest.outcome.firstRuns.at(-1);
      if (first) rows.push(...progressRate(first, largest.size));
    }
    rows.push(...(await activation(bundles, runs)));
  } finally {
    process.off('SIGINT', onSignal);
    await server?.close();
    removeTemps();
  }
  const judged = rows.map(judge);
  const start = nodeStart();
  log(`node start-up: ${start.asRun} ms as our CLI ran${start.nodeExtraCaCerts ? `, ${start.inThisEnvironment} ms with this environment's NODE_EXTRA_CA_CERTS (not passed to the CLI; see bench/lib/proc.ts cliEnv)` : ''}`);
  const table = markdown(judged);
  process.stdout.write(`\n${table}\n\n`);
  const out = values.out ? path.resolve(values.out) : path.join(root, 'bench', 'results', 'latest.json');
  writeJson(out, judged, { date: new Date().toISOString(), nodeStartMs: start, sizes, runs, quick: values.quick, durationS: Math.round((Date.now() - started) / 1000) });
  log(`wrote ${path.relative(root, out)} in ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
