// Rate-limited logging for a flood of similar lines (a hostile or runaway webview posting thousands of
// invalid messages): the first `burst` lines of each interval are written, the rest only counted, and
// the count is written once when the interval ends. Memory is a counter, whatever the rate.
import type { TimerPort } from './coalescer';

export interface LogLimiterOptions {
  /** Lines written per interval before suppression starts (default 20). */
  burst?: number;
  /** Interval length in ms (default 60 s). */
  intervalMs?: number;
}

export class LogLimiter {
  private readonly burst: number;
  private readonly intervalMs: number;
  private windowStart: number | undefined;
  private written = 0;
  private suppressed = 0;
  private summaryTimer: { dispose(): void } | undefined;

  constructor(
    private readonly write: (line: string) => void,
    /** What the summary line counts, e.g. "invalid messages from the webview dropped". */
    private readonly what: string,
    private readonly timers: TimerPort,
    options: LogLimiterOptions = {},
  ) {
    this.burst = options.burst ?? 20;
    this.intervalMs = options.intervalMs ?? 60_000;
  }

  /** `line` is only built when it will be written. */
  log(line: () => string): void {
    const now = this.timers.now();
    if (this.windowStart === undefined || now - this.windowStart >= this.intervalMs) this.startWindow(now);
    if (this.written < this.burst) {
      this.written++;
      this.write(line());
      return;
    }
    this.suppressed++;
    this.summaryTimer ??= this.timers.setTimeout(() => {
      this.summaryTimer = undefined;
      this.flush();
    }, Math.max(0, (this.windowStart ?? now) + this.intervalMs - now));
  }

  /** Write the pending count (the interval ended, or the view is going away). */
  flush(): void {
    if (this.suppressed === 0) return;
    const seconds = Math.round(this.intervalMs / 1000);
    this.write(`${this.suppressed} more ${this.what} in the last ${seconds} s (not logged one by one)`);
    this.suppressed = 0;
  }

  dispose(): void {
    this.summaryTimer?.dispose();
    this.summaryTimer = undefined;
    this.flush();
  }

  private startWindow(now: number): void {
    this.flush();
    this.summaryTimer?.dispose();
    this.summaryTimer = undefined;
    this.windowStart = now;
    this.written = 0;
  }
}
