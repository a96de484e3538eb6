// The one diff of the product: what changed between two snapshots, by path. The pipeline, the
// store (snapshot deltas, restore stats), the History tree and Compare with Active all call it, so
// "added", "modified" and "removed" mean the same everywhere.
import type { RepositoryFile, SnapshotDiff } from './types';

/**
 * True when `after` is a different version of the same path: its blob or its mode changed. Size is
 * data, not identity (the blob sha already decides the bytes); a chmod alone is a modification.
 */
export function isModified(before: RepositoryFile, after: RepositoryFile): boolean {
  return before.blobSha !== after.blobSha || before.mode !== after.mode;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The difference between two snapshots by path. Paths are compared byte for byte (as JS strings,
 * which hold the UTF-8-decoded path losslessly): no unicode normalisation, no case folding.
 * Each list comes out in path order. Path-sorted inputs (what the store returns) are diffed in one
 * merge walk without building a map.
 */
export function diffSnapshots(before: readonly RepositoryFile[], after: readonly RepositoryFile[]): SnapshotDiff {
  const a = sortedByPath(before);
  const b = sortedByPath(after);
  const diff: SnapshotDiff = { added: [], modified: [], removed: [] };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const o = a[i];
    const f = b[j];
    if (f === undefined || (o !== undefined && o.path < f.path)) {
      diff.removed.push(o as RepositoryFile);
      i++;
    } else if (o === undefined || f.path < o.path) {
      diff.added.push(f);
      j++;
    } else {
      if (isModified(o, f)) diff.modified.push({ before: o, after: f });
      i++;
      j++;
    }
  }
  return diff;
}

/** The input itself when already sorted by path (the usual case), else a sorted copy. */
export function sortedByPath<T extends { path: string }>(files: readonly T[]): readonly T[] {
  for (let k = 1; k < files.length; k++) {
    if (cmp((files[k - 1] as T).path, (files[k] as T).path) > 0) return [...files].sort((x, y) => cmp(x.path, y.path));
  }
  return files;
}

export function isEmptyDiff(d: SnapshotDiff): boolean {
  return d.added.length === 0 && d.modified.length === 0 && d.removed.length === 0;
}

/** The counts a record's stats carry. */
export function diffCounts(d: SnapshotDiff): { added: number; modified: number; removed: number } {
  return { added: d.added.length, modified: d.modified.length, removed: d.removed.length };
}

/** The files whose new content a sync needs: added or modified entries (the caller filters by type). */
export function changedFiles(d: SnapshotDiff): RepositoryFile[] {
  return [...d.added, ...d.modified.map((m) => m.after)];
}

export type ChangeKind = 'added' | 'modified' | 'removed';

/** One changed path, for lists shown to people (the History tree, Compare with Active). */
export interface FileChange {
  path: string;
  change: ChangeKind;
  before?: RepositoryFile;
  after?: RepositoryFile;
}

/** The diff as one path-sorted list of changes. */
export function fileChanges(d: SnapshotDiff): FileChange[] {
  const changes: FileChange[] = [
    ...d.added.map((f): FileChange => ({ path: f.path, change: 'added', after: f })),
    ...d.modified.map((m): FileChange => ({ path: m.after.path, change: 'modified', before: m.before, after: m.after })),
    ...d.removed.map((f): FileChange => ({ path: f.path, change: 'removed', before: f })),
  ];
  return changes.sort((x, y) => cmp(x.path, y.path));
}
