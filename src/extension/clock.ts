// The time a view measures ages against ("5 min ago"), and the timers that keep those ages current.
// The system clock in use; in ExtensionMode.Test the extension's exports carry an AdjustableClock
// (testHooks.clock) so the integration suite can let a minute pass without waiting for it.
import type { Disposable } from 'vscode';

export interface ViewClock {
  now(): Date;
  /** Calls `fn` every `ms` milliseconds until disposed. */
  every(ms: number, fn: () => void): Disposable;
}

export const systemClock: ViewClock = {
  now: () => new Date(),
  every: (ms, fn) => {
    const handle = setInterval(fn, ms);
    return { dispose: () => clearInterval(handle) };
  },
};

interface Timer {
  ms: number;
  fn: () => void;
  /** When the timer is next due, on this clock's time. */
  due: number;
}

/**
 * The system clock with an offset tests can move forward. Timers run on the real interval as
 * usual; `advance(ms)` moves `now()` and runs at once every timer whose period has elapsed.
 */
export class AdjustableClock implements ViewClock {
  private offsetMs = 0;
  private readonly timers = new Set<Timer>();

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  every(ms: number, fn: () => void): Disposable {
    const timer: Timer = { ms, fn, due: this.now().getTime() + ms };
    this.timers.add(timer);
    const handle = setInterval(() => this.run(timer), ms);
    return {
      dispose: () => {
        clearInterval(handle);
        this.timers.delete(timer);
      },
    };
  }

  /** Moves the time forward by `ms` and runs the timers that became due. */
  advance(ms: number): void {
    this.offsetMs += ms;
    const now = this.now().getTime();
    for (const timer of [...this.timers]) if (timer.due <= now) this.run(timer);
  }

  /** Back to the system time (timers are not run). */
  reset(): void {
    for (const timer of this.timers) timer.due -= this.offsetMs;
    this.offsetMs = 0;
  }

  private run(timer: Timer): void {
    timer.due = this.now().getTime() + timer.ms;
    timer.fn();
  }
}
