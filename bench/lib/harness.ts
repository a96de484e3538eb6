// What every scenario shares: the server, the CLI under test, temp folders, and one measured sync.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GitHubServer } from '../../test/support/githubServer';
import type { BenchRepo } from './repos';
import { cleanGitEnv, cliEnv, timed, type Timed } from './proc';

export const OWNER = 'bench';

export interface Harness {
  server: GitHubServer;
  cli: string;
  runs: number;
  log(m: string): void;
  /** Extra node flags for the CLI (e.g. --cpu-prof). */
  nodeFlags: string[];
}

export interface Traffic {
  rest: number;
  git: number;
  bytes: number;
  statuses: Record<string, number>;
}

export interface SyncRun extends Timed {
  stats: Record<string, unknown>;
  traffic: Traffic;
}

export function repoName(repo: BenchRepo): string {
  return `repo${repo.size}`;
}

export function cloneUrl(h: Harness, repo: BenchRepo): string {
  return `${h.server.url}/${OWNER}/${repoName(repo)}.git`;
}

const temps: string[] = [];

export function tempDir(label: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ps-bench-${label}-`));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A work tree whose origin is the server and which holds no objects: the sync fetches everything. */
export function bareWorkspace(h: Harness, repo: BenchRepo): string {
  const dir = path.join(tempDir('ws'), repoName(repo));
  mkdirSync(dir);
  execFileSync('git', ['init', '--quiet', dir], { env: cleanGitEnv() });
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', cloneUrl(h, repo)], { env: cleanGitEnv() });
  return dir;
}

export function copyDir(from: string, label: string): string {
  const to = path.join(tempDir(label), 'copy');
  cpSync(from, to, { recursive: true });
  return to;
}

export function traffic(h: Harness, fromIndex: number): Traffic {
  const t: Traffic = { rest: 0, git: 0, bytes: 0, statuses: {} };
  for (const r of h.server.requests.slice(fromIndex)) {
    if (r.kind === 'rest') {
      t.rest++;
      t.statuses[r.status] = (t.statuses[r.status] ?? 0) + 1;
    } else t.git++;
    t.bytes += r.bytes;
  }
  return t;
}

/** One `project-sync sync --branch main --json` as a child process (the extension always names the branch). */
export async function runSync(h: Harness, workdir: string, storage: string, portable: boolean, timeoutMs?: number): Promise<SyncRun> {
  const env = cliEnv(portable ? { PROJECT_SYNC_GIT: 'none' } : {});
  if (!portable) delete env.PROJECT_SYNC_GIT;
  const from = h.server.requests.length;
  const t = await timed(process.execPath, [...h.nodeFlags, h.cli, 'sync', '--repo', workdir, '--storage', storage, '--branch', 'main', '--json'], { env, timeoutMs });
  const last = t.lines.filter((l) => l.text.startsWith('{')).at(-1);
  const parsed = last ? (JSON.parse(last.text) as { type: string; sync?: { stats: Record<string, unknown> }; message?: string }) : undefined;
  if (parsed?.type !== 'result' || !parsed.sync) throw new Error(`sync failed: ${last?.text ?? t.stderr.slice(-1000)}`);
  return { ...t, stats: parsed.sync.stats, traffic: traffic(h, from) };
}

/** A timed git command against the server. */
export async function runGitTimed(h: Harness, args: string[], cwd?: string): Promise<Timed & { traffic: Traffic }> {
  const from = h.server.requests.length;
  const t = await timed('git', args, { env: cleanGitEnv(), cwd });
  return { ...t, traffic: traffic(h, from) };
}

export function duBytes(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(p)) n += duBytes(path.join(p, e));
  return n;
}
