// Listing every entry of a tree, even when GitHub truncates the recursive answer:
// fetch the tree non-recursively and descend, subtree by subtree, with bounded concurrency.
import { SyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { FileMode, RepositoryFile } from '../core/types';
import type { GitTree } from './shapes';
import { mismatchedTree, salvageTruncated } from './treeSalvage';

export type TreeEntry = GitTree['tree'][number];

export interface TreeWalkDeps {
  /** One tree by sha, recursive or not (the caller caches and limits concurrency). */
  getTree(sha: string, recursive: boolean): Promise<GitTree>;
  /** Complete flattened listings by tree sha, shared across calls (trees never change). */
  cache: Map<string, Promise<RepositoryFile[]>>;
  logger: Logger;
  onProgress?: (entries: number) => void;
}

/** Map a git tree entry to a snapshot entry; undefined for subtrees (and anything unknown). */
export function toRepositoryFile(entry: TreeEntry, logger?: Logger): RepositoryFile | undefined {
  if (entry.type === 'tree') return undefined;
  if (entry.type === 'commit' || entry.mode === '160000') {
    return { path: entry.path, blobSha: entry.sha, mode: '160000', size: null };
  }
  if (entry.type !== 'blob') {
    logger?.warn(`Skipping ${entry.path}: unknown tree entry type '${entry.type}'.`);
    return undefined;
  }
  return { path: entry.path, blobSha: entry.sha, mode: blobMode(entry.mode, entry.path, logger), size: entry.size ?? null };
}

function blobMode(mode: string, path: string, logger?: Logger): FileMode {
  if (mode === '100755' || mode === '120000' || mode === '100644') return mode;
  if (mode !== '100664') logger?.warn(`Treating ${path} (mode ${mode}) as a regular file.`);
  return '100644';
}

/** Deeper than this is no real tree (paths would pass every file system's limit): a server looping with fresh shas. */
export const MAX_TREE_DEPTH = 2048;

/**
 * Every file, symlink and submodule under `sha`, paths relative to it. Trees are content-addressed,
 * so no tree can contain itself, however deep: a listing that does (a broken server or something
 * altering its answers) fails with NETWORK instead of waiting for ever on its own result.
 */
export async function walkTree(sha: string, deps: TreeWalkDeps): Promise<RepositoryFile[]> {
  let seen = 0;
  const progress = (n: number): void => {
    seen += n;
    deps.onProgress?.(seen);
  };
  /** Subtrees each tree being listed is waiting for; a new edge that closes a loop is refused. */
  const waitsFor = new Map<string, Set<string>>();
  const reaches = (from: string, target: string): boolean => {
    const stack = [from];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const at = stack.pop() as string;
      if (at === target) return true;
      if (visited.has(at)) continue;
      visited.add(at);
      for (const next of waitsFor.get(at) ?? []) stack.push(next);
    }
    return false;
  };
  const flatten = (treeSha: string, parent: string | undefined, depth: number): Promise<RepositoryFile[]> => {
    if (parent !== undefined) {
      if (depth > MAX_TREE_DEPTH || reaches(treeSha, parent)) return Promise.reject(treeLoop(sha, treeSha, depth));
      const edges = waitsFor.get(parent) ?? new Set<string>();
      edges.add(treeSha);
      waitsFor.set(parent, edges);
    }
    const known = deps.cache.get(treeSha);
    if (known) return known.then((files) => (progress(files.length), files));
    const pending = listTree(treeSha, deps, (child) => flatten(child, treeSha, depth + 1), progress);
    deps.cache.set(treeSha, pending);
    const settle = (): void => void waitsFor.delete(treeSha);
    pending.then(settle, () => {
      settle();
      deps.cache.delete(treeSha);
    });
    return pending;
  };
  return flatten(sha, undefined, 0);
}

function treeLoop(root: string, sha: string, depth: number): SyncError {
  const why = depth > MAX_TREE_DEPTH ? `nests deeper than ${MAX_TREE_DEPTH} levels` : `lists tree ${sha} inside itself`;
  return new SyncError('NETWORK', `The tree listing of ${root} from GitHub ${why}, which no git tree can do: the answer is damaged.`, {
    hint: 'Sync again later; if it keeps happening, something between you and GitHub alters its answers.',
  });
}

async function listTree(
  sha: string,
  deps: TreeWalkDeps,
  flatten: (sha: string) => Promise<RepositoryFile[]>,
  progress: (n: number) => void,
): Promise<RepositoryFile[]> {
  const recursive = await deps.getTree(sha, true);
  if (!recursive.truncated) {
    verify(sha, recursive.tree, true);
    const files = mapEntries(recursive.tree, deps.logger);
    progress(files.length);
    return files;
  }
  // What the cut answer proves complete (its entries hash to the subtree's sha) needs no request.
  const salvage = salvageTruncated(recursive.tree);
  for (const [treeSha, entries] of salvage.complete) if (!deps.cache.has(treeSha)) deps.cache.set(treeSha, Promise.resolve(mapEntries(entries, deps.logger)));
  deps.logger.debug(`Tree ${sha} is truncated (${recursive.tree.length} entries, ${salvage.complete.size} complete subtrees kept): descending.`);
  const top = await deps.getTree(sha, false);
  verify(sha, top.tree, false);
  const direct = mapEntries(top.tree, deps.logger);
  progress(direct.length);
  const subtrees = top.tree.filter((e) => e.type === 'tree');
  const nested = await Promise.all(
    subtrees.map(async (dir) => (await flatten(dir.sha)).map((f) => ({ ...f, path: `${dir.path}/${f.path}` }))),
  );
  return [...direct, ...nested.flat()];
}

function mapEntries(entries: TreeEntry[], logger: Logger): RepositoryFile[] {
  const files: RepositoryFile[] = [];
  for (const entry of entries) {
    const file = toRepositoryFile(entry, logger);
    if (file) files.push(file);
  }
  return files;
}

const lossyNamesBrand = Symbol.for('projectSync.LossyTreeNames');

/**
 * A REST tree that does not match its sha and holds names with U+FFFD: names that are not UTF-8,
 * which GitHub's JSON cannot carry (see core/paths.ts). Only raw tree objects (a pack) can list such
 * a tree exactly; `sizes` keeps what the answer did tell exactly, the size of each blob by sha.
 */
export class LossyTreeNamesError extends SyncError {
  static override [Symbol.hasInstance](value: unknown): value is LossyTreeNamesError {
    return typeof value === 'object' && value !== null && (value as { [lossyNamesBrand]?: unknown })[lossyNamesBrand] === true;
  }
  constructor(
    readonly treeSha: string,
    readonly sizes: ReadonlyMap<string, number>,
  ) {
    super('NETWORK', `The tree ${treeSha} holds file names that are not UTF-8, which GitHub's REST API cannot carry exactly, and no pack could list it.`, {
      hint: 'Run the sync again; if it keeps happening, sync from a clone that has the commit.',
    });
  }
}
Object.defineProperty(LossyTreeNamesError.prototype, lossyNamesBrand, { value: true });

/** Trees are content-addressed: an answer whose entries do not hash to the sha asked for is refused. */
function verify(sha: string, entries: TreeEntry[], recursive: boolean): void {
  const bad = mismatchedTree(sha, entries, recursive);
  if (bad === undefined) return;
  if (entries.some((e) => e.path.includes('\ufffd'))) {
    const sizes = new Map<string, number>();
    for (const e of entries) if (e.type === 'blob' && e.size !== undefined) sizes.set(e.sha, e.size);
    throw new LossyTreeNamesError(sha, sizes);
  }
  throw new SyncError('NETWORK', `The tree ${sha} from the server does not match its sha${bad ? ` (at ${bad})` : ''}: its entries were altered or are incomplete.`, {
    hint: 'A proxy or the server changed the answer; check your proxy settings, then run the command again.',
  });
}
