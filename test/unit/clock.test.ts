// The adjustable clock the integration suite moves forward: now() follows the offset, advance()
// runs exactly the timers whose period elapsed, reset() goes back to the system time.
import assert from 'node:assert/strict';
import { AdjustableClock } from '../../src/extension/clock';

describe('AdjustableClock', () => {
  it('advance() moves now() and runs each timer whose period has elapsed, once', () => {
    const clock = new AdjustableClock();
    const runs: string[] = [];
    const minute = clock.every(60_000, () => runs.push('minute'));
    const hour = clock.every(3_600_000, () => runs.push('hour'));
    try {
      const before = clock.now().getTime();
      clock.advance(30_000);
      assert.deepEqual(runs, [], 'half a minute: nothing is due');
      assert.ok(clock.now().getTime() - before >= 30_000);
      clock.advance(31_000);
      assert.deepEqual(runs, ['minute']);
      clock.advance(61_000);
      assert.deepEqual(runs, ['minute', 'minute'], 'due again a period after it last ran');
    } finally {
      minute.dispose();
      hour.dispose();
    }
  });

  it('a disposed timer no longer runs; reset() goes back to the system time', () => {
    const clock = new AdjustableClock();
    let runs = 0;
    clock.every(1000, () => runs++).dispose();
    clock.advance(5000);
    assert.equal(runs, 0);
    clock.reset();
    assert.ok(Math.abs(clock.now().getTime() - Date.now()) < 1000);
  });
});
