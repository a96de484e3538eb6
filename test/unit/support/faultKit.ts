// Fault-injection helpers over the GitHub-compatible test server and the CLI: phase triggers,
// a spawned CLI bundle, the invariants every fault must leave intact, and a relay in front of the
// server for the faults the server itself must not be made to commit (redirects, endless answers).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'esbuild';
import type { GitHubServer } from '../../support/githubServer';
import { cli, json, type CliRun } from './cliHarness';
import { relayTo, startHttp, type Handler, type TestHttp } from './cliProcess';

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

/**
 * The network path between the CLI and the GitHub-compatible server, for the faults that server
 * must not be bent into (a redirect to another host, an answer without end): every request is relayed
 * unchanged unless a fault is armed for it. `${MOVED}/…` is the same path one hop away on the same
 * origin (what a same-origin redirect points at): relayed with the prefix taken off.
 */
export const MOVED = '/moved-here';

export interface Front extends TestHttp {
  /** Answer the next `count` requests whose path matches with `answer` instead of relaying them; returns disarm. */
  arm(match: RegExp, answer: Handler, count?: number): () => void;
}

export async function startFront(target: string): Promise<Front> {
  const armed: { match: RegExp; answer: Handler; count: number }[] = [];
  const relay = relayTo(target);
  const front = await startHttp('127.0.0.1', (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith(`${MOVED}/`)) {
      req.url = url.slice(MOVED.length);
      return relay(req, res);
    }
    const hit = armed.find((a) => a.count > 0 && a.match.test(url));
    if (!hit) return relay(req, res);
    hit.count--;
    return hit.answer(req, res);
  });
  return {
    ...front,
    arm(match, answer, count = 1) {
      const entry = { match, answer, count };
      armed.push(entry);
      return () => void armed.splice(armed.indexOf(entry), 1);
    },
  };
}

/** Stream `chunk` until `total` bytes or until the client goes away (backpressure kept); resolves with the bytes written. */
export function streamOut(res: ServerResponse, chunk: Buffer, total: number, into: NodeJS.WritableStream = res): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let closed = false;
    res.on('close', () => {
      closed = true;
      resolve(sent);
    });
    const pump = (): void => {
      while (!closed && sent < total) {
        sent += chunk.byteLength;
        if (!into.write(chunk)) return void into.once('drain', pump);
      }
      if (!closed) {
        into.end();
        resolve(sent);
      }
    };
    pump();
  });
}

/**
 * A gzip body inflating to `prefix` and then `mb` MB of spaces, in about 1/1000 of that on the wire:
 * one gzip member per MB (a gzip stream may hold many; they inflate to their concatenation), so it
 * costs one 1 MB compression to make.
 */
export function gzipBomb(prefix: string, mb: number): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(1024 * 1024, ' '), { level: 9 });
  return Buffer.concat([zlib.gzipSync(prefix), ...Array.from({ length: mb }, () => member)]);
}

/** The pid of a process of this host that has exited (what a lock of a killed sync names). */
export function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', () => resolve(child.pid as number)));
}

/** What an interrupted git transfer leaves in the cache repository (lock files, temp packs and objects). */
const GIT_LEFTOVER = /(^|\/)(tmp_pack_|tmp_idx_|tmp_obj_)|\.lock$/;
export function gitLeftovers(cacheGitDir: string): string[] {
  return readdirSync(cacheGitDir, { recursive: true, encoding: 'utf8' }).filter((n) => GIT_LEFTOVER.test(n));
}
