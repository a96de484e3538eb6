// How the History view arranges records: one group per repository and branch (newest activity
// first), and inside it one row per sync, newest first, with consecutive no-change resyncs of the
// same commit folded into the row they repeat. Pure: records in, groups out (unit-tested in Node).
import type { RepositoryRef, SyncRecord } from '../../core/types';

/** One History row: a record, plus the no-change resyncs folded into it (newest first). */
export interface HistoryRow {
  readonly record: SyncRecord;
  readonly repeats: readonly SyncRecord[];
}

export interface BranchGroup {
  /** Stable across refreshes: repository and branch. */
  readonly key: string;
  readonly repository: RepositoryRef;
  readonly branch: string;
  /** Newest first. */
  readonly rows: readonly HistoryRow[];
}

export function groupKey(repository: RepositoryRef, branch: string): string {
  return `${repository.host}/${repository.owner}/${repository.name}#${branch}`;
}

/** A completed sync that changed nothing against its base. */
export function isNoChangeResync(record: SyncRecord): boolean {
  const { added, modified, removed } = record.stats;
  return record.kind === 'sync' && record.status === 'completed' && added + modified + removed === 0 && record.baseSyncId !== null;
}

/** Every record a row stands for: the row's own and its folded repeats. */
export function rowIds(row: HistoryRow): string[] {
  return [row.record.id, ...row.repeats.map((r) => r.id)];
}

/** The newest record of a row (its latest check). */
export function latestOf(row: HistoryRow): SyncRecord {
  return row.repeats[0] ?? row.record;
}

/** `records` newest first (as the store lists them) → groups, the most recently active first. */
export function groupHistory(records: readonly SyncRecord[]): BranchGroup[] {
  const byKey = new Map<string, { repository: RepositoryRef; branch: string; records: SyncRecord[] }>();
  for (const record of records) {
    const key = groupKey(record.repository, record.branch);
    let group = byKey.get(key);
    if (!group) byKey.set(key, (group = { repository: record.repository, branch: record.branch, records: [] }));
    group.records.push(record);
  }
  return [...byKey].map(([key, g]) => ({ key, repository: g.repository, branch: g.branch, rows: foldRows(g.records) }));
}

/** Newest-first records of one branch → rows, no-change resyncs folded into the older row of their commit. */
export function foldRows(records: readonly SyncRecord[]): HistoryRow[] {
  const rows: Array<{ record: SyncRecord; repeats: SyncRecord[] }> = [];
  for (let i = records.length - 1; i >= 0; i--) {
    const record = records[i] as SyncRecord;
    const last = rows[rows.length - 1];
    const repeated = last?.repeats[last.repeats.length - 1] ?? last?.record;
    if (
      last &&
      repeated &&
      isNoChangeResync(record) &&
      last.record.status === 'completed' &&
      last.record.commitSha === record.commitSha &&
      record.baseSyncId === repeated.id
    ) {
      last.repeats.push(record);
      continue;
    }
    rows.push({ record, repeats: [] });
  }
  return rows.reverse().map((r) => ({ record: r.record, repeats: r.repeats.reverse() }));
}

/** The rows whose record (or a repeat) matches `query`, case-insensitively; groups left empty are dropped. */
export function filterGroups(groups: readonly BranchGroup[], query: string): BranchGroup[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...groups];
  return groups
    .map((g) => ({ ...g, rows: g.rows.filter((row) => [row.record, ...row.repeats].some((r) => recordMatches(r, q))) }))
    .filter((g) => g.rows.length > 0);
}

function recordMatches(record: SyncRecord, q: string): boolean {
  const fields = [
    record.branch,
    record.commitSha ?? '',
    record.commitMessage ?? '',
    record.status,
    record.kind,
    record.error?.message ?? '',
    record.error?.code ?? '',
    `${record.repository.owner}/${record.repository.name}`,
  ];
  return fields.some((f) => f.toLowerCase().includes(q));
}

/** How many rows and records a filter kept, for the view's message. */
export function countRows(groups: readonly BranchGroup[]): number {
  return groups.reduce((n, g) => n + g.rows.length, 0);
}
