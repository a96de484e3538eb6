// How a history record or a changed file looks in the tree: label, description, icon, context
// value and tooltip lines. Pure (no vscode) so it is unit-tested in plain Node.
import type { SyncRecord } from '../../core/types';
import { formatDuration, shortSha } from '../../protocol/display';
import { formatChanges, formatAge, type Translate } from '../text';
import type { ChangeKind } from './changes';

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
export function syncLabel(record: SyncRecord): string {
  return record.commitSha ? `${record.branch} @ ${shortSha(record.commitSha)}` : record.branch;
}

/** `5 min ago · +3 ~2 −1`; other states say what happened instead of the counts. */
export function syncDescription(record: SyncRecord, isActive: boolean, now: Date, t: Translate): string {
  const age = formatAge(record.completedAt ?? record.startedAt, now, t);
  const state = syncItemState(record, isActive);
  const what = ((): string => {
    switch (state) {
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
      case 'completed':
        return record.kind === 'restore' ? t('restore · {0}', formatChanges(record.stats)) : formatChanges(record.stats);
    }
  })();
  return age ? `${age} · ${what}` : what;
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

export interface TooltipModel {
  title: string;
  /** Label/value rows, rendered as escaped text. */
  rows: Array<[string, string]>;
}

export function syncTooltip(record: SyncRecord, isActive: boolean, t: Translate): TooltipModel {
  const rows: Array<[string, string]> = [];
  const state = syncItemState(record, isActive);
  rows.push([t('Status'), stateTitle(state, t)]);
  rows.push([t('Repository'), `${record.repository.owner}/${record.repository.name} (${record.repository.host})`]);
  if (record.commitSha) rows.push([t('Commit'), record.commitSha]);
  if (record.commitMessage) rows.push([t('Message'), record.commitMessage]);
  rows.push([t('Started'), record.startedAt]);
  if (record.status === 'completed') {
    rows.push([t('Changes'), formatChanges(record.stats)]);
    rows.push([t('Files'), String(record.stats.files)]);
    rows.push([t('Duration'), formatDuration(record.stats.durationMs)]);
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
