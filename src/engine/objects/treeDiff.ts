// What changed between two trees, as `git diff-tree -r --no-renames` tells it, from raw tree objects
// read through a TreeReader (the portable path's, with isomorphic-git; the git path runs diff-tree
// itself, see localTree.ts): every subtree whose sha is equal on both sides is skipped, so the cost
// grows with the change, not the repository. Subtrees are compared side by side; the blobs involved
// are sized in one request at the end.
import { throwIfAborted } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { decodeGitPath } from '../../core/paths';
import type { RepositoryFile, SnapshotDiff } from '../../core/types';
import { toRepositoryFile, type TreeEntry } from '../../github/tree';

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

/** Where the trees and the blobs' sizes come from. */
export interface TreeReader {
  /** The entries of tree `sha`, checked to be that tree; undefined when the database lacks it. */
  tree(sha: string): Promise<RawTreeEntry[] | undefined>;
  /** The sizes of the blobs `shas` names that the database holds. */
  sizes(shas: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

const TREE_MODE = '40000';

/** A path of the change and the entry it has on one side. */
type Side = [path: string, entry: RawTreeEntry];

/**
 * The change from `baseTree` to `newTree`, sorted by path; undefined when the reader lacks a tree or
 * a blob of the change (the caller then lists the tree another way).
 */
export async function diffTreesBy(reader: TreeReader, baseTree: string, newTree: string, opts: { logger?: Logger; signal?: AbortSignal } = {}): Promise<SnapshotDiff | undefined> {
  const added: Side[] = [];
  const removed: Side[] = [];
  const modified: [before: Side, after: Side][] = [];
  const read = async (sha: string): Promise<RawTreeEntry[]> => {
    const entries = await reader.tree(sha);
    throwIfAborted(opts.signal);
    if (!entries) throw new MissingObject();
    return entries;
  };
  /** Every file under tree `sha` (at `prefix`) into `into`. */
  const all = async (prefix: string, sha: string, into: Side[]): Promise<void> => {
    const subtrees: Promise<void>[] = [];
    for (const e of await read(sha)) {
      if (e.mode === TREE_MODE) subtrees.push(all(`${prefix}${e.name}/`, e.sha, into));
      else into.push([prefix + e.name, e]);
    }
    await settled(subtrees);
  };
  const walk = async (prefix: string, before: string, after: string): Promise<void> => {
    const [old, now] = await Promise.all([read(before), read(after)]);
    const olds = new Map(old.map((e) => [e.name, e]));
    const nows = new Set(now.map((e) => e.name));
    const subtrees: Promise<void>[] = [];
    for (const e of now) {
      const path = prefix + e.name;
      const was = olds.get(e.name);
      if (was && was.sha === e.sha && was.mode === e.mode) continue;
      const isTree = e.mode === TREE_MODE;
      const wasTree = was?.mode === TREE_MODE;
      if (was && isTree && wasTree) subtrees.push(walk(`${path}/`, was.sha, e.sha));
      else if (was && !isTree && !wasTree) modified.push([[path, was], [path, e]]);
      else {
        // Added, or a file became a folder (or the reverse): git lists the one removed, the other added.
        if (was) {
          if (wasTree) subtrees.push(all(`${path}/`, was.sha, removed));
          else removed.push([path, was]);
        }
        if (isTree) subtrees.push(all(`${path}/`, e.sha, added));
        else added.push([path, e]);
      }
    }
    for (const e of old) {
      if (nows.has(e.name)) continue;
      if (e.mode === TREE_MODE) subtrees.push(all(`${prefix}${e.name}/`, e.sha, removed));
      else removed.push([prefix + e.name, e]);
    }
    await settled(subtrees);
  };
  let sizes: ReadonlyMap<string, number>;
  try {
    await walk('', baseTree, newTree);
    const blobs = new Set<string>();
    for (const [, e] of [...added, ...removed, ...modified.flat()]) if (e.mode !== '160000') blobs.add(e.sha);
    sizes = await reader.sizes([...blobs]);
  } catch (e) {
    if (e instanceof MissingObject) return undefined;
    throw e;
  }
  const file = ([path, e]: Side): RepositoryFile | undefined => {
    const type: TreeEntry['type'] = e.mode === '160000' ? 'commit' : 'blob';
    const size = type === 'commit' ? undefined : sizes.get(e.sha);
    if (type === 'blob' && size === undefined) throw new MissingObject();
    return toRepositoryFile({ path, mode: e.mode.padStart(6, '0'), type, sha: e.sha, ...(size === undefined ? {} : { size }) }, opts.logger);
  };
  const diff: SnapshotDiff = { added: [], modified: [], removed: [] };
  try {
    for (const side of added) {
      const f = file(side);
      if (f) diff.added.push(f);
    }
    for (const side of removed) {
      const f = file(side);
      if (f) diff.removed.push(f);
    }
    for (const [was, now] of modified) {
      const [b, a] = [file(was), file(now)];
      if (b && a && (b.blobSha !== a.blobSha || b.mode !== a.mode)) diff.modified.push({ before: b, after: a });
      else if (a && !b) diff.added.push(a);
      else if (b && !a) diff.removed.push(b);
    }
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

/**
 * Every branch of a walk settled, then its first failure thrown: a walk that failed in one subtree
 * leaves no read of another under way once its caller has moved on.
 */
async function settled(branches: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(branches)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

class MissingObject extends Error {}
