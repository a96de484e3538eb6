import type { RepositoryFile, SnapshotDiff } from './types';

/**
 * The difference between two snapshots by path. Paths are compared byte for byte (as JS strings,
 * which hold the UTF-8-decoded path losslessly): no unicode normalisation, no case folding.
 * A path whose sha or mode changed is modified.
 */
export function diffSnapshots(before: readonly RepositoryFile[], after: readonly RepositoryFile[]): SnapshotDiff {
  const old = new Map<string, RepositoryFile>();
  for (const f of before) old.set(f.path, f);
  const diff: SnapshotDiff = { added: [], modified: [], removed: [] };
  for (const f of after) {
    const prev = old.get(f.path);
    if (prev === undefined) diff.added.push(f);
    else {
      old.delete(f.path);
      if (prev.blobSha !== f.blobSha || prev.mode !== f.mode) diff.modified.push({ before: prev, after: f });
    }
  }
  diff.removed.push(...old.values());
  return diff;
}

export function isEmptyDiff(d: SnapshotDiff): boolean {
  return d.added.length === 0 && d.modified.length === 0 && d.removed.length === 0;
}

/** The files whose new content a sync needs: added or modified blobs (not symlinks or submodules). */
export function changedFiles(d: SnapshotDiff): RepositoryFile[] {
  return [...d.added, ...d.modified.map((m) => m.after)];
}
