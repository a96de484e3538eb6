// Coalesces a running sync's deltas so the webview receives at most one batch per interval,
// however fast the pipeline runs: latest wins per kind, a trailing flush delivers the last value,
// and `finished` is never delayed or dropped: pending deltas go out first, then `finished`.
// Pure (no vscode): the clock and timer are injected so tests drive time by hand.
import type { SyncDelta } from '../../protocol/messages';

export interface TimerPort {
  now(): number;
  setTimeout(callback: () => void, ms: number): { dispose(): void };
}

export const systemTimers: TimerPort = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    return { dispose: () => clearTimeout(handle) };
  },
};

/** 50 ms: at most ~20 batches a second. */
export const DEFAULT_INTERVAL_MS = 50;

type PendingKind = Exclude<SyncDelta['type'], 'finished'>;

export class DeltaCoalescer {
  /** Insertion order is arrival order of each kind's latest value, so a batch keeps the causal order. */
  private readonly pending = new Map<PendingKind, SyncDelta>();
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private timer: { dispose(): void } | undefined;
  private finishedSyncId: string | undefined;

  constructor(
    private readonly deliver: (message: SyncDelta) => void,
    private readonly timers: TimerPort = systemTimers,
    private readonly intervalMs: number = DEFAULT_INTERVAL_MS,
  ) {}

  push(message: SyncDelta): void {
    if (message.type === 'finished') {
      this.flush();
      this.finishedSyncId = message.sync.id;
      this.deliver(message);
      return;
    }
    // A straggler of a sync that already finished would make the banner look busy again.
    if (message.syncId === this.finishedSyncId) return;
    this.pending.delete(message.type);
    this.pending.set(message.type, message);
    this.schedule();
  }

  /** Deliver whatever is pending now. */
  flush(): void {
    this.cancelTimer();
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.lastFlushAt = this.timers.now();
    for (const m of batch) this.deliver(m);
  }

  /** Forget pending deltas (the view is hidden; it gets a full state when it is shown again). */
  clear(): void {
    this.cancelTimer();
    this.pending.clear();
  }

  dispose(): void {
    this.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = this.lastFlushAt + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private cancelTimer(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }
}
