// Runs the built CLI (dist/cli.js, `node esbuild.mjs` first) as a child process, as a user would:
// exit code, stdout, stderr, JSON lines, and whether it had to be killed for hanging.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliRun } from './cliHarness';

/** PROJECT_SYNC_TEST_CLI: another build to run the same tests against (e.g. the tree before a fix). */
export const DIST_CLI = process.env.PROJECT_SYNC_TEST_CLI || path.resolve(__dirname, '../../../dist/cli.js');

export interface DistRun extends CliRun {
  signal: NodeJS.Signals | null;
  /** The CLI did not end within the time limit and was killed. */
  hung: boolean;
}

/** `cli`: another build of the CLI to run (default dist/cli.js). */
export function distCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000, cli = DIST_CLI): Promise<DistRun> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`node esbuild.mjs\` first`);
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, PROJECT_SYNC_RETRY_BASE_MS: '5', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{') || l.startsWith('['))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code: code ?? -1, signal, hung, stdout, stderr: Buffer.concat(err).toString('utf8'), lines });
    });
  });
}

/** The error line of a failed --json run. */
export function errorLine(run: DistRun): { code?: string; message?: string; hint?: string; path?: string } {
  const l = run.lines.find((x) => x.type === 'error');
  if (!l) throw new Error(`no error line (exit ${run.code}, hung ${run.hung}); stdout: ${run.stdout.slice(-500)} stderr: ${run.stderr.slice(-500)}`);
  return l;
}
