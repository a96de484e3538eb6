// Small text helpers shared by the tree, the status bar and the pickers. No vscode import:
// user-facing strings go through an injected `Translate` (vscode.l10n.t in the extension).
import type { SyncStats } from '../core/types';

export { describeBase, formatAge, formatOnly, type Translate } from '../protocol/display';

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

/** `+3 ~2 −1` (U+2212 minus, as the design shows). */
export function changeSummary(stats: Pick<SyncStats, 'added' | 'modified' | 'removed'>): string {
  return `+${stats.added} ~${stats.modified} \u2212${stats.removed}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
