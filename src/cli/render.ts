// Terminal output: a progress bar on a TTY, plain lines otherwise, JSON Lines for tools.
import type { SyncEvent } from '../core/syncEvents';
import { phaseTitles } from '../core/syncEvents';
import { describeBase, formatBytes, formatChanges, shortSha } from '../protocol/display';
import type { SyncRecord, SyncStats } from '../core/types';

export interface Out {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

export class ProgressRenderer {
  private lastPhase = '';
  private lastLine = '';

  constructor(
    private readonly err: Out,
    private readonly started = Date.now(),
  ) {}

  event(e: SyncEvent): void {
    if (e.type === 'started') return;
    if (e.type === 'warning') return this.line(`warning: ${e.message}`);
    if (e.type === 'waiting') {
      const why = e.reason === 'retry' ? 'retrying' : 'GitHub rate limit';
      return this.line(`${why}: waiting ${e.seconds}s${e.resetAt ? ` (until ${e.resetAt})` : ''}`);
    }
    const title = phaseTitles[e.phase];
    if (!this.err.isTTY) {
      if (e.phase !== this.lastPhase && e.phase !== 'done') this.err.write(`${title}…\n`);
      this.lastPhase = e.phase;
      return;
    }
    const width = 24;
    const ratio = e.total ? Math.min(1, e.done / e.total) : null;
    const bar = ratio === null ? '·'.repeat(width) : '█'.repeat(Math.round(ratio * width)).padEnd(width, '░');
    const count = e.total ? `${e.done}/${e.total}` : e.done ? `${e.done}` : '';
    const text = `${bar} ${title} ${count} · ${statsText(e.stats)} · ${elapsed(Date.now() - this.started)}`;
    const cols = this.err.columns ?? 100;
    this.lastLine = text.slice(0, cols - 1);
    this.err.write(`\r\x1b[2K${this.lastLine}`);
  }

  /** A line that must not be overwritten by the bar. */
  line(text: string): void {
    if (this.err.isTTY && this.lastLine) this.err.write('\r\x1b[2K');
    this.err.write(text + '\n');
    if (this.err.isTTY && this.lastLine) this.err.write(this.lastLine);
  }

  finish(): void {
    if (this.err.isTTY && this.lastLine) this.err.write('\r\x1b[2K');
    this.lastLine = '';
  }
}

export function statsText(s: SyncStats): string {
  return `${s.files} files · +${s.added} ~${s.modified} −${s.removed} · ${s.requests} req · ${formatBytes(s.bytes)}`;
}


function elapsed(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The finished sync in one line, with what its changes were compared with (`base`, its base record). */
export function summary(r: SyncRecord, base: SyncRecord | undefined, now = new Date()): string {
  const what = r.kind === 'restore' ? `Restored ${r.restoredFromSyncId}` : `Synced ${r.branch}`;
  return `${what} @ ${shortSha(r.commitSha) || '?'}: ${statsText(r.stats)}, ${describeBase(base, r.branch, now)} (sync ${r.id})`;
}

/** One history row; a completed link also says what it was compared with. */
export function historyLine(r: SyncRecord, base: SyncRecord | undefined, now = new Date()): string {
  const sha = shortSha(r.commitSha) || '-------';
  const change = r.status === 'completed' ? `${formatChanges(r.stats)} (${describeBase(base, r.branch, now)})` : (r.error?.code ?? '');
  return [r.id, r.status.padEnd(11), r.kind.padEnd(7), `${r.branch}@${sha}`, change, r.startedAt].join('  ');
}
