// Small text helpers shared by the tree, the status bar and the pickers. No vscode import:
// user-facing strings go through an injected `Translate` (vscode.l10n.t in the extension).
import type { SyncStats } from '../core/types';

/** The shape of vscode.l10n.t for positional arguments: `t('{0} min ago', 5)`. */
export type Translate = (message: string, ...args: Array<string | number>) => string;

/** Formats `{0}` placeholders without translating: for tests and the untranslated fallback. */
export const formatOnly: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? whole : String(v);
  });

/** `+3 ~2 −1` (U+2212 minus, as the design shows). */
export function changeSummary(stats: Pick<SyncStats, 'added' | 'modified' | 'removed'>): string {
  return `+${stats.added} ~${stats.modified} \u2212${stats.removed}`;
}

/** A short age: `just now`, `5 min ago`, `3 h ago`, `2 days ago`, then the date. */
export function formatAge(iso: string, now: Date, t: Translate): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (seconds < 45) return t('just now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 24) return t('{0} h ago', hours);
  const days = Math.round(hours / 24);
  if (days === 1) return t('yesterday');
  if (days < 30) return t('{0} days ago', days);
  return new Date(then).toISOString().slice(0, 10);
}
