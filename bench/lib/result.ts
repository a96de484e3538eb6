// One line of the results: a figure of ours beside its anchor.
import { spread, type Spread } from './proc';

export interface Row {
  scenario: string;
  size: number;
  /** 'git' (the git-binary fast path), 'portable' (PROJECT_SYNC_GIT=none), or '-' when not applicable. */
  path: 'git' | 'portable' | '-';
  unit: 'ms' | 'MB' | 'KB' | 'msg/s' | 'requests' | 'x';
  ours: Spread | null;
  anchor: Spread | null;
  anchorLabel: string;
  /** ours.median / anchor.median. */
  ratio: number | null;
  /** REST requests of our run (median), and git smart-HTTP requests. */
  requests: { rest: number; git: number } | null;
  /** Bytes over the wire of our run (median). */
  bytes: number | null;
  /** Peak RSS in MB: ours and the anchor's (medians). */
  rss: { ours: number | null; anchor: number | null } | null;
  target: string;
  met: boolean | null;
  note: string;
}

export function row(r: Partial<Row> & Pick<Row, 'scenario' | 'size' | 'unit' | 'target'>): Row {
  const ours = r.ours ?? null;
  const anchor = r.anchor ?? null;
  const ratio = r.ratio !== undefined ? r.ratio : ours && anchor && anchor.median > 0 ? ours.median / anchor.median : null;
  return {
    path: '-',
    anchorLabel: '',
    requests: null,
    bytes: null,
    rss: null,
    met: null,
    note: '',
    ...r,
    ours,
    anchor,
    ratio,
  };
}

export function medianOf(values: number[]): number {
  return spread(values).median;
}

export function single(v: number): Spread {
  return { median: v, min: v, max: v, runs: 1 };
}

export function kbToMb(kb: number | null): number | null {
  return kb === null ? null : kb / 1024;
}

export function rssSpread(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? medianOf(known) / 1024 : null;
}
