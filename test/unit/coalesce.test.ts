import { strict as assert } from 'node:assert';
import { DeltaCoalescer, type TimerPort } from '../../src/extension/webview/coalescer';
import type { SyncDelta } from '../../src/protocol/messages';
import { finished, progress, waiting } from './webviewFixtures';

/** A clock and timers moved by hand. */
class FakeTimers implements TimerPort {
  time = 1_000_000;
  private timers: { at: number; callback: () => void; live: boolean }[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): { dispose(): void } {
    const t = { at: this.time + ms, callback, live: true };
    this.timers.push(t);
    return { dispose: () => void (t.live = false) };
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.time = next.at;
      next.live = false;
      next.callback();
    }
    this.time = end;
  }

  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
}

function setup(intervalMs = 50) {
  const timers = new FakeTimers();
  const delivered: { at: number; message: SyncDelta }[] = [];
  const c = new DeltaCoalescer((message) => delivered.push({ at: timers.now(), message }), timers, intervalMs);
  return { timers, delivered, c };
}

const doneOf = (m: SyncDelta) => (m.type === 'progress' ? m.done : undefined);

describe('DeltaCoalescer', () => {
  it('delivers the first progress at once (the banner reacts without delay)', () => {
    const { c, delivered } = setup();
    c.push(progress({ done: 1 }));
    assert.deepEqual(delivered.map((d) => doneOf(d.message)), [1]);
  });

  it('keeps only the latest progress of a burst and delivers it on the trailing edge', () => {
    const { c, delivered, timers } = setup();
    for (let i = 1; i <= 1000; i++) c.push(progress({ done: i }));
    assert.deepEqual(delivered.map((d) => doneOf(d.message)), [1]);
    timers.advance(50);
    assert.deepEqual(delivered.map((d) => doneOf(d.message)), [1, 1000]);
    assert.equal(timers.pending, 0, 'no timer left behind');
  });

  it('posts at most ~20 batches a second however fast the pipeline runs', () => {
    const { c, delivered, timers } = setup();
    let done = 0;
    for (let ms = 0; ms < 1000; ms++) {
      for (let k = 0; k < 5; k++) c.push(progress({ done: ++done }));
      timers.advance(1);
    }
    timers.advance(100);
    assert.ok(delivered.length <= 21, `${delivered.length} deliveries in a second`);
    assert.ok(delivered.length >= 15, 'but still steady updates');
    for (let i = 1; i < delivered.length; i++) {
      assert.ok(delivered[i]!.at - delivered[i - 1]!.at >= 50, 'spaced by the interval');
    }
    assert.equal(doneOf(delivered.at(-1)!.message), done, 'the last value is never lost');
  });

  it('keeps the latest value per kind, in the order each kind last arrived', () => {
    const { c, delivered, timers } = setup();
    c.push(progress({ done: 1 })); // leading edge
    c.push(progress({ done: 2 }));
    c.push(waiting({ seconds: 30 }));
    c.push(waiting({ seconds: 29 }));
    timers.advance(50);
    assert.deepEqual(
      delivered.slice(1).map((d) => d.message.type),
      ['progress', 'waiting'],
    );
    c.push(waiting({ seconds: 5 }));
    c.push(progress({ done: 3 })); // the wait is over: progress must come last
    timers.advance(50);
    assert.deepEqual(
      delivered.slice(3).map((d) => d.message.type),
      ['waiting', 'progress'],
    );
  });

  it('delivers finished immediately, after flushing the last progress, never before it', () => {
    const { c, delivered, timers } = setup();
    c.push(progress({ done: 1 }));
    c.push(progress({ done: 99 }));
    c.push(finished());
    assert.deepEqual(
      delivered.map((d) => (d.message.type === 'progress' ? `progress:${d.message.done}` : d.message.type)),
      ['progress:1', 'progress:99', 'finished'],
    );
    assert.equal(timers.pending, 0, 'the trailing timer was cancelled');
    timers.advance(1000);
    assert.equal(delivered.length, 3, 'nothing is delivered twice');
  });

  it('drops stragglers of a sync that already finished', () => {
    const { c, delivered, timers } = setup();
    c.push(finished({ id: 's1' }));
    c.push(progress({ syncId: 's1', done: 5 }));
    timers.advance(100);
    assert.deepEqual(delivered.map((d) => d.message.type), ['finished']);
    c.push(progress({ syncId: 's2', done: 1 }));
    assert.deepEqual(delivered.map((d) => d.message.type), ['finished', 'progress'], 'a new sync flows again');
  });

  it('clear() forgets pending deltas (the view was hidden)', () => {
    const { c, delivered, timers } = setup();
    c.push(progress({ done: 1 }));
    c.push(progress({ done: 2 }));
    c.clear();
    timers.advance(100);
    assert.deepEqual(delivered.map((d) => doneOf(d.message)), [1]);
  });
});
