// A tree listed from raw tree objects with isomorphic-git, for the portable path's one case where
// REST cannot answer: names that are not UTF-8 (GitHub's JSON carries them as U+FFFD). isomorphic-git's
// own tree parser decodes names the same lossy way, so the raw object bytes are parsed here and each
// name goes through core/paths.ts. Sizes come from the REST answer (they are keyed by blob sha, which
// REST gives exactly); a blob it did not size is read to learn its length.
import { createHash } from 'node:crypto';
import { isoGit } from './isoGit';
import { throwIfAborted } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { RepositoryFile, SnapshotDiff } from '../../core/types';
import { toRepositoryFile, type TreeEntry } from '../../github/tree';
import { IsoGitRepo } from './isoGitFs';
import { diffTreesBy, parseTreeObject, type RawTreeEntry } from './treeDiff';

/** The entries of tree `oid` in `gitDir`, checked against its sha; undefined when the database lacks it. */
async function readRawTree(repo: IsoGitRepo, oid: string): Promise<RawTreeEntry[] | undefined> {
  const gitDir = repo.gitDir;
  let found;
  try {
    found = await repo.readObject(oid);
  } catch (e) {
    if ((e as { code?: string }).code === 'NotFoundError') return undefined;
    throw e;
  }
  const body = found.object as Uint8Array;
  const actual = createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
  if (found.type !== 'tree' || actual !== oid) throw new Error(`object ${oid} in ${gitDir} is not that tree`);
  return parseTreeObject(body);
}

/**
 * Every file, symlink and submodule under `treeSha` in the object database `gitDir`, or undefined
 * when it lacks the tree or one of its subtrees. Each tree object is checked against its sha.
 */
export async function lsTreeWithIsoGit(
  gitDir: string,
  treeSha: string,
  sizes: ReadonlyMap<string, number>,
  opts: { logger?: Logger; signal?: AbortSignal; repo?: IsoGitRepo } = {},
): Promise<RepositoryFile[] | undefined> {
  const repo = opts.repo ?? new IsoGitRepo(gitDir, false);
  const readTree = (oid: string) => readRawTree(repo, oid);
  const files: RepositoryFile[] = [];
  const pending: Array<[prefix: string, sha: string]> = [['', treeSha]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    throwIfAborted(opts.signal);
    const [prefix, sha] = next;
    const entries = await readTree(sha);
    if (!entries) return undefined;
    for (const e of entries) {
      const path = prefix + e.name;
      if (e.mode === '40000') {
        pending.push([`${path}/`, e.sha]);
        continue;
      }
      const type: TreeEntry['type'] = e.mode === '160000' ? 'commit' : 'blob';
      const size = type === 'commit' ? undefined : (sizes.get(e.sha) ?? (await blobSize(repo, e.sha)));
      const file = toRepositoryFile({ path, mode: e.mode.padStart(6, '0'), type, sha: e.sha, ...(size === undefined ? {} : { size }) }, opts.logger);
      if (file) files.push(file);
    }
  }
  return files;
}

async function blobSize(repo: IsoGitRepo, oid: string): Promise<number | undefined> {
  try {
    const { type, object } = await repo.readObject(oid);
    if (type === 'blob') return object.length;
    // A tag is read through as isomorphic-git's readBlob does; anything else is no blob.
    return type === 'tag' ? (await (await isoGit()).readBlob({ fs: repo.fs, gitdir: repo.gitDir, oid, cache: repo.cache })).blob.length : undefined;
  } catch {
    return undefined; // not here (a shallow cache); the entry is listed without a size
  }
}

/**
 * What changed between two trees, as `git diff-tree -r --no-renames` tells it, from raw tree objects
 * read with isomorphic-git (the walk of treeDiff.ts): every subtree whose sha is equal on both sides
 * is skipped, so the cost grows with the change, not the repository. Names are exact (see
 * parseTreeObject); the blobs involved are read to learn their sizes. Undefined when `gitDir` lacks a tree or a blob
 * of the change (the caller then lists the tree another way).
 */
export async function diffTreesWithIsoGit(
  gitDir: string,
  baseTree: string,
  newTree: string,
  opts: { logger?: Logger; signal?: AbortSignal; repo?: IsoGitRepo } = {},
): Promise<SnapshotDiff | undefined> {
  const repo = opts.repo ?? new IsoGitRepo(gitDir, false);
  return diffTreesBy(
    {
      tree: (sha) => readRawTree(repo, sha),
      // One blob at a time: each is read whole to learn its length.
      sizes: async (shas) => {
        const sizes = new Map<string, number>();
        for (const sha of shas) {
          throwIfAborted(opts.signal);
          const size = await blobSize(repo, sha);
          if (size !== undefined) sizes.set(sha, size);
        }
        return sizes;
      },
    },
    baseTree,
    newTree,
    opts,
  );
}
