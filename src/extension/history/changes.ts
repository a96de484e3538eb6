// The files that differ between two snapshots, for the tree's expanded syncs and Compare with
// Active. Pure: snapshots in, sorted changes out.
import { diffSnapshots, fileChanges, type FileChange } from '../../core/diff';
import type { RepositoryFile } from '../../core/types';

export { type ChangeKind, type FileChange } from '../../core/diff';

/** What changed from `before` to `after`, by path, sorted: the one diff (core/diff.ts) as a list. */
export function changesBetween(before: readonly RepositoryFile[], after: readonly RepositoryFile[]): FileChange[] {
  return fileChanges(diffSnapshots(before, after));
}

/** `src/a/b.ts` → `{ name: 'b.ts', dir: 'src/a' }`. */
export function splitPath(path: string): { name: string; dir: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { name: path, dir: '' } : { name: path.slice(i + 1), dir: path.slice(0, i) };
}
