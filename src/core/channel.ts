/**
 * Lets an async generator yield events that callbacks produce while it awaits a promise:
 * `const value = yield* channel.until(promise)` yields every pushed event until the promise
 * settles, then returns its value (or throws its error) after draining what is left.
 */
export class Channel<E> {
  private queue: E[] = [];
  private wake: (() => void) | undefined;

  push(event: E): void {
    this.queue.push(event);
    this.wake?.();
  }

  async *until<T>(promise: Promise<T>): AsyncGenerator<E, T> {
    let settled = false;
    let result: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    promise.then(
      (value) => {
        result = { ok: true, value };
        settled = true;
        this.wake?.();
      },
      (error: unknown) => {
        result = { ok: false, error };
        settled = true;
        this.wake?.();
      },
    );
    for (;;) {
      while (this.queue.length > 0) yield this.queue.shift() as E;
      if (settled) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    while (this.queue.length > 0) yield this.queue.shift() as E;
    if (!result) throw new Error('unreachable: channel settled without a result');
    if (!result.ok) throw result.error;
    return result.value;
  }
}

/** Emits at most once per `intervalMs` unless forced; the pipeline's own throttle for progress. */
export class Throttle {
  private last = -Infinity;
  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}
  ready(force = false): boolean {
    const t = this.now();
    if (!force && t - this.last < this.intervalMs) return false;
    this.last = t;
    return true;
  }
}
