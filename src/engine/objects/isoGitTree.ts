// A tree listed from raw tree objects with isomorphic-git, for the portable path's one case where
// REST cannot answer: names that are not UTF-8 (GitHub's JSON carries them as U+FFFD). isomorphic-git's
// own tree parser decodes names the same lossy way, so the raw object bytes are parsed here and each
// name goes through core/paths.ts. Sizes come from the REST answer (they are keyed by blob sha, which
// REST gives exactly); a blob it did not size is read to learn its length.
import { createHash } from 'node:crypto';
import { isoGit } from './isoGit';
import { throwIfAborted } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { decodeGitPath } from '../../core/paths';
import type { RepositoryFile, SnapshotDiff } from '../../core/types';
import { toRepositoryFile, type TreeEntry } from '../../github/tree';
import { IsoGitRepo } from './isoGitFs';

/** One entry of a raw git tree object: `<mode> SP <name bytes> NUL <20-byte sha>`. */
export interface RawTreeEntry {
  mode: string;
  name: string;
  sha: string;
}

export function parseTreeObject(body: Uint8Array): RawTreeEntry[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const entries: RawTreeEntry[] = [];
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    const nul = space < 0 ? -1 : buf.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) throw new Error('malformed tree object');
    entries.push({ mode: buf.toString('latin1', at, space), name: decodeGitPath(buf.subarray(space + 1, nul)), sha: buf.toString('hex', nul + 1, nul + 21) });
    at = nul + 21;
  }
  return entries;
}

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

const TREE_MODE = '40000';

/**
 * What changed between two trees, as `git diff-tree -r --no-renames` tells it, from raw tree objects
 * read with isomorphic-git: every subtree whose sha is equal on both sides is skipped, so the cost
 * grows with the change, not the repository. Names are exact (parsed here, see parseTreeObject);
 * the blobs involved are read to learn their sizes. Undefined when `gitDir` lacks a tree or a blob
 * of the change (the caller then lists the tree another way).
 */
export async function diffTreesWithIsoGit(
  gitDir: string,
  baseTree: string,
  newTree: string,
  opts: { logger?: Logger; signal?: AbortSignal; repo?: IsoGitRepo } = {},
): Promise<SnapshotDiff | undefined> {
  const repo = opts.repo ?? new IsoGitRepo(gitDir, false);
  const diff: SnapshotDiff = { added: [], modified: [], removed: [] };
  const file = async (path: string, e: RawTreeEntry): Promise<RepositoryFile | undefined> => {
    const type: TreeEntry['type'] = e.mode === '160000' ? 'commit' : 'blob';
    const size = type === 'commit' ? undefined : await blobSize(repo, e.sha);
    if (type === 'blob' && size === undefined) throw new MissingObject();
    return toRepositoryFile({ path, mode: e.mode.padStart(6, '0'), type, sha: e.sha, ...(size === undefined ? {} : { size }) }, opts.logger);
  };
  /** Every file under tree `sha` (at `prefix`) into `into`. */
  const all = async (prefix: string, sha: string, into: RepositoryFile[]): Promise<void> => {
    const entries = await readRawTree(repo, sha);
    if (!entries) throw new MissingObject();
    for (const e of entries) {
      throwIfAborted(opts.signal);
      if (e.mode === TREE_MODE) await all(`${prefix}${e.name}/`, e.sha, into);
      else {
        const f = await file(prefix + e.name, e);
        if (f) into.push(f);
      }
    }
  };
  const walk = async (prefix: string, before: string, after: string): Promise<void> => {
    const [old, now] = await Promise.all([readRawTree(repo, before), readRawTree(repo, after)]);
    if (!old || !now) throw new MissingObject();
    const olds = new Map(old.map((e) => [e.name, e]));
    const nows = new Map(now.map((e) => [e.name, e]));
    for (const e of now) {
      throwIfAborted(opts.signal);
      const path = prefix + e.name;
      const was = olds.get(e.name);
      if (was && was.sha === e.sha && was.mode === e.mode) continue;
      const isTree = e.mode === TREE_MODE;
      const wasTree = was?.mode === TREE_MODE;
      if (isTree && wasTree) await walk(`${path}/`, was.sha, e.sha);
      else if (was && !isTree && !wasTree) {
        const [b, a] = [await file(path, was), await file(path, e)];
        if (b && a && (b.blobSha !== a.blobSha || b.mode !== a.mode)) diff.modified.push({ before: b, after: a });
        else if (a && !b) diff.added.push(a);
        else if (b && !a) diff.removed.push(b);
      } else {
        // Added, or a file became a folder (or the reverse): git lists the one removed, the other added.
        if (was) {
          if (wasTree) await all(`${path}/`, was.sha, diff.removed);
          else {
            const b = await file(path, was);
            if (b) diff.removed.push(b);
          }
        }
        if (isTree) await all(`${path}/`, e.sha, diff.added);
        else {
          const a = await file(path, e);
          if (a) diff.added.push(a);
        }
      }
    }
    for (const e of old) {
      if (nows.has(e.name)) continue;
      if (e.mode === TREE_MODE) await all(`${prefix}${e.name}/`, e.sha, diff.removed);
      else {
        const b = await file(prefix + e.name, e);
        if (b) diff.removed.push(b);
      }
    }
  };
  try {
    await walk('', baseTree, newTree);
  } catch (e) {
    if (e instanceof MissingObject) return undefined;
    throw e;
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  diff.added.sort(byPath);
  diff.removed.sort(byPath);
  diff.modified.sort((a, b) => byPath(a.after, b.after));
  return diff;
}

class MissingObject extends Error {}
