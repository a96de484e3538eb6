import assert from 'node:assert/strict';
import { Channel, Throttle } from '../../src/core/channel';

async function collect<E, T>(gen: AsyncGenerator<E, T>): Promise<{ events: E[]; value: T }> {
  const events: E[] = [];
  for (;;) {
    const s = await gen.next();
    if (s.done) return { events, value: s.value };
    events.push(s.value);
  }
}

describe('Channel', () => {
  it('yields events pushed while a promise is pending, then returns its value', async () => {
    const ch = new Channel<number>();
    const work = (async () => {
      for (let i = 1; i <= 3; i++) {
        ch.push(i);
        await new Promise((r) => setImmediate(r));
      }
      ch.push(4);
      return 'ok';
    })();
    const { events, value } = await collect(ch.until(work));
    assert.deepEqual(events, [1, 2, 3, 4]);
    assert.equal(value, 'ok');
  });

  it('delivers the events pushed before a rejection, then throws it', async () => {
    const ch = new Channel<string>();
    const work = (async () => {
      ch.push('a');
      throw new Error('boom');
    })();
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const e of ch.until(work)) seen.push(e);
    }, /boom/);
    assert.deepEqual(seen, ['a']);
  });
});

describe('Throttle', () => {
  it('lets one event through per interval unless forced', () => {
    let t = 0;
    const th = new Throttle(50, () => t);
    assert.equal(th.ready(), true);
    t = 10;
    assert.equal(th.ready(), false);
    assert.equal(th.ready(true), true);
    t = 70;
    assert.equal(th.ready(), true);
  });
});
