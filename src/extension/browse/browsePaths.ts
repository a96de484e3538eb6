// The read-only file system of one sync: `projectsync-browse://<sync id>/<repository path>`, and the
// directory map a snapshot is turned into once per sync (stat and readDirectory answer from it).
// Pure (no vscode): unit-tested in plain Node.
import { fromUriPath, toUriPath } from '../../core/paths';
import type { FileMode, RepositoryFile } from '../../core/types';

export const browseScheme = 'projectsync-browse';

/**
 * `{ authority: syncId, path: '/src/a.ts' }`; the repository root is path `/`. A name that is not
 * UTF-8 goes in through `toUriPath` (a URI cannot hold its escaped bytes).
 */
export function browseUriParts(syncId: string, repoPath: string): { authority: string; path: string } {
  return { authority: syncId, path: `/${toUriPath(repoPath)}` };
}

/** The repository path of a browse URI's path: `/src/a.ts` → `src/a.ts`, `/` → ''. */
export function repoPathOf(uriPath: string): string {
  return fromUriPath(uriPath.replace(/^\/+/, '').replace(/\/+$/, ''));
}

/** A directory entry's name as `readDirectory` gives it: a segment of a browse URI's path. */
export function uriName(name: string): string {
  return toUriPath(name);
}

export interface BrowseEntry {
  name: string;
  kind: 'directory' | 'file' | 'symlink' | 'submodule';
  /** The snapshot entry (files, symlinks, submodules). */
  file?: RepositoryFile;
}

export interface DirectoryMap {
  /** Directory path ('' for the root) → its entries by name, directories first, then by name. */
  readonly dirs: ReadonlyMap<string, readonly BrowseEntry[]>;
  /** Path → snapshot entry. */
  readonly files: ReadonlyMap<string, RepositoryFile>;
}

/** One pass over the snapshot: every directory's entries, parents created on the way. */
export function buildDirectoryMap(snapshot: readonly RepositoryFile[]): DirectoryMap {
  const dirs = new Map<string, Map<string, BrowseEntry>>([['', new Map()]]);
  const files = new Map<string, RepositoryFile>();
  const ensureDir = (dir: string): Map<string, BrowseEntry> => {
    let entries = dirs.get(dir);
    if (entries) return entries;
    dirs.set(dir, (entries = new Map()));
    const cut = dir.lastIndexOf('/');
    const parent = ensureDir(cut < 0 ? '' : dir.slice(0, cut));
    const name = dir.slice(cut + 1);
    if (!parent.has(name)) parent.set(name, { name, kind: 'directory' });
    return entries;
  };
  for (const file of snapshot) {
    files.set(file.path, file);
    const cut = file.path.lastIndexOf('/');
    const kind = entryKind(file.mode);
    const name = file.path.slice(cut + 1);
    ensureDir(cut < 0 ? '' : file.path.slice(0, cut)).set(name, { name, kind, file });
  }
  const sorted = new Map<string, BrowseEntry[]>();
  for (const [dir, entries] of dirs) sorted.set(dir, [...entries.values()].sort(entryOrder));
  return { dirs: sorted, files };
}

/** A snapshot entry's kind by its mode (core/types' fileType, without pulling zod into the bundle). */
export function entryKind(mode: FileMode): BrowseEntry['kind'] {
  return mode === '120000' ? 'symlink' : mode === '160000' ? 'submodule' : 'file';
}

function entryOrder(a: BrowseEntry, b: BrowseEntry): number {
  const da = a.kind === 'directory' ? 0 : 1;
  const db = b.kind === 'directory' ? 0 : 1;
  if (da !== db) return da - db;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** What `path` is in the map: a directory, a snapshot entry, or nothing. */
export function lookup(map: DirectoryMap, path: string): { kind: 'directory' } | { kind: 'entry'; file: RepositoryFile } | undefined {
  if (map.dirs.has(path)) return { kind: 'directory' };
  const file = map.files.get(path);
  return file ? { kind: 'entry', file } : undefined;
}
