// Domain values → the Sync view's wire shapes (src/protocol/messages.ts). Pure, so the mapping
// (and its clamping of hostile repository strings) is unit-tested without vscode.
import type { SyncStats, SyncRecord } from '../../core/types';
import { isBranchName, limits } from '../../protocol/limits';
import type { BranchItem, SyncSummary, WebviewAction, WireStats } from '../../protocol/messages';
import type { BranchSection } from '../branches/branchOrder';

export function toWireStats(stats: SyncStats): WireStats {
  return {
    files: stats.files,
    added: stats.added,
    modified: stats.modified,
    removed: stats.removed,
    requests: stats.requests,
    bytes: stats.bytes,
  };
}

/** Branch names the protocol accepts (no control characters, bounded length). */
export function isWireBranch(name: string): boolean {
  return isBranchName(name);
}

/**
 * A finished attempt for the banner; null when its branch cannot travel (then the banner shows none).
 * `baseOf` looks up the record's base (`baseSyncId`) so the summary says what it was compared with.
 */
export function toSummary(
  record: SyncRecord,
  baseOf?: (id: string) => SyncRecord | undefined,
  /** The error table's words and actions for a failed record (the banner shows what a notification would). */
  describeError?: (error: NonNullable<SyncRecord['error']>) => { message: string; actions: WebviewAction[] },
): SyncSummary | null {
  if (!isWireBranch(record.branch)) return null;
  const baseRecord = record.baseSyncId ? baseOf?.(record.baseSyncId) : undefined;
  let base: Pick<SyncSummary, 'base'> = {};
  if (baseOf && !record.baseSyncId) base = { base: null };
  else if (baseRecord && isWireBranch(baseRecord.branch)) {
    base = { base: { branch: baseRecord.branch, commitSha: hexOrNull(baseRecord.commitSha), completedAt: baseRecord.completedAt } };
  }
  return {
    ...base,
    id: record.id.slice(0, limits.id),
    kind: record.kind,
    branch: record.branch,
    commitSha: record.commitSha,
    status: record.status,
    stats: toWireStats(record.stats),
    error: record.error ? wireError(record.error, describeError) : null,
    completedAt: record.completedAt,
    ...(record.memoryIncomplete ? { memoryIncomplete: true as const } : {}),
  };
}

function wireError(
  error: NonNullable<SyncRecord['error']>,
  describe?: (error: NonNullable<SyncRecord['error']>) => { message: string; actions: WebviewAction[] },
): NonNullable<SyncSummary['error']> {
  const shown = describe?.(error);
  if (!shown) return { code: error.code, message: error.message.slice(0, limits.text) };
  return { code: error.code, message: shown.message.slice(0, limits.text), actions: shown.actions.slice(0, 4) };
}

function hexOrNull(sha: string | null | undefined): string | null {
  return sha && /^[0-9a-f]{40}$/.test(sha) ? sha : null;
}

/** The dropdown's branches: the default, current and recent sections (the QuickPick has the rest). */
export function toBranchItems(sections: readonly BranchSection[]): BranchItem[] {
  const items: BranchItem[] = [];
  for (const section of sections) {
    if (section.group === 'other') continue;
    for (const b of section.branches) {
      if (!isWireBranch(b.name)) continue;
      items.push({
        name: b.name,
        commitSha: b.commitSha && /^[0-9a-f]{40}$/.test(b.commitSha) ? b.commitSha : null,
        isDefault: section.group === 'default',
        isCurrent: section.group === 'current',
        isRecent: section.group === 'recent',
      });
    }
  }
  return items.slice(0, limits.branches);
}

/**
 * What the banner reports: the record, except for a large sync that failed or was cancelled after its
 * snapshot was committed (the record is a completed link, memory incomplete): the banner says how the
 * run ended, and the error's words say that the snapshot is saved.
 */
export function bannerRecord(record: SyncRecord, error: NonNullable<SyncRecord['error']> | undefined): SyncRecord {
  if (!error || record.status !== 'completed') return record;
  return { ...record, status: error.code === 'CANCELLED' ? 'cancelled' : 'failed', error: { code: error.code, message: error.message } };
}
