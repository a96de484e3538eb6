// The local side of remote detection: which git repository a folder belongs to, its remotes
// and its current branch. Handles `.git` files (worktrees, submodules) and worktree common dirs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SyncError } from '../core/errors';
import type { RemoteRepository } from '../core/types';
import { GitConfigError, parseGitConfig, remotesOf } from './gitConfig';
import { analyzeRemoteUrl, stripCredentials, toRemoteRepository } from './remoteUrl';

export interface GitDirs {
  /** The work tree root (the folder holding `.git`). */
  workdir: string;
  /** This work tree's git dir: HEAD lives here. */
  gitdir: string;
  /** The shared git dir of a worktree (config and remotes live here); equal to gitdir otherwise. */
  commondir: string;
}

export interface RemoteInfo {
  remote: string;
  /** The URL with any embedded credentials removed. */
  url: string;
}

/** Find the repository containing `start`; NO_GIT_REPO when there is none. */
export async function findGitDirs(start: string): Promise<GitDirs> {
  let dir = path.resolve(start);
  if (!(await statOrUndefined(dir))) {
    throw new SyncError('NO_GIT_REPO', `The folder ${dir} does not exist.`, { hint: 'Choose a folder that is a clone of a GitHub repository.', path: dir });
  }
  for (;;) {
    const dotGit = path.join(dir, '.git');
    const stat = await statOrUndefined(dotGit);
    if (stat?.isDirectory()) return { workdir: dir, gitdir: dotGit, commondir: await readCommondir(dotGit) };
    if (stat?.isFile()) {
      const gitdir = await readGitFile(dotGit);
      return { workdir: dir, gitdir, commondir: await readCommondir(gitdir) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new SyncError('NO_GIT_REPO', `${path.resolve(start)} is not inside a git repository.`, {
        hint: 'Choose a folder that is a clone of a GitHub repository.',
        path: path.resolve(start),
      });
    }
    dir = parent;
  }
}

/** Every remote of the repository that has a URL, credentials removed from the URLs. */
export async function listRemotes(workdir: string): Promise<RemoteInfo[]> {
  const dirs = await findGitDirs(workdir);
  const remotes = await readRemotes(dirs.commondir);
  return withUrls(remotes).map((r) => ({ remote: r.remote, url: stripCredentials(r.url) }));
}

/** The checked-out branch, or undefined on a detached HEAD. */
export async function currentBranch(workdir: string): Promise<string | undefined> {
  const dirs = await findGitDirs(workdir);
  const head = firstLine(await readIfPresent(path.join(dirs.gitdir, 'HEAD')));
  // `ref: refs/heads/<name>` (an unborn branch too); a detached HEAD holds a sha. A reftable
  // repository's HEAD names `refs/heads/.invalid` (its real HEAD is in the reftable): unknown here.
  if (!head?.startsWith('ref:')) return undefined;
  const ref = head.slice(4).trim();
  const name = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : '';
  return name === '' || name === '.invalid' ? undefined : name;
}

/** The GitHub repository behind `remoteName`; NO_GIT_REPO, NO_REMOTE or UNSUPPORTED_REMOTE otherwise. */
export async function resolveRemote(workdir: string, remoteName = 'origin'): Promise<RemoteRepository> {
  const dirs = await findGitDirs(workdir);
  const all = await readRemotes(dirs.commondir);
  if (all.some((r) => r.remote === remoteName && r.url === undefined)) {
    throw new SyncError('NO_REMOTE', `The remote '${remoteName}' has no URL to fetch from (only a push URL, or none).`, {
      hint: `Give it one: git remote set-url ${remoteName} https://github.com/OWNER/NAME.git`,
      path: path.join(dirs.commondir, 'config'),
    });
  }
  const remotes = withUrls(all).map((r) => ({ remote: r.remote, url: r.url.trim() }));
  const chosen = remotes.find((r) => r.remote === remoteName);
  if (chosen) {
    try {
      return toRemoteRepository(chosen.url, remoteName);
    } catch (e) {
      throw withAlternatives(e, remotes, remoteName);
    }
  }
  throw missingRemote(dirs.workdir, remotes, remoteName);
}

function missingRemote(workdir: string, remotes: RemoteInfo[], remoteName: string): SyncError {
  if (remotes.length === 0) {
    return new SyncError('NO_REMOTE', `The repository at ${workdir} has no remotes.`, {
      hint: 'Add one: git remote add origin https://github.com/OWNER/NAME.git',
    });
  }
  const github = remotes.filter((r) => analyzeRemoteUrl(r.url).ok);
  const found = describe(remotes);
  const only = github.length === 1 ? github[0] : undefined;
  const hint = only
    ? `Remote '${only.remote}' is the only GitHub remote: choose it (--remote ${only.remote}).`
    : github.length > 1
      ? `Choose one of the GitHub remotes: ${github.map((r) => r.remote).join(', ')}.`
      : 'Add a remote that points at GitHub or GitHub Enterprise.';
  return new SyncError('NO_REMOTE', `There is no remote named '${remoteName}'. Remotes found: ${found}. ${hint}`, { hint });
}

function withAlternatives(e: unknown, remotes: RemoteInfo[], remoteName: string): unknown {
  if (!(e instanceof SyncError)) return e;
  const others = remotes.filter((r) => r.remote !== remoteName && analyzeRemoteUrl(r.url).ok);
  if (others.length === 0) {
    if (remotes.length < 2) return e;
    return new SyncError(e.code, `${e.message} Remotes found: ${describe(remotes)}; none is on GitHub or GitHub Enterprise.`, e.details);
  }
  const hint = `GitHub remotes found: ${describe(others)}; choose one with --remote.`;
  return new SyncError(e.code, `${e.message} ${hint}`, { ...e.details, hint });
}

function describe(remotes: RemoteInfo[]): string {
  return remotes.map((r) => `${r.remote} (${stripCredentials(r.url)})`).join(', ');
}

async function readGitFile(file: string): Promise<string> {
  const line = firstLine(await fs.promises.readFile(file, 'utf8'));
  // As git reads it (read_gitfile): `gitdir: ` then the path to the line's end.
  const target = line?.startsWith('gitdir: ') ? line.slice('gitdir: '.length) : '';
  if (!target) {
    throw new SyncError('NO_GIT_REPO', `${file} is a .git file without a 'gitdir:' line.`, { path: file });
  }
  const gitdir = path.resolve(path.dirname(file), target);
  if (!(await statOrUndefined(gitdir))?.isDirectory()) {
    throw new SyncError('NO_GIT_REPO', `${file} points at ${gitdir}, which does not exist.`, { path: file });
  }
  return gitdir;
}

/** The remotes with a URL in the repository's config (its shared one for a worktree), as git reads them. */
async function readRemotes(commondir: string): Promise<{ remote: string; url: string | undefined }[]> {
  const file = path.join(commondir, 'config');
  const text = await readIfPresent(file);
  if (text === undefined) return [];
  try {
    return remotesOf(parseGitConfig(text));
  } catch (e) {
    if (!(e instanceof GitConfigError)) throw e;
    throw new SyncError('NO_REMOTE', `The git config ${file} cannot be read (${e.message}), so its remotes are unknown.`, {
      hint: 'Run `git config --list` in the repository to see what git says about it, and mend the file.',
      path: file,
    });
  }
}

async function readCommondir(gitdir: string): Promise<string> {
  const text = await readIfPresent(path.join(gitdir, 'commondir'));
  return text === undefined ? gitdir : path.resolve(gitdir, text.trim());
}

/** A file's text, or undefined when it does not exist. */
async function readIfPresent(file: string): Promise<string | undefined> {
  return fs.promises.readFile(file, 'utf8').catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  });
}

async function statOrUndefined(p: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

function withUrls(remotes: readonly { remote: string; url: string | undefined }[]): RemoteInfo[] {
  return remotes.filter((r): r is RemoteInfo => r.url !== undefined);
}

/** A small file's first line (HEAD, a .git file): cut at 4 KB, so a planted huge one costs nothing. */
function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const head = text.slice(0, 4096);
  const nl = head.indexOf('\n');
  return (nl < 0 ? head : head.slice(0, nl)).replace(/\r$/, '');
}
