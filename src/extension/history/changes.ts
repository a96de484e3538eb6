// The files that differ between two snapshots, for the tree's expanded syncs and Compare with
// Active. Pure: snapshots in, sorted changes out.
import type { RepositoryFile } from '../../core/types';

export type ChangeKind = 'added' | 'modified' | 'removed';

export interface FileChange {
  path: string;
  change: ChangeKind;
  before?: RepositoryFile;
  after?: RepositoryFile;
}

/** What changed from `before` to `after`, by path; a new blob or mode is a modification. */
export function diffSnapshots(before: readonly RepositoryFile[], after: readonly RepositoryFile[]): FileChange[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const changes: FileChange[] = [];
  for (const file of after) {
    const prev = old.get(file.path);
    old.delete(file.path);
    if (!prev) changes.push({ path: file.path, change: 'added', after: file });
    else if (prev.blobSha !== file.blobSha || prev.mode !== file.mode)
      changes.push({ path: file.path, change: 'modified', before: prev, after: file });
  }
  for (const prev of old.values()) changes.push({ path: prev.path, change: 'removed', before: prev });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `src/a/b.ts` → `{ name: 'b.ts', dir: 'src/a' }`. */
export function splitPath(path: string): { name: string; dir: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { name: path, dir: '' } : { name: path.slice(i + 1), dir: path.slice(0, i) };
}
