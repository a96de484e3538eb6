// Fault-injection helpers over the GitHub-compatible test server and the CLI: phase triggers,
// a spawned CLI bundle, and the invariants every fault must leave intact.
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, Server } from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import type { GitHubServer } from '../../support/githubServer';
import { cli, json, type CliRun } from './cliHarness';

/** Call `fn` for every request whose path matches, before the server handles it (so it can flip switches). */
export function onRequest(server: GitHubServer, match: RegExp, fn: (path: string) => void): () => void {
  const http = (server as unknown as { http: Server }).http;
  const listener = (req: IncomingMessage): void => {
    if (match.test(req.url ?? '')) fn(req.url ?? '');
  };
  http.prependListener('request', listener);
  return () => void http.off('request', listener);
}

/** Bundle the CLI (with the test failpoint knob) into `dir`: the spawned CLI is the real code of this tree, not a stale dist/. */
export async function buildCli(dir: string): Promise<string> {
  const outfile = path.join(dir, 'cli.js');
  await build({ entryPoints: ['test/support/failpointCli.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error', external: ['vscode'] });
  return outfile;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<CliRun & { signal: NodeJS.Signals | null }>;
}

export function spawnCli(cliJs: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(process.execPath, [cliJs, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  const done = new Promise<CliRun & { signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code: code ?? -1, signal, stdout, stderr: Buffer.concat(err).toString('utf8'), lines });
    });
  });
  return { child, done };
}

export interface HistoryJson {
  id: string;
  status: string;
  kind: string;
  previousSyncId: string | null;
  error: { code: string; message: string } | null;
  phase?: string | null;
  failedPhase?: string | null;
}
export type FileJson = { path: string; blobSha: string; mode: string; size: number | null };

/** The store as the next process sees it: history (which marks crashed attempts interrupted) and active files. */
export async function storeState(storage: string): Promise<{ history: HistoryJson[]; files: FileJson[] }> {
  const h = await cli(['history', '--storage', storage, '--json']);
  if (h.code !== 0) throw new Error(`the store does not load: ${h.stdout} ${h.stderr}`);
  const f = await cli(['files', '--storage', storage, '--json']);
  if (f.code !== 0) throw new Error(`the active files do not load: ${f.stdout} ${f.stderr}`);
  return { history: json<HistoryJson[]>(h), files: json<FileJson[]>(f) };
}

/** Each completed or restored record names a distinct predecessor: the chain never forks. */
export function chainProblems(history: readonly HistoryJson[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const ids = new Set(history.map((r) => r.id));
  for (const r of history) {
    if (r.status !== 'completed') continue;
    const prev = r.previousSyncId ?? '(root)';
    if (seen.has(prev)) problems.push(`${r.id} and ${seen.get(prev)} both follow ${prev}`);
    seen.set(prev, r.id);
    if (r.previousSyncId && !ids.has(r.previousSyncId)) problems.push(`${r.id} follows a missing ${r.previousSyncId}`);
  }
  return problems;
}

/** A Markdown table of phase × fault → outcome. */
export function matrixTable(phases: readonly string[], faults: readonly string[], cell: (phase: string, fault: string) => string): string {
  const rows = [`| phase \\ fault | ${faults.join(' | ')} |`, `|---|${faults.map(() => '---').join('|')}|`];
  for (const p of phases) rows.push(`| ${p} | ${faults.map((f) => cell(p, f)).join(' | ')} |`);
  return rows.join('\n');
}
