// Runs the `project-sync` CLI in-process against the GitHub-compatible server.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../src/cli/main';
import type { EngineOptions } from '../../../src/engine';
import { parseFailpoint } from '../../support/failpoint';
import { startGitHubServer, type GitHubServer } from '../../support/githubServer';
import { cloneWorkspace, createTestRepo, type FileSpec, type TestRepo } from '../../support/repos';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON Lines. */
  lines: Record<string, unknown>[];
}

/** `engine`: options a test gives the engine directly (as the failpoint is), e.g. a shorter lock wait. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, engine: Partial<EngineOptions> = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const failpoint = parseFailpoint(env.PROJECT_SYNC_FAILPOINT);
  const code = await main(
    args,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      env: { PROJECT_SYNC_GIT: process.env.PROJECT_SYNC_GIT, ...env },
    },
    { ...engine, ...(failpoint ? { failpoint } : {}) },
  );
  const text = Buffer.concat(out).toString('utf8');
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('{') || l.startsWith('['))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout: text, stderr: Buffer.concat(err).toString('utf8'), lines };
}

/** The last JSON line of a --json run (the result or the error). */
export function last(run: CliRun): Record<string, unknown> {
  const l = run.lines.at(-1);
  if (!l) throw new Error(`no JSON output; stderr: ${run.stderr}`);
  return l;
}

export function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

/** A server with one repository, a workspace cloned from it, and a storage folder. */
export class Fixture {
  server!: GitHubServer;
  repo!: TestRepo;
  workspace!: { dir: string; cleanup(): Promise<void> };
  storage!: string;
  private tmp!: string;

  static async create(files: Record<string, FileSpec>, opts: { branch?: string; owner?: string; name?: string } = {}): Promise<Fixture> {
    const f = new Fixture();
    f.tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-cli-'));
    f.storage = path.join(f.tmp, 'storage');
    f.server = await startGitHubServer();
    f.repo = await createTestRepo(files, { branch: opts.branch });
    f.server.addRepository(opts.owner ?? 'octo', opts.name ?? 'repo', f.repo.bareDir);
    f.workspace = await cloneWorkspace(f.server, opts.owner ?? 'octo', opts.name ?? 'repo');
    return f;
  }

  sync(...extra: string[]): Promise<CliRun> {
    return cli(['sync', '--repo', this.workspace.dir, '--storage', this.storage, '--json', ...extra]);
  }

  async dispose(): Promise<void> {
    await this.server?.close();
    await this.workspace?.cleanup();
    await this.repo?.cleanup();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** A work tree whose origin is the server but which has fetched nothing: no local objects. */
export async function bareWorkspace(server: GitHubServer, owner: string, name: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const { execFileSync } = await import('node:child_process');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-ws-'));
  execFileSync('git', ['init', '--quiet', dir]);
  execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', `${server.url}/${owner}/${name}.git`]);
  return { dir, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}
