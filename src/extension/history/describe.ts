// How a history record or a changed file looks in the tree: label, description, icon, context
// value and tooltip lines. Pure (no vscode) so it is unit-tested in plain Node.
import type { SyncRecord } from '../../core/types';
import { formatCount, formatDuration, shortSha } from '../../protocol/display';
import { describeBase, formatChanges, formatAge, type Translate } from '../text';
import type { ChangeKind } from './changes';
import { latestOf, type HistoryRow } from './grouping';

/** What an item shows by: the record's status, with the active chain head and restores told apart. */
export type SyncItemState = 'active' | 'completed' | 'restore' | 'failed' | 'cancelled' | 'interrupted' | 'running';

export interface IconSpec {
  /** A codicon id, `sync~spin` animates. */
  id: string;
  /** A theme colour id, or undefined for the default foreground. */
  color?: string;
}

export function syncItemState(record: SyncRecord, isActive: boolean): SyncItemState {
  switch (record.status) {
    case 'queued':
    case 'running':
      return 'running';
    case 'failed':
    case 'cancelled':
    case 'interrupted':
      return record.status;
    case 'completed':
      if (isActive) return 'active';
      return record.kind === 'restore' ? 'restore' : 'completed';
  }
}

const icons: Record<SyncItemState, IconSpec> = {
  active: { id: 'pass-filled', color: 'testing.iconPassed' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  restore: { id: 'history', color: 'charts.blue' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  interrupted: { id: 'debug-disconnect', color: 'list.warningForeground' },
  running: { id: 'sync~spin' },
};

export function syncIcon(state: SyncItemState): IconSpec {
  return icons[state];
}

/** `main @ 1a2b3c4`, or just the branch while the head is unknown. */
export function syncLabel(record: Pick<SyncRecord, 'branch' | 'commitSha'>): string {
  return record.commitSha ? `${record.branch} @ ${shortSha(record.commitSha)}` : record.branch;
}

/** `5 min ago · +3 ~2 −1`; other states say what happened instead of the counts. */
export function syncDescription(record: SyncRecord, isActive: boolean, now: Date, t: Translate, indexing = false): string {
  const age = formatAge(record.completedAt ?? record.startedAt, now, t);
  const what = syncOutcome(record, isActive, t, indexing);
  return age ? `${age} · ${what}` : what;
}

/** What an attempt came to: its change counts (`restore · …` for restores), or what happened instead. */
export function syncOutcome(record: SyncRecord, isActive: boolean, t: Translate, indexing = false): string {
  switch (syncItemState(record, isActive)) {
    case 'running':
      // The stored phase is not rewritten mid-run (the banner and status bar show the live one).
      return t('syncing…');
    case 'failed':
      return t('failed');
    case 'cancelled':
      return t('cancelled');
    case 'interrupted':
      return t('interrupted');
    case 'restore':
    case 'active':
    case 'completed': {
      const changes = record.kind === 'restore' ? t('restore · {0}', formatChanges(record.stats)) : formatChanges(record.stats);
      const memory = memoryState(record, indexing);
      return memory ? `${changes} · ${memoryWords(memory, t)}` : changes;
    }
  }
}

/**
 * A link whose memory is not all there: `indexing` while this window's sync is still analysing its
 * files (its snapshot was committed first), `incomplete` when that step never came.
 */
export function memoryState(record: SyncRecord, indexing: boolean): 'indexing' | 'incomplete' | undefined {
  if (record.status !== 'completed' || !record.memoryIncomplete) return undefined;
  return indexing ? 'indexing' : 'incomplete';
}

function memoryWords(state: 'indexing' | 'incomplete', t: Translate): string {
  return state === 'indexing' ? t('indexing memory…') : t('memory incomplete');
}

/**
 * Composite context value matched with `viewItem =~` in package.json menus:
 * `sync:restorable:completed:commit`, `sync:active:commit`, `sync:running`, `sync:failed`…
 * A completed link that is not the active one is restorable; anything with a commit can be copied.
 */
export function syncContextValue(record: SyncRecord, isActive: boolean): string {
  const state = syncItemState(record, isActive);
  const parts = ['sync'];
  if (record.status === 'completed' && !isActive && record.treeSha) parts.push('restorable');
  parts.push(state);
  if (record.commitSha) parts.push('commit');
  return parts.join(':');
}

/**
 * A History row's description: the sync's own (age and changes), what it was compared with, and for
 * folded no-change resyncs how often the commit was checked: `checked 4× · last 2 min ago · +3 ~2 −1
 * · compared with main @ 1f4ddd3, 2 h ago`. `base` is the record's `baseSyncId` record.
 */
export function rowDescription(row: HistoryRow, isActive: boolean, base: SyncRecord | undefined, now: Date, t: Translate, indexing = false): string {
  const parts: string[] = [];
  if (row.repeats.length > 0) {
    parts.push(t('checked {0}×', formatCount(row.repeats.length + 1)));
    const last = latestOf(row);
    const age = formatAge(last.completedAt ?? last.startedAt, now, t);
    if (age) parts.push(t('last {0}', age));
    parts.push(syncOutcome(row.record, isActive, t, indexing));
  } else {
    parts.push(syncDescription(row.record, isActive, now, t, indexing));
  }
  const compared = baseWords(row.record, base, now, t);
  if (compared) parts.push(compared);
  return parts.filter(Boolean).join(' · ');
}

/** What a completed sync was compared with (describeBase); nothing for attempts that did not complete. */
export function baseWords(record: SyncRecord, base: SyncRecord | undefined, now: Date, t: Translate): string {
  if (record.status !== 'completed') return '';
  return describeBase(base, record.branch, now, t);
}

/** A branch node's description: how many rows, and whether it holds the active sync. */
export function branchDescription(rows: readonly HistoryRow[], holdsActive: boolean, now: Date, t: Translate): string {
  const newest = rows[0] ? latestOf(rows[0]) : undefined;
  const parts = [rows.length === 1 ? t('1 sync') : t('{0} syncs', formatCount(rows.length))];
  if (holdsActive) parts.unshift(t('active'));
  const age = newest ? formatAge(newest.completedAt ?? newest.startedAt, now, t) : '';
  if (age) parts.push(age);
  return parts.join(' · ');
}

export interface TooltipModel {
  title: string;
  /** Label/value rows, rendered as escaped text. */
  rows: Array<[string, string]>;
}

export function syncTooltip(
  record: SyncRecord,
  isActive: boolean,
  t: Translate,
  extra: { base?: SyncRecord; now?: Date; repeats?: readonly SyncRecord[]; indexing?: boolean } = {},
): TooltipModel {
  const rows: Array<[string, string]> = [];
  const state = syncItemState(record, isActive);
  const now = extra.now ?? new Date();
  rows.push([t('Status'), stateTitle(state, t)]);
  const compared = baseWords(record, extra.base, now, t);
  if (compared) rows.push([t('Compared with'), compared]);
  const repeats = extra.repeats ?? [];
  const last = repeats[0];
  if (last) rows.push([t('Checked'), t('{0}× without changes since, last {1}', formatCount(repeats.length), formatAge(last.completedAt ?? last.startedAt, now, t))]);
  rows.push([t('Repository'), `${record.repository.owner}/${record.repository.name} (${record.repository.host})`]);
  if (record.commitSha) rows.push([t('Commit'), record.commitSha]);
  if (record.commitMessage) rows.push([t('Message'), record.commitMessage]);
  rows.push([t('Started'), record.startedAt]);
  if (record.status === 'completed') {
    rows.push([t('Changes'), formatChanges(record.stats)]);
    rows.push([t('Files'), formatCount(record.stats.files)]);
    rows.push([t('Duration'), formatDuration(record.stats.durationMs)]);
    const memory = memoryState(record, extra.indexing === true);
    if (memory === 'indexing') rows.push([t('Memory'), t('Being indexed: the snapshot is saved, its files are being analysed.')]);
    if (memory === 'incomplete') rows.push([t('Memory'), t('Incomplete: the next sync of {0} completes it.', record.branch)]);
  }
  if (record.forcePushed) rows.push([t('Note'), t('The branch was force-pushed since the previous sync.')]);
  if (record.error) rows.push([t('Error'), `${record.error.message} (${record.error.code})`]);
  return { title: syncLabel(record), rows };
}

function stateTitle(state: SyncItemState, t: Translate): string {
  const titles: Record<SyncItemState, string> = {
    active: t('Active (completed)'),
    completed: t('Completed'),
    restore: t('Restore'),
    failed: t('Failed'),
    cancelled: t('Cancelled'),
    interrupted: t('Interrupted (the window closed mid-sync)'),
    running: t('Running'),
  };
  return titles[state];
}

const fileIcons: Record<ChangeKind, IconSpec> = {
  added: { id: 'diff-added', color: 'gitDecoration.addedResourceForeground' },
  modified: { id: 'diff-modified', color: 'gitDecoration.modifiedResourceForeground' },
  removed: { id: 'diff-removed', color: 'gitDecoration.deletedResourceForeground' },
};

export function fileIcon(change: ChangeKind): IconSpec {
  return fileIcons[change];
}

export function fileContextValue(change: ChangeKind): string {
  return `file:${change}`;
}

/** Tree item ids: stable across refreshes, unique across syncs. */
export function syncItemId(syncId: string): string {
  return `sync/${syncId}`;
}
export function fileItemId(syncId: string, path: string): string {
  return `sync/${syncId}/file/${path}`;
}
