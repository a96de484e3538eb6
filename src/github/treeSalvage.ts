// What a truncated recursive tree still proves: a subtree whose listed direct entries hash to its
// own sha is complete (git trees are content-addressed), whatever order or cut GitHub applied.
// Those subtrees need no further request.
import { createHash } from 'node:crypto';
import { encodeGitPath } from '../core/paths';
import type { TreeEntry } from './tree';

export interface Salvage {
  /** Verified-complete subtrees whose parent is not (the ones a descent reaches): tree sha → entries, paths relative to it. */
  complete: Map<string, TreeEntry[]>;
}

/** The sha of the git tree object holding exactly these direct entries, or undefined when an entry cannot be encoded. */
export function treeObjectSha(entries: readonly { mode: string; name: string; sha: string }[]): string | undefined {
  const items: { key: Buffer; head: Buffer; sha: Buffer }[] = [];
  for (const e of entries) {
    if (!/^[0-9a-f]{40}$/.test(e.sha)) return undefined;
    const isTree = e.mode === '040000' || e.mode === '40000';
    const mode = isTree ? '40000' : e.mode;
    // The name's exact bytes: a name that is not UTF-8 is held as escaped bytes (core/paths.ts).
    const name = Buffer.from(encodeGitPath(e.name));
    // git orders a subtree as if its name ended with '/'.
    items.push({ key: isTree ? Buffer.concat([name, Buffer.from('/')]) : name, head: Buffer.concat([Buffer.from(`${mode} `), name, Buffer.from([0])]), sha: Buffer.from(e.sha, 'hex') });
  }
  items.sort((a, b) => Buffer.compare(a.key, b.key));
  const body = Buffer.concat(items.flatMap((i) => [i.head, i.sha]));
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

/** Salvage the complete subtrees of a truncated recursive listing. */
export function salvageTruncated(listing: readonly TreeEntry[]): Salvage {
  const children = new Map<string, TreeEntry[]>();
  for (const e of listing) {
    const slash = e.path.lastIndexOf('/');
    const parent = slash < 0 ? '' : e.path.slice(0, slash);
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(e);
  }
  const verdict = new Map<string, boolean>();
  const isComplete = (dir: TreeEntry): boolean => {
    const known = verdict.get(dir.path);
    if (known !== undefined) return known;
    const direct = children.get(dir.path) ?? [];
    const own = treeObjectSha(direct.map((e) => ({ mode: e.mode, name: e.path.slice(dir.path.length + 1), sha: e.sha })));
    let ok = own === dir.sha;
    for (const e of direct) if (e.type === 'tree' && !isComplete(e)) ok = false;
    verdict.set(dir.path, ok);
    return ok;
  };
  const trees = listing.filter((e) => e.type === 'tree');
  for (const dir of trees) isComplete(dir);
  const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
  // Maximal complete subtrees (parent is the root or incomplete): the ones a descent asks for.
  const maximal = new Map<string, string>();
  for (const dir of trees) {
    const parent = parentOf(dir.path);
    if (verdict.get(dir.path) && (parent === '' || verdict.get(parent) === false)) maximal.set(dir.path, dir.sha);
  }
  const byPath = new Map<string, TreeEntry[]>();
  for (const e of listing) {
    for (let cut = e.path.indexOf('/'); cut >= 0; cut = e.path.indexOf('/', cut + 1)) {
      const dir = e.path.slice(0, cut);
      if (maximal.has(dir)) {
        let list = byPath.get(dir);
        if (!list) byPath.set(dir, (list = []));
        list.push({ ...e, path: e.path.slice(cut + 1) });
        break;
      }
    }
  }
  // Identical subtrees at two paths share a sha: keep one listing.
  const complete = new Map<string, TreeEntry[]>();
  for (const [dir, sha] of maximal) if (!complete.has(sha)) complete.set(sha, byPath.get(dir) ?? []);
  return { complete };
}

/**
 * Check a tree answer against the sha it was asked for, as blobs are checked: the direct entries of
 * the tree, and of every subtree a recursive listing includes, must hash to that tree's sha, and no
 * entry may sit under a directory the listing does not hold. Returns the path of the first tree that
 * does not match ('' for the tree itself), or undefined when everything matches.
 */
export function mismatchedTree(sha: string, listing: readonly TreeEntry[], recursive: boolean): string | undefined {
  const children = new Map<string, TreeEntry[]>([['', []]]);
  const trees = new Map<string, string>([['', sha]]);
  if (recursive) for (const e of listing) if (e.type === 'tree') trees.set(e.path, e.sha);
  for (const e of listing) {
    const slash = e.path.lastIndexOf('/');
    const parent = slash < 0 ? '' : e.path.slice(0, slash);
    if (!trees.has(parent)) return parent;
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(e);
  }
  for (const [dir, treeSha] of trees) {
    const direct = children.get(dir) ?? [];
    const own = treeObjectSha(direct.map((e) => ({ mode: e.mode, name: dir ? e.path.slice(dir.length + 1) : e.path, sha: e.sha })));
    if (own !== treeSha) return dir;
  }
  return undefined;
}
