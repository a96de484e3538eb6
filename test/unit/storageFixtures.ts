// Shared helpers for the storage tests: temp folders, fake snapshots, and a minimal "pipeline"
// that begins, diffs against the branch's base and completes a sync the way the engine does.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import type { HistoryStore, SnapshotPrewrite } from '../../src/core/ports';
import { changedFiles, diffSnapshots } from '../../src/core/diff';
import { emptyStats, type MemoryFacts, type RepositoryFile, type RepositoryRef, type SyncRecord } from '../../src/core/types';
import { openHistoryStore, type OpenStoreOptions } from '../../src/storage';

export const repo = { host: 'github.com', owner: 'octo', name: 'demo' };

export const sha = (s: string): string => createHash('sha1').update(s).digest('hex');

export const file = (p: string, version = 'v1'): RepositoryFile => ({ path: p, blobSha: sha(`${p}@${version}`), mode: '100644', size: version.length + p.length });

export const treeOf = (files: RepositoryFile[]): string => sha([...files].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => `${f.mode} ${f.path}:${f.blobSha}`).join("\n"));

export const factsOf = (f: RepositoryFile): MemoryFacts => ({
  path: f.path,
  blobSha: f.blobSha,
  language: 'typescript',
  lines: 3,
  symbols: [path.basename(f.path, '.ts')],
  summary: `About ${f.path}`,
});

export interface SyncOptions {
  withMemory?: boolean;
  /** Default `main`. */
  branch?: string;
  /** Default the fixture's repository. */
  repository?: RepositoryRef;
  /** complete()'s prewritten snapshot (HistoryStore.prewriteSnapshot). */
  prewritten?: SnapshotPrewrite;
}

/** What the pipeline does: begin, diff against the branch's base (core's one diff), complete. */
export async function syncFiles(store: HistoryStore, files: RepositoryFile[], opts: SyncOptions = {}): Promise<SyncRecord> {
  const rec = await store.begin({ repository: opts.repository ?? repo, branch: opts.branch ?? 'main' });
  return completeWith(store, rec, files, opts);
}

export async function completeWith(store: HistoryStore, rec: SyncRecord, files: RepositoryFile[], opts: SyncOptions = {}): Promise<SyncRecord> {
  const base = store.baseFor(rec.repository, rec.branch);
  const diff = diffSnapshots(base ? await store.readFiles(base.id) : [], files);
  const changed = changedFiles(diff);
  return store.complete(rec.id, {
    baseSyncId: base?.id ?? null,
    commitSha: sha(`commit ${treeOf(files)}`),
    treeSha: treeOf(files),
    commitMessage: 'change',
    forcePushed: false,
    files,
    diff,
    memory: opts.withMemory === false ? [] : changed.map(factsOf),
    stats: { ...emptyStats(), files: 0, added: diff.added.length, modified: diff.modified.length, removed: diff.removed.length },
  }, opts.prewritten ? { prewritten: opts.prewritten } : {});
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
