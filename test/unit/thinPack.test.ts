// The pure pieces of the portable path's thin fetch and cache compaction.
import assert from 'node:assert/strict';
import { crc32, readOfs, writeOfs } from '../../src/engine/objects/packFormat';
import { withCapabilities } from '../../src/engine/objects/thinPack';

const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
const want = 'a'.repeat(40);
const have = 'b'.repeat(40);
const request = (withHave: boolean) =>
  Buffer.from(`${pkt(`want ${want} multi_ack_detailed side-band-64k ofs-delta agent=x\n`)}${pkt(`shallow ${have}\n`)}${pkt('deepen 1\n')}0000${withHave ? pkt(`have ${have}\n`) : ''}${pkt('done\n')}`, 'latin1');

describe('thin pack request', () => {
  it('adds thin-pack and no-progress to the first want line when the request sends haves, fixing its length', () => {
    const out = Buffer.from(withCapabilities(request(true), ['thin-pack', 'no-progress'])).toString('latin1');
    const first = pkt(`want ${want} multi_ack_detailed side-band-64k ofs-delta agent=x thin-pack no-progress\n`);
    assert.ok(out.startsWith(first), out);
    assert.equal(out.slice(first.length), request(true).toString('latin1').slice(pkt(`want ${want} multi_ack_detailed side-band-64k ofs-delta agent=x\n`).length));
  });

  it('asks for no thin pack without haves, and for nothing the server did not offer', () => {
    const out = Buffer.from(withCapabilities(request(false), ['thin-pack', 'no-progress'])).toString('latin1');
    assert.ok(out.startsWith(pkt(`want ${want} multi_ack_detailed side-band-64k ofs-delta agent=x no-progress\n`)), out);
    assert.deepEqual(withCapabilities(request(true), []), request(true));
    assert.deepEqual(withCapabilities(Buffer.from('0000', 'latin1'), ['thin-pack']), Buffer.from('0000', 'latin1'));
  });
});

describe('cache compaction encodings', () => {
  it("writes an OFS_DELTA distance as git does and reads it back", () => {
    // git's encoding: 127 is one byte; 128 is 0x80 0x00; 16511 (128 + 128²−1) is 0xff 0x7f.
    assert.deepEqual([...writeOfs(127)], [0x7f]);
    assert.deepEqual([...writeOfs(128)], [0x80, 0x00]);
    assert.deepEqual([...writeOfs(16511)], [0xff, 0x7f]);
    for (const d of [1, 127, 128, 255, 16383, 16384, 16511, 16512, 2_097_151, 123_456_789, 2 ** 31 + 5]) {
      const bytes = writeOfs(d);
      assert.deepEqual(readOfs(Buffer.concat([Buffer.from([9]), bytes]), 1), { distance: d, end: 1 + bytes.length }, String(d));
    }
  });

  it('computes the CRC-32 of a pack index entry', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.alloc(0)), 0);
  });
});
