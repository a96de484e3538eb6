// Which git binary the fast paths use, if any: the first of the preferred one and `git` on PATH that
// runs (`git --version`). That process is on every command's way to its first request (the source
// needs to know its path before it asks for the head): 15 ms of a 225 ms no-change resync here. A
// binary seen to run is remembered, by its file's identity (path, size, modification and change
// times, inode), in a per-user file in the temporary folder, so the next process only looks it up
// on PATH and stats it; a binary that is replaced, upgraded or touched is run again. The memo is a
// shortcut, never trusted for more: a file another user owns or could write, a link or anything
// but a regular file is ignored (opened without following links or waiting), an entry names no
// binary (the path always comes from PATH and the preference), and it is only written after a
// run. A shim that stays the same file while the git behind it goes (a version manager's) is
// vouched for until it changes: the first git command then fails as it would have anyway.
import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fsp, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where binaries seen to run are remembered (undefined: nowhere, e.g. on Windows, where PATHEXT decides what runs). */
export function defaultGitMemo(): string | undefined {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return undefined;
  return path.join(os.tmpdir(), `project-sync-${process.getuid()}-git.json`);
}

/** The git binary to use for fast paths: the given path, else `git` on PATH, whichever runs; `none` selects the portable path. */
export async function findGit(preferred?: string, memo: string | null = defaultGitMemo() ?? null): Promise<string | undefined> {
  if (preferred === 'none') return undefined;
  for (const candidate of [preferred, 'git']) {
    if (!candidate) continue;
    const identity = memo ? await fileIdentity(candidate) : undefined;
    if (identity && (await remembered(memo as string)).has(identity)) return candidate;
    const runs = await new Promise<boolean>((resolve) => {
      execFile(candidate, ['--version'], { encoding: 'utf8' }, (error) => resolve(!error));
    });
    if (!runs) continue;
    if (identity) await remember(memo as string, identity);
    return candidate;
  }
  return undefined;
}

/** The file `command` names (a path, or a name looked up on PATH as execvp does), as a memo key. */
async function fileIdentity(command: string): Promise<string | undefined> {
  // Without PATH, execvp searches a default of its own: no memo then.
  if (!command.includes('/') && process.env.PATH === undefined) return undefined;
  // An empty PATH entry is the current folder, as execvp (and libuv's spawn) read it.
  const candidates = command.includes('/') ? [path.resolve(command)] : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(path.resolve(dir || '.'), command));
  for (const file of candidates) {
    const st: Stats | undefined = await fsp.stat(file).catch(() => undefined);
    if (!st?.isFile()) continue;
    // What execve would run: a file this process may execute (else it goes on to the next entry).
    if (!(await fsp.access(file, fsConstants.X_OK).then(() => true, () => false))) continue;
    return [file, st.size, st.mtimeMs, st.ctimeMs, st.ino, st.dev].join('\0');
  }
  return undefined;
}

async function remembered(memo: string): Promise<Set<string>> {
  try {
    // Never through a link, and never waiting: a FIFO planted under the name would block an open for reading.
    const handle = await fsp.open(memo, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    try {
      const st = await handle.stat();
      if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) return new Set();
      const seen = JSON.parse(await handle.readFile('utf8')) as unknown;
      return new Set(Array.isArray(seen) ? seen.filter((s): s is string => typeof s === 'string') : []);
    } finally {
      await handle.close();
    }
  } catch {
    return new Set();
  }
}

/** Adds `identity` (the last few binaries are kept); a failure to write only means running git again next time. */
async function remember(memo: string, identity: string): Promise<void> {
  const seen = [...(await remembered(memo))].filter((s) => s !== identity).slice(-7);
  const temp = `${memo}.${process.pid}.tmp`;
  try {
    // 'wx': never through a file or link someone else put there.
    await fsp.writeFile(temp, JSON.stringify([...seen, identity]), { mode: 0o600, flag: 'wx' });
    await fsp.rename(temp, memo);
  } catch {
    await fsp.rm(temp, { force: true }).catch(() => undefined);
  }
}
