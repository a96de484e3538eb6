// A sync's changed files as folders, like Source Control's tree mode: built once per expanded
// sync from the one diff's sorted list, children listed on demand, chains of single folders
// compacted (`src/a/b`), and a folder with more entries than a page shows the first page only.
// Pure (no vscode).
import type { FileChange } from './changes';

export interface ChangeFolder {
  /** The folder's name, or `a/b/c` for a compacted chain. */
  name: string;
  /** Repository path of the folder ('' for the root). */
  path: string;
  folders: ChangeFolder[];
  files: FileChange[];
  /** Changed files anywhere below. */
  count: number;
}

/** Folder entries shown before a "Show all changes…" row. */
export const FOLDER_PAGE = 200;

/** The folder tree of `changes` (any order); folders and files sorted by name, byte order. */
export function buildChangeTree(changes: readonly FileChange[]): ChangeFolder {
  const root = folder('', '');
  const index = new Map<string, ChangeFolder>([['', root]]);
  const folderAt = (dir: string): ChangeFolder => {
    const known = index.get(dir);
    if (known) return known;
    const cut = dir.lastIndexOf('/');
    const parent = folderAt(cut < 0 ? '' : dir.slice(0, cut));
    const created = folder(dir.slice(cut + 1), dir);
    parent.folders.push(created);
    index.set(dir, created);
    return created;
  };
  for (const change of changes) {
    const cut = change.path.lastIndexOf('/');
    folderAt(cut < 0 ? '' : change.path.slice(0, cut)).files.push(change);
  }
  finish(root);
  return root;
}

function folder(name: string, path: string): ChangeFolder {
  return { name, path, folders: [], files: [], count: 0 };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byPath = (a: FileChange, b: FileChange) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Counts, sorting and compaction, bottom-up without recursion (deep trees stay safe). */
function finish(root: ChangeFolder): void {
  const order: ChangeFolder[] = [];
  const stack = [root];
  while (stack.length) {
    const f = stack.pop() as ChangeFolder;
    order.push(f);
    stack.push(...f.folders);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const f = order[i] as ChangeFolder;
    f.folders = f.folders.map(compact).sort(byName);
    f.files.sort(byPath);
    f.count = f.files.length + f.folders.reduce((n, c) => n + c.count, 0);
  }
}

/** `a` holding only `b` becomes one `a/b` entry (children already compacted). */
function compact(f: ChangeFolder): ChangeFolder {
  const only = f.folders[0];
  if (f.files.length > 0 || f.folders.length !== 1 || !only) return f;
  return { ...only, name: `${f.name}/${only.name}` };
}

export interface FolderPage {
  folders: ChangeFolder[];
  files: FileChange[];
  /** Entries left out of this page (0: the folder is shown whole). */
  hidden: number;
}

/** The first `limit` entries of a folder, folders before files. */
export function pageOf(f: ChangeFolder, limit = FOLDER_PAGE): FolderPage {
  const total = f.folders.length + f.files.length;
  if (total <= limit) return { folders: f.folders, files: f.files, hidden: 0 };
  const folders = f.folders.slice(0, limit);
  const files = f.files.slice(0, Math.max(0, limit - folders.length));
  return { folders, files, hidden: total - folders.length - files.length };
}

/** Every change below a folder, in path order. */
export function changesUnder(f: ChangeFolder): FileChange[] {
  const out: FileChange[] = [];
  const stack = [f];
  while (stack.length) {
    const next = stack.pop() as ChangeFolder;
    out.push(...next.files);
    for (let i = next.folders.length - 1; i >= 0; i--) stack.push(next.folders[i] as ChangeFolder);
  }
  return out.sort(byPath);
}

/** The folder at `path` (as compacted folders name it), or undefined. */
export function folderAt(root: ChangeFolder, path: string): ChangeFolder | undefined {
  if (path === root.path) return root;
  const stack = [root];
  while (stack.length) {
    const f = stack.pop() as ChangeFolder;
    for (const c of f.folders) {
      if (c.path === path) return c;
      if (path.startsWith(`${c.path}/`)) stack.push(c);
    }
  }
  return undefined;
}
