// Synthetic benchmark repositories: N files nested 3–6 levels, a few hundred bytes to a few KB each,
// then 20 commits that each change 1% of the files plus a few adds and deletes. Built once with
// `git fast-import` into bench/cache/repos and reused (a manifest records the commit of each step).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commitStream } from '../../test/support/fastImport';
import { generateFiles, mulberry32 } from '../../test/support/generateFiles';
import { runGit } from '../../test/support/git';

export const CHURN_STEPS = 20;
const FORMAT = 3;
/** Commits on the side branch that the merge scenario brings in at once. */
export const SIDE_COMMITS = 200;

export interface BenchRepo {
  size: number;
  bareDir: string;
  /** Commit of each step: [0] the initial commit, [k] after k churn commits. */
  steps: string[];
  /** Files and bytes of step 0. */
  files: number;
  bytes: number;
  /**
   * A merge whose first parent is step 1 and whose second is the tip of a side branch of
   * SIDE_COMMITS commits forked from step 0 (adding and rewriting files under `side/`): the head a
   * sync meets when a long-lived branch lands.
   */
  merge: string;
}

const LINE_WORDS = ['return', 'value', 'index', 'cache', 'result', 'input', 'output', 'buffer', 'config', 'state', 'handler', 'event'];

const rng = mulberry32;

/** Pad a generated file to a few hundred bytes .. a few KB with varied (not trivially compressible) lines. */
function pad(text: string, rand: () => number): string {
  const lines = Math.floor(rand() * rand() * 80) + 3;
  const out = [text];
  for (let i = 0; i < lines; i++) {
    const n = 3 + Math.floor(rand() * 6);
    const words = Array.from({ length: n }, () => `${LINE_WORDS[Math.floor(rand() * LINE_WORDS.length)]}${Math.floor(rand() * 1000)}`);
    out.push(`// ${words.join(' ')}\n`);
  }
  return out.join('');
}

function initialFiles(size: number): Record<string, string> {
  const rand = rng(size);
  const files = generateFiles(size, { seed: size, depth: [3, 6] });
  for (const p of Object.keys(files)) files[p] = pad(files[p] as string, rand);
  return files;
}

/** Step k: modify 1% of the current files, add 3, delete 2 (deterministic). */
function churn(paths: string[], step: number, rand: () => number): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  const count = Math.max(1, Math.round(paths.length / 100));
  while (Object.keys(changes).length < count) {
    const p = paths[Math.floor(rand() * paths.length)] as string;
    changes[p] = pad(`// ${p} revision ${step}\n`, rand);
  }
  for (let i = 0; i < 3; i++) changes[`added/step${step}/new_${i}.ts`] = pad(`export const added${step}_${i} = ${i};\n`, rand);
  let deleted = 0;
  while (deleted < 2) {
    const p = paths[Math.floor(rand() * paths.length)] as string;
    if (p in changes) continue;
    changes[p] = null;
    deleted++;
  }
  return changes;
}

async function build(size: number, dir: string): Promise<BenchRepo> {
  rmSync(dir, { recursive: true, force: true });
  await runGit(['init', '-q', '--bare', '--initial-branch=main', dir]);
  const files = initialFiles(size);
  const bytes = Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0);
  const importStream = (buf: Buffer) => runGit(['--git-dir', dir, 'fast-import', '--quiet', '--done'], { input: buf });
  await importStream(commitStream({ ref: 'refs/heads/main', message: `Initial ${size} files`, changes: files }));
  const steps = [(await runGit(['--git-dir', dir, 'rev-parse', 'refs/heads/main'])).toString().trim()];
  const live = new Set(Object.keys(files));
  const rand = rng(size * 31 + 7);
  for (let k = 1; k <= CHURN_STEPS; k++) {
    const changes = churn([...live], k, rand);
    await importStream(commitStream({ ref: 'refs/heads/main', from: steps[k - 1], message: `Change 1% (step ${k})`, changes }));
    for (const [p, c] of Object.entries(changes)) {
      if (c === null) live.delete(p);
      else live.add(p);
    }
    steps.push((await runGit(['--git-dir', dir, 'rev-parse', 'refs/heads/main'])).toString().trim());
  }
  const merge = await sideBranchMerge(dir, steps, size, importStream);
  // Keep every step reachable; the branch starts at step 0.
  await runGit(['--git-dir', dir, 'update-ref', 'refs/bench/last', steps[CHURN_STEPS] as string]);
  await runGit(['--git-dir', dir, 'update-ref', 'refs/bench/merge', merge]);
  await runGit(['--git-dir', dir, 'repack', '-a', '-d', '-q']);
  return { size, bareDir: dir, steps, files: size, bytes, merge };
}

/** SIDE_COMMITS commits on a branch from step 0, each rewriting a few of ~1% new files, then a merge into step 1. */
async function sideBranchMerge(dir: string, steps: string[], size: number, importStream: (b: Buffer) => Promise<unknown>): Promise<string> {
  const rand = rng(size * 17 + 3);
  const width = Math.max(10, Math.round(size / 100));
  const latest: Record<string, string> = {};
  let tip = steps[0] as string;
  for (let k = 0; k < SIDE_COMMITS; k++) {
    const changes: Record<string, string> = {};
    for (let j = 0; j < 3; j++) {
      const p = `side/area${(k * 3 + j) % 7}/feature_${(k * 3 + j) % width}.ts`;
      changes[p] = pad(`// ${p} side commit ${k}\n`, rand);
      latest[p] = changes[p];
    }
    await importStream(commitStream({ ref: 'refs/heads/bench-side', from: tip, message: `Side ${k}`, changes }));
    tip = (await runGit(['--git-dir', dir, 'rev-parse', 'refs/heads/bench-side'])).toString().trim();
  }
  await importStream(commitStream({ ref: 'refs/heads/bench-merge', from: steps[1], merge: tip, message: 'Merge the side branch', changes: latest }));
  const merge = (await runGit(['--git-dir', dir, 'rev-parse', 'refs/heads/bench-merge'])).toString().trim();
  await runGit(['--git-dir', dir, 'update-ref', '-d', 'refs/heads/bench-side']);
  await runGit(['--git-dir', dir, 'update-ref', '-d', 'refs/heads/bench-merge']);
  await runGit(['--git-dir', dir, 'update-ref', 'refs/bench/side', tip]);
  return merge;
}

/** The repository of `size` files in `cacheDir`, built when missing; its branch `main` at step 0. */
export async function benchRepo(size: number, cacheDir: string, log: (m: string) => void): Promise<BenchRepo> {
  const dir = path.join(cacheDir, `repo-${size}.git`);
  const manifest = path.join(cacheDir, `repo-${size}.json`);
  let repo: BenchRepo | undefined;
  if (existsSync(manifest) && existsSync(dir)) {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as BenchRepo & { format?: number };
    if (m.format === FORMAT) repo = { ...m, bareDir: dir };
  }
  if (!repo) {
    mkdirSync(cacheDir, { recursive: true });
    const t0 = performance.now();
    repo = await build(size, dir);
    writeFileSync(manifest, JSON.stringify({ ...repo, format: FORMAT }, null, 2));
    log(`built ${size}-file repository in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  await moveBranch(repo, 0);
  return repo;
}

/** Point `main` at step k, or at the merge commit (what the server's branch head answers from now on). */
export async function moveBranch(repo: BenchRepo, step: number | 'merge'): Promise<void> {
  await runGit(['--git-dir', repo.bareDir, 'update-ref', 'refs/heads/main', step === 'merge' ? repo.merge : (repo.steps[step] as string)]);
}
