// A snapshot listed from local git objects with `git ls-tree -r` — no REST. (The portable path has
// no equivalent: isomorphic-git would inflate every blob to learn its size, so it lists trees by REST.)
import { fileModeSchema, type RepositoryFile } from '../../core/types';
import { runGit } from './catFile';

/** Every entry of the tree from the git binary, or undefined when this object database lacks it. */
export async function lsTreeWithGit(gitPath: string, gitDir: string, treeSha: string, signal?: AbortSignal): Promise<RepositoryFile[] | undefined> {
  let out: Buffer;
  try {
    out = await runGit(gitPath, ['--git-dir', gitDir, 'ls-tree', '-r', '-l', '-z', '--full-tree', treeSha], undefined, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    return undefined; // not a tree here (missing object, or a shallow cache without it)
  }
  return parseLsTree(out);
}

/** `<mode> SP <type> SP <sha> SP+ <size|-> TAB <path> NUL`, paths as raw bytes (decoded as UTF-8). */
export function parseLsTree(out: Buffer): RepositoryFile[] {
  const files: RepositoryFile[] = [];
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    const tab = out.indexOf(9, start);
    if (tab < 0 || tab > end) throw new Error('unexpected ls-tree output');
    const meta = out.toString('latin1', start, tab).split(/ +/);
    const path = out.toString('utf8', tab + 1, end);
    start = end + 1;
    const [mode, , sha, size] = meta;
    const parsedMode = fileModeSchema.safeParse(mode);
    if (!parsedMode.success || !sha) continue; // trees are not listed with -r; anything else is unknown
    files.push({ path, blobSha: sha, mode: parsedMode.data, size: parsedMode.data === '160000' || size === '-' ? null : Number(size) });
  }
  return files;
}
