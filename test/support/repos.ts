import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitStream, type FileSpec } from './fastImport.js';
import { runGit, splitNul } from './git.js';
import type { GitHubServer } from './githubServer.js';

export type { FileSpec } from './fastImport.js';
export { generateFiles } from './generateFiles.js';

export interface TestRepo {
  /** The bare repository the server serves. */
  bareDir: string;
  /** A `--shared --no-checkout` clone of bareDir. Commits are authored with `commitChanges` (fast-import into bareDir). */
  workDir: string;
  cleanup(): Promise<void>;
}

async function fastImport(bareDir: string, stream: Buffer): Promise<void> {
  await runGit(['--git-dir', bareDir, 'fast-import', '--quiet', '--done'], { input: stream });
}

async function revParse(bareDir: string, rev: string): Promise<string | null> {
  try {
    return (await runGit(['--git-dir', bareDir, 'rev-parse', '--verify', '-q', `${rev}^{commit}`])).toString('utf8').trim();
  } catch {
    return null; // no such revision
  }
}

/** A bare repository with one commit holding `files` on `branch` (default `main`, also HEAD). */
export async function createTestRepo(files: Record<string, FileSpec>, opts: { branch?: string; message?: string } = {}): Promise<TestRepo> {
  const root = await mkdtemp(join(tmpdir(), 'ps-repo-'));
  const bareDir = join(root, 'repo.git');
  const workDir = join(root, 'work');
  const branch = opts.branch ?? 'main';
  try {
    await runGit(['init', '-q', '--bare', `--initial-branch=${branch}`, bareDir]);
    await fastImport(bareDir, commitStream({ ref: `refs/heads/${branch}`, message: opts.message ?? 'Initial commit', changes: files }));
    await runGit(['clone', '-q', '--shared', '--no-checkout', bareDir, workDir]);
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return { bareDir, workDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Commit changes (null deletes) on `branch` (default: HEAD's branch; a missing branch starts from HEAD); `merge` names a second parent. */
export async function commitChanges(
  repo: TestRepo,
  changes: Record<string, FileSpec | null>,
  opts: { branch?: string; message?: string; merge?: string } = {},
): Promise<string> {
  const branch = opts.branch ?? (await headBranch(repo.bareDir));
  const ref = `refs/heads/${branch}`;
  const from = (await revParse(repo.bareDir, ref)) ?? (await revParse(repo.bareDir, 'HEAD'));
  const merge = opts.merge === undefined ? undefined : ((await revParse(repo.bareDir, opts.merge)) ?? undefined);
  await fastImport(repo.bareDir, commitStream({ ref, from: from ?? undefined, merge, message: opts.message ?? 'Update files', changes }));
  const sha = await revParse(repo.bareDir, ref);
  if (!sha) throw new Error(`commit on ${branch} failed`);
  return sha;
}

async function headBranch(bareDir: string): Promise<string> {
  const out = await runGit(['--git-dir', bareDir, 'symbolic-ref', '--short', 'HEAD']);
  return out.toString('utf8').trim();
}

/** A branch at `from` (a branch name or sha; default HEAD). */
export async function createBranch(repo: TestRepo, name: string, from = 'HEAD'): Promise<void> {
  const sha = (await revParse(repo.bareDir, from)) ?? (await revParse(repo.bareDir, `refs/heads/${from}`));
  if (!sha) throw new Error(`createBranch: unknown revision ${from}`);
  await runGit(['--git-dir', repo.bareDir, 'update-ref', `refs/heads/${name}`, sha, '']);
}

/** Many branches at once (one `git update-ref --stdin`), all at `from` (default HEAD). An addition to the contract. */
export async function createBranches(repo: TestRepo, names: readonly string[], from = 'HEAD'): Promise<void> {
  const sha = await revParse(repo.bareDir, from);
  if (!sha) throw new Error(`createBranches: unknown revision ${from}`);
  const input = names.map((n) => `create refs/heads/${n} ${sha}\n`).join('');
  await runGit(['--git-dir', repo.bareDir, 'update-ref', '--stdin'], { input });
}

/** `git clone` from the server (origin = `${server.url}/${owner}/${name}.git`). The token, if any, is not stored. */
export async function cloneWorkspace(
  server: GitHubServer,
  owner: string,
  name: string,
  opts: { branch?: string; token?: string; noCheckout?: boolean } = {},
): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'ps-ws-'));
  const dir = join(root, name);
  const args: string[] = [];
  if (opts.token) args.push('-c', `http.extraHeader=Authorization: token ${opts.token}`);
  args.push('clone', '-q');
  if (opts.branch) args.push('--branch', opts.branch);
  if (opts.noCheckout) args.push('--no-checkout');
  args.push(`${server.url}/${owner}/${name}.git`, dir);
  try {
    await runGit(args);
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return { dir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** `git ls-tree -r -z` of a revision: every blob, symlink and submodule entry, paths byte-exact. */
export async function lsTree(bareDir: string, rev: string): Promise<Array<{ path: string; mode: string; sha: string }>> {
  const out = await runGit(['--git-dir', bareDir, 'ls-tree', '-r', '-z', rev]);
  return splitNul(out).map((rec) => {
    const tab = rec.indexOf(9);
    const [mode = '', , sha = ''] = rec.subarray(0, tab).toString('latin1').split(' ');
    return { path: rec.subarray(tab + 1).toString('utf8'), mode, sha };
  });
}
