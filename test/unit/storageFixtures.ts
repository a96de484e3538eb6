// Shared helpers for the storage tests: temp folders, fake snapshots, and a minimal "pipeline"
// that begins, diffs against the chain head and completes a sync the way the engine does.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import type { HistoryStore } from '../../src/core/ports';
import { emptyStats, type MemoryFacts, type RepositoryFile, type SnapshotDiff, type SyncRecord } from '../../src/core/types';
import { openHistoryStore, type OpenStoreOptions } from '../../src/storage';

export const repo = { host: 'github.com', owner: 'octo', name: 'demo' };

export const sha = (s: string): string => createHash('sha1').update(s).digest('hex');

export const file = (p: string, version = 'v1'): RepositoryFile => ({ path: p, blobSha: sha(`${p}@${version}`), mode: '100644', size: version.length + p.length });

export const treeOf = (files: RepositoryFile[]): string => sha([...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => `${f.path}:${f.blobSha}`).join('\n'));

export const factsOf = (f: RepositoryFile): MemoryFacts => ({
  path: f.path,
  blobSha: f.blobSha,
  language: 'typescript',
  lines: 3,
  symbols: [path.basename(f.path, '.ts')],
  summary: `About ${f.path}`,
});

export function diffOf(before: RepositoryFile[], after: RepositoryFile[]): SnapshotDiff {
  const old = new Map(before.map((f) => [f.path, f]));
  const diff: SnapshotDiff = { added: [], modified: [], removed: [] };
  for (const f of after) {
    const o = old.get(f.path);
    old.delete(f.path);
    if (!o) diff.added.push(f);
    else if (o.blobSha !== f.blobSha) diff.modified.push({ before: o, after: f });
  }
  diff.removed = [...old.values()];
  return diff;
}

/** What the pipeline does: begin, diff against the chain head's snapshot, complete. */
export async function syncFiles(store: HistoryStore, files: RepositoryFile[], opts: { withMemory?: boolean } = {}): Promise<SyncRecord> {
  const rec = await store.begin({ repository: repo, branch: 'main' });
  return completeWith(store, rec, files, opts);
}

export async function completeWith(store: HistoryStore, rec: SyncRecord, files: RepositoryFile[], opts: { withMemory?: boolean } = {}): Promise<SyncRecord> {
  const before = rec.startedAfterSyncId ? await store.readFiles(rec.startedAfterSyncId) : [];
  const diff = diffOf(before, files);
  const changed = [...diff.added, ...diff.modified.map((m) => m.after)];
  return store.complete(rec.id, {
    commitSha: sha(`commit ${treeOf(files)}`),
    treeSha: treeOf(files),
    commitMessage: 'change',
    forcePushed: false,
    files,
    diff,
    memory: opts.withMemory === false ? [] : changed.map(factsOf),
    stats: { ...emptyStats(), files: 0, added: diff.added.length, modified: diff.modified.length, removed: diff.removed.length },
  });
}

export const byPath = <T extends { path: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

/** Temp folders created by a test file, removed after each test. */
export function tempDirs(): { make(): string; cleanup(): void } {
  const made: string[] = [];
  return {
    make: () => {
      const d = mkdtempSync(path.join(tmpdir(), 'psync-store-'));
      made.push(d);
      return d;
    },
    cleanup: () => {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

export const open = (dir: string, extra: Partial<OpenStoreOptions> = {}): Promise<HistoryStore> => openHistoryStore(dir, { logger: nullLogger, ...extra });

/** The active memory reduced to what a user compares: path, blob and facts. */
export const memoryView = (entries: MemoryFacts[]): string[] => byPath(entries).map((e) => `${e.path}@${e.blobSha}:${e.symbols.join(',')}:${e.summary}`);
