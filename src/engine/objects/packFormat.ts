// The bits of git's pack format the portable path writes itself: whole-object entries, OFS_DELTA
// distances, CRC-32s and version-2 pack indexes (see gitformat-pack(5)).
import { createHash } from 'node:crypto';
import { nodeZlib } from '../../core/builtins';

export const OBJ_OFS_DELTA = 6;
export const OBJ_REF_DELTA = 7;
const TYPE_CODES: Record<string, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
/** The whole-object type codes of pack entries. */
export const OBJECT_TYPES: Readonly<Record<number, 'commit' | 'tree' | 'blob' | 'tag'>> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };

/** The git sha of an object of this type and content. */
export function objectSha(type: string, content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/**
 * The zlib stream at `at` of `data` (ending by `end` at the latest), which its entry's header says
 * inflates to `size` bytes, and how many bytes of input it took. Its output is capped at `size` (a
 * stream that would give more is refused, not a heap filled); its input is not: a valid stream may
 * be longer than what it holds by more than stored blocks' 5 bytes per 64 KiB (fixed-Huffman blocks,
 * which zlib-ng writes at level 1, take up to 12.5% more), and zlib stops at the stream's end. The
 * output buffer is sized to the object (one byte more, so zlib ends the stream with room left and no
 * second buffer is made): one allocation, from Node's pool when small, instead of a fresh 16 KB chunk
 * per object (the default), which was a tenth of a 1% sync's reads at 100k files.
 */
export function inflateObject(data: Buffer, at: number, end: number, size: number): { data: Buffer; used: number } {
  const { buffer, engine } = nodeZlib().inflateSync(data.subarray(at, end), { info: true, chunkSize: Math.max(64, size + 1), maxOutputLength: Math.max(1, size) }) as unknown as {
    buffer: Buffer;
    engine: { bytesWritten: number };
  };
  if (buffer.length !== size) throw new Error(`an object at ${at} inflates to ${buffer.length} bytes, not ${size}`);
  return { data: buffer, used: engine.bytesWritten };
}

/** The object names of a version-2 pack index, in index order. */
export function idxOids(idx: Buffer): string[] {
  if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) throw new Error('not a version 2 pack index');
  const count = idx.readUInt32BE(8 + 255 * 4);
  const oids: string[] = [];
  for (let i = 0; i < count; i++) oids.push(idx.subarray(1032 + i * 20, 1052 + i * 20).toString('hex'));
  return oids;
}

/** The offsets of a version-2 pack index, in index order (large offsets included). */
export function idxOffsets(idx: Buffer): number[] {
  const count = idx.readUInt32BE(8 + 255 * 4);
  const at = 1032 + count * 24;
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const word = idx.readUInt32BE(at + i * 4);
    offsets.push(word & 0x80000000 ? Number(idx.readBigUInt64BE(at + count * 4 + (word & 0x7fffffff) * 8)) : word);
  }
  return offsets;
}

/** The CRC-32s of a version-2 pack index's entries, in index order. */
export function idxCrcs(idx: Buffer): number[] {
  const count = idx.readUInt32BE(8 + 255 * 4);
  const at = 1032 + count * 20;
  return Array.from({ length: count }, (_, i) => idx.readUInt32BE(at + i * 4));
}

/** A pack entry's header: its type code (1–4 whole, 6 OFS_DELTA, 7 REF_DELTA) and inflated size. */
export function entryHeader(code: number, size: number): Buffer {
  const header: number[] = [];
  let byte = (code << 4) | (size & 15);
  size = Math.floor(size / 16);
  while (size > 0) {
    header.push(byte | 0x80);
    byte = size & 0x7f;
    size = Math.floor(size / 128);
  }
  header.push(byte);
  return Buffer.from(header);
}

/** The header of the pack entry at `at`: its type code, its inflated size, and where the header ends. */
export function readEntryHeader(pack: Buffer, at: number): { code: number; size: number; end: number } {
  let byte = pack[at++] as number;
  const code = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80) {
    byte = pack[at++] as number;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  return { code, size, end: at };
}

/** A pack entry holding a whole object. */
export function wholeEntry(type: string, content: Uint8Array): Buffer {
  const code = TYPE_CODES[type];
  if (code === undefined) throw new Error(`cannot pack an object of type ${type}`);
  return Buffer.concat([entryHeader(code, content.length), nodeZlib().deflateSync(content)]);
}

/** The offset of an OFS_DELTA's base, in git's encoding; and where the encoding ends. */
export function readOfs(pack: Buffer, at: number): { distance: number; end: number } {
  let byte = pack[at++] as number;
  let distance = byte & 0x7f;
  while (byte & 0x80) {
    byte = pack[at++] as number;
    distance = (distance + 1) * 128 + (byte & 0x7f);
  }
  return { distance, end: at };
}

/** git's encoding of an OFS_DELTA's distance to its base (pack-objects' `dheader`). */
export function writeOfs(distance: number): Buffer {
  const bytes = [distance & 0x7f];
  let d = Math.floor(distance / 128);
  while (d > 0) {
    d -= 1;
    bytes.unshift((d & 0x7f) | 0x80);
    d = Math.floor(d / 128);
  }
  return Buffer.from(bytes);
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** Node's own (20.15 and later), in C: about 50 times the loop below, which older Nodes use. Null: none. */
let nativeCrc32: ((data: Uint8Array) => number) | null | undefined;

export function crc32(data: Uint8Array): number {
  nativeCrc32 ??= (nodeZlib() as { crc32?: (data: Uint8Array) => number }).crc32 ?? null;
  if (nativeCrc32) return nativeCrc32(data) >>> 0;
  let c = -1;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** A version-2 pack index for `entries` of the pack whose checksum is `packSha`. */
export function packIndex(entries: { oid: string; offset: number; crc: number }[], packSha: Buffer): Buffer {
  const sorted = [...entries].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const fanout = Buffer.alloc(1024);
  for (const e of sorted) for (let b = parseInt(e.oid.slice(0, 2), 16); b < 256; b++) fanout.writeUInt32BE(fanout.readUInt32BE(b * 4) + 1, b * 4);
  const shas = Buffer.concat(sorted.map((e) => Buffer.from(e.oid, 'hex')));
  const crcs = Buffer.alloc(sorted.length * 4);
  const small = Buffer.alloc(sorted.length * 4);
  const large: Buffer[] = [];
  sorted.forEach((e, i) => {
    crcs.writeUInt32BE(e.crc, i * 4);
    if (e.offset < 0x80000000) small.writeUInt32BE(e.offset, i * 4);
    else {
      small.writeUInt32BE((0x80000000 | large.length) >>> 0, i * 4);
      const big = Buffer.alloc(8);
      big.writeBigUInt64BE(BigInt(e.offset));
      large.push(big);
    }
  });
  const body = Buffer.concat([Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2]), fanout, shas, crcs, small, ...large, packSha]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

