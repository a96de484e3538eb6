// Pure helpers that build and check records; no I/O.
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { lazySchema } from '../core/lazySchema';
import { SyncError } from '../core/errors';
import type { CompleteSyncInput } from '../core/ports';
import { diffCounts } from '../core/diff';
import { emptyStats, shaSchema, type MemoryFacts, type RepositoryFile, type RepositoryRef, type SnapshotDiff, type SyncRecord } from '../core/types';
import { isLink, repoKey } from './schema';
import { checkRepositoryFiles, memoryFactsList, ShapeError } from './validate';

export function newRunningRecord(repository: RepositoryRef, branch: string, head: SyncRecord | undefined, now: Date): SyncRecord {
  return {
    id: randomUUID(),
    repository: { ...repository },
    branch,
    commitSha: null,
    treeSha: null,
    kind: 'sync',
    restoredFromSyncId: null,
    status: 'running',
    phase: 'resolving',
    startedAt: now.toISOString(),
    completedAt: null,
    stats: emptyStats(),
    error: null,
    previousSyncId: null,
    startedAfterSyncId: head?.id ?? null,
    baseSyncId: null,
    commitMessage: null,
    forcePushed: false,
    missingContent: [],
  };
}

/** Refuse a second successor: `previous` (null = first link) must not already be followed in this repository. */
export function assertNoSuccessor(records: SyncRecord[], repository: RepositoryRef, previous: string | null): void {
  const key = repoKey(repository);
  const taken = records.find((r) => isLink(r) && r.previousSyncId === previous && repoKey(r.repository) === key);
  if (taken) {
    const what = previous === null ? 'This repository already has a first sync' : `Sync ${previous} already has a successor`;
    throw new SyncError('STORAGE_ERROR', `${what} (${taken.id}); the history allows only one. Another sync finished first: run the sync again.`);
  }
}

const inputSchema = lazySchema(() => z.object({ commitSha: shaSchema, treeSha: shaSchema, memoryExtractor: z.string().min(1).max(64).optional(), listed: z.number().int().nonnegative().optional() }));

/**
 * Validate what complete() is about to persist, so a bad input can never produce an unreadable file.
 * The big arrays (files, memory facts) go through the hand-written validators of validate.ts.
 * `filesChecked`: the snapshot's files were checked entry by entry, in strictly ascending path
 * order, as they were listed (a prewritten snapshot, snapshots.ts `PrewrittenSnapshot`).
 */
export function checkCompleteInput(input: CompleteSyncInput, opts: { filesChecked?: boolean } = {}): void {
  const r = inputSchema.safeParse(input);
  if (!r.success) throw invalid(`${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
  // A snapshot stored by its count is all added: no diff beside it, and its files, if given, as many.
  if (input.listed !== undefined && ((input.files !== undefined && input.files.length !== input.listed) || input.diff.added.length + input.diff.modified.length + input.diff.removed.length > 0)) {
    throw invalid('listed: a snapshot stored by its count has no diff beside it, and as many files as its count');
  }
  try {
    if (input.files !== undefined) {
      if (!opts.filesChecked) checkRepositoryFiles(input.files, 'files');
    } else checkRepositoryFiles([...input.diff.added, ...input.diff.modified.map((m) => m.after)], 'diff');
    memoryFactsList(input.memory, 'memory');
    if (input.missingContent) checkRepositoryFiles(input.missingContent, 'missingContent');
  } catch (e) {
    if (e instanceof ShapeError) throw invalid(e.message);
    throw e;
  }
  const twice = input.files && !opts.filesChecked ? duplicatePath(input.files) : undefined;
  if (twice !== undefined) throw new SyncError('STORAGE_ERROR', `Refusing to store a snapshot with the path ${twice} twice.`);
}

/** Validate facts of a memory step as they come, like checkCompleteInput. */
export function checkMemoryFacts(facts: readonly MemoryFacts[]): void {
  shaped(() => memoryFactsList(facts, 'memory'));
}

/** Validate what the memory step's commit persists besides the facts. */
export function checkMemoryInput(missingContent: RepositoryFile[]): void {
  shaped(() => checkRepositoryFiles(missingContent, 'missingContent'));
}

function shaped(check: () => unknown): void {
  try {
    check();
  } catch (e) {
    if (e instanceof ShapeError) throw invalid(e.message);
    throw e;
  }
}

/** A path listed twice, if any (a sorted list, the usual case, is checked without a set). */
function duplicatePath(files: RepositoryFile[]): string | undefined {
  let sorted = true;
  for (let i = 1; i < files.length && sorted; i++) {
    const a = (files[i - 1] as RepositoryFile).path;
    const b = (files[i] as RepositoryFile).path;
    if (a === b) return a;
    sorted = a < b;
  }
  if (sorted) return undefined;
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) return f.path;
    seen.add(f.path);
  }
  return undefined;
}

const invalid = (what: string): SyncError => new SyncError('STORAGE_ERROR', `Refusing to store an invalid sync: ${what}`);

/** `files` is the snapshot's file count (input.files.length, or the head's for a no-change sync). */
export function completedRecord(rec: SyncRecord, input: CompleteSyncInput, files: number, now: Date): SyncRecord {
  return {
    ...rec,
    branch: input.branch ?? rec.branch,
    commitSha: input.commitSha,
    treeSha: input.treeSha,
    commitMessage: input.commitMessage,
    forcePushed: input.forcePushed,
    status: 'completed',
    phase: 'done',
    completedAt: now.toISOString(),
    error: null,
    previousSyncId: rec.startedAfterSyncId,
    baseSyncId: input.baseSyncId,
    missingContent: (input.missingContent ?? []).map((f) => ({ ...f })),
    ...(input.memoryPending ? { memoryIncomplete: true } : {}),
    ...(input.memoryExtractor !== undefined ? { memoryExtractor: input.memoryExtractor } : {}),
    // A snapshot stored as listed (`listed`) is all added: its diff holds no entry.
    stats: { ...input.stats, files, ...diffCounts(input.diff), ...(input.listed !== undefined ? { added: input.listed } : {}) },
  };
}

/** A restore link after `head`, whose stats are `diff` from its base (the branch's latest link) to the target. */
export function restoreRecord(target: SyncRecord, head: SyncRecord, base: SyncRecord | undefined, diff: SnapshotDiff, files: number, now: Date): SyncRecord {
  return {
    ...newRunningRecord(target.repository, target.branch, head, now),
    kind: 'restore',
    restoredFromSyncId: target.id,
    commitSha: target.commitSha,
    treeSha: target.treeSha,
    commitMessage: target.commitMessage,
    status: 'completed',
    phase: 'done',
    completedAt: now.toISOString(),
    previousSyncId: head.id,
    baseSyncId: base?.id ?? null,
    // Its memory is the target's, so what the target lacks is still to be fetched.
    missingContent: target.missingContent.map((f) => ({ ...f })),
    ...(target.memoryIncomplete ? { memoryIncomplete: true } : {}),
    ...(target.memoryExtractor !== undefined ? { memoryExtractor: target.memoryExtractor } : {}),
    stats: { ...emptyStats(), files, ...diffCounts(diff) },
  };
}
