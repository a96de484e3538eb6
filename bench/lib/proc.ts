// Timed child processes: wall time, peak RSS (GNU time's %M, the largest process of the tree that
// was waited for), stdout lines with their arrival time.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Timed {
  ms: number;
  /** Peak resident set in KB, or null when GNU time is not available. */
  rssKb: number | null;
  /**
   * Wall time as GNU time saw it (10 ms steps), or null: from its own fork of the command to the
   * command's exit, without what starting a child costs this (large) harness process.
   */
  elapsedMs: number | null;
  code: number;
  stdout: string;
  stderr: string;
  /** stdout lines with milliseconds since the start. */
  lines: { at: number; text: string }[];
}

const GNU_TIME = '/usr/bin/time';
let hasGnuTime: boolean | undefined;

export function gnuTimeAvailable(): boolean {
  hasGnuTime ??= spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
  return hasGnuTime;
}

/** Run `cmd args` to completion; reject on a non-zero exit unless `allowFail`. */
export function timed(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; allowFail?: boolean; timeoutMs?: number } = {}): Promise<Timed> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-bench-time-'));
  const rssFile = path.join(tmp, 'rss');
  const wrapped = gnuTimeAvailable() ? { cmd: GNU_TIME, args: ['-q', '-f', '%e %M', '-o', rssFile, cmd, ...args] } : { cmd, args };
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(wrapped.cmd, wrapped.args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Timed['lines'] = [];
    const out: string[] = [];
    const err: Buffer[] = [];
    let carry = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const at = performance.now() - t0;
      out.push(chunk);
      const parts = (carry + chunk).split('\n');
      carry = parts.pop() ?? '';
      for (const text of parts) lines.push({ at, text });
    });
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, sig) => {
      const ms = performance.now() - t0;
      if (timer) clearTimeout(timer);
      if (carry) lines.push({ at: ms, text: carry });
      const { rssKb, elapsedMs } = readGnuTime(rssFile);
      rmSync(tmp, { recursive: true, force: true });
      const result: Timed = { ms, rssKb, elapsedMs, code: code ?? (sig ? 128 : 1), stdout: out.join(''), stderr: Buffer.concat(err).toString('utf8'), lines };
      if (result.code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(' ')} exited ${result.code}${sig ? ` (${sig})` : ''}: ${result.stderr.slice(-2000)}`));
      else resolve(result);
    });
  });
}

/** GNU time's "%e %M" line (seconds, KB), or nulls: no GNU time, or the process was killed before it wrote. */
function readGnuTime(file: string): { rssKb: number | null; elapsedMs: number | null } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { rssKb: null, elapsedMs: null };
    throw e;
  }
  const m = /(\d+(?:\.\d+)?) (\d+)\s*$/.exec(text);
  return m ? { rssKb: Number(m[2]), elapsedMs: Number(m[1]) * 1000 } : { rssKb: null, elapsedMs: null };
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, runs: s.length };
}

/** An isolated git environment (no user config), as the test server's helpers use. */
export function cleanGitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...extra };
}

/**
 * The environment our CLI runs in: cleanGitEnv without NODE_EXTRA_CA_CERTS. Node reads and parses
 * that file at every start, before any of our code, whether or not TLS is used (a 200 KB bundle on
 * the machines this project is built on adds 70–90 ms to each process); the bench server is plain
 * HTTP on 127.0.0.1 and git reads its CA file only for https. The cost is measured and reported
 * beside the results (nodeStartMs), not hidden: a user whose environment sets it pays it too.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = cleanGitEnv(extra);
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Median wall time of `node -e 0` in `env`, over `runs` processes (the start-up every CLI run pays). */
export function nodeStartMs(env: NodeJS.ProcessEnv, runs = 7): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  return Math.round(spread(times).median);
}
