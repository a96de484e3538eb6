// The blob index (memory.blobs in the storage folder): where the facts made for each blob stand in
// the memory files, so a sync finds the facts of a blob any earlier link analysed (another branch, a
// branch switched back, a file renamed) without reading every memory file: each blob is analysed
// once. It is a cache derived from the memory files, appended to before the commit naming one:
// 36-byte records (the blob's sha, the history's epoch, the commit's index, the facts' byte offset
// and length in its memory file). Nothing in it is trusted: a location is used only when the
// commit at that index still names a memory file, the bytes there parse as facts and those facts
// are of that blob. A record of another history (one moved aside, then started afresh) has another
// epoch; the file is started again by the first append that sees one. A missing, truncated or
// damaged file loses nothing but reuse: the blob is analysed again.
import { createHash } from 'node:crypto';
import type { Logger } from '../core/logger';
import type { FileOps } from './fsOps';

export const BLOB_INDEX_FILE = 'memory.blobs';

const MAGIC = Buffer.from('PSBLOBS1', 'latin1');
/** Bytes per record. */
export const BLOB_RECORD_BYTES = 36;
const RECORD = BLOB_RECORD_BYTES;

/** Where one blob's facts were written: which commit's memory file, and where in it. */
export interface FactsLocation {
  commit: number;
  offset: number;
  length: number;
}

/**
 * Where each fact of a memory file being written stands in it, as the index's own records with the
 * epoch and commit left to `append` (which knows them): one buffer grown by doubling, no string or
 * number per fact on the heap (at 100k facts, a sha string each was 6 MB kept to the sync's end).
 */
export class FactLocations {
  private records = Buffer.allocUnsafe(RECORD * 256);
  private count = 0;

  add(blobSha: string, offset: number, length: number): void {
    const at = this.count * RECORD;
    if (at + RECORD > this.records.length) {
      const grown = Buffer.allocUnsafe(this.records.length * 2);
      this.records.copy(grown, 0, 0, at);
      this.records = grown;
    }
    // Not 20 bytes of hex (validation keeps such shas out): the rest zeroed, never stale memory.
    const n = this.records.write(blobSha, at, 20, 'hex');
    if (n < 20) this.records.fill(0, at + n, at + 20);
    this.records.writeUInt32LE(offset, at + 28);
    this.records.writeUInt32LE(length, at + 32);
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** The `i`th fact's blob and where it stands in the memory file. */
  at(i: number): { blobSha: string; offset: number; length: number } {
    const at = i * RECORD;
    return { blobSha: this.records.toString('hex', at, at + 20), offset: this.records.readUInt32LE(at + 28), length: this.records.readUInt32LE(at + 32) };
  }

  /** The records, stamped with the history's epoch and the commit's index (this object's own bytes). */
  stamped(epoch: number, commit: number): Buffer {
    const out = this.records.subarray(0, this.count * RECORD);
    for (let at = 0; at < out.length; at += RECORD) {
      out.writeUInt32LE(epoch, at + 20);
      out.writeUInt32LE(commit, at + 24);
    }
    return out;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A word read from bytes in big-endian order, as a Uint32Array on this platform reads the same bytes. */
function platformWord(bigEndian: number): number {
  if (!LITTLE_ENDIAN) return bigEndian >>> 0;
  return (((bigEndian & 0xff) << 24) | ((bigEndian & 0xff00) << 8) | ((bigEndian >>> 8) & 0xff00) | (bigEndian >>> 24)) >>> 0;
}

/** The epoch of a history: from its first commit, which no later write changes. */
export function historyEpoch(firstSyncId: string): number {
  return createHash('sha1').update(firstSyncId).digest().readUInt32LE(0);
}

export class BlobIndex {
  constructor(
    private readonly files: FileOps,
    private readonly logger: Logger,
  ) {}

  /** Record where commit `commit` of the history `epoch` writes the facts of these blobs. */
  async append(epoch: number, commit: number, located: FactLocations): Promise<void> {
    if (located.size === 0) return;
    const head = await this.files.readRanges(BLOB_INDEX_FILE, [{ offset: 0, length: MAGIC.length + RECORD }]);
    const first = head?.[0];
    const fresh = !first || first.length < MAGIC.length || !first.subarray(0, MAGIC.length).equals(MAGIC);
    const foreign = !fresh && first.length === MAGIC.length + RECORD && first.readUInt32LE(MAGIC.length + 20) !== epoch;
    const records = located.stamped(epoch, commit);
    const buf = fresh || foreign ? Buffer.concat([MAGIC, records]) : records;
    const size = fresh || foreign ? 0 : ((await this.files.sizeOf(BLOB_INDEX_FILE)) ?? 0);
    if (fresh || foreign) {
      await this.files.writeAtomic(BLOB_INDEX_FILE, buf);
    } else if ((size - MAGIC.length) % RECORD !== 0) {
      // A record cut short by a crash mid-append: dropped, so the new ones stay aligned.
      const kept = ((await this.files.readBytes(BLOB_INDEX_FILE)) ?? MAGIC).subarray(0, size - ((size - MAGIC.length) % RECORD));
      await this.files.writeAtomic(BLOB_INDEX_FILE, Buffer.concat([kept, buf]));
    } else {
      await this.files.append(BLOB_INDEX_FILE, buf);
    }
  }

  /** The index's size in bytes (0 when missing): what a lookup reads. */
  async bytes(): Promise<number> {
    return (await this.files.sizeOf(BLOB_INDEX_FILE).catch(() => undefined)) ?? 0;
  }

  /** Every recorded location of these blobs in the history `epoch`, newest first. */
  async find(epoch: number, blobShas: ReadonlySet<string>): Promise<Map<string, FactsLocation[]>> {
    const found = new Map<string, FactsLocation[]>();
    if (blobShas.size === 0) return found;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.files.readBytes(BLOB_INDEX_FILE);
    } catch (e) {
      this.logger.debug(`${BLOB_INDEX_FILE} is not readable (${String(e)})`);
      return found;
    }
    if (!bytes || bytes.length < MAGIC.length) return found;
    // Aligned for a word view (a fresh read is; a copy otherwise).
    const buf = bytes.byteOffset % 4 === 0 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes);
    if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return found;
    // A record's first four bytes, read as one word in the platform's order, screen it through a
    // bitmap of their top 20 bits (a lookup, no hashing: about 1 ms per 100k records); only those
    // that pass are turned into hex and compared.
    const screen = new Uint8Array(1 << 17);
    for (const sha of blobShas) {
      const k = platformWord(Number.parseInt(sha.slice(0, 8), 16)) >>> 12;
      screen[k >>> 3] = (screen[k >>> 3] as number) | (1 << (k & 7));
    }
    // A record cut short by a crash mid-append is left out.
    const records = Math.floor((buf.length - MAGIC.length) / RECORD);
    const words = new Uint32Array(buf.buffer, buf.byteOffset + MAGIC.length, (records * RECORD) / 4);
    const WORDS = RECORD / 4;
    for (let r = records - 1; r >= 0; r--) {
      const k = (words[r * WORDS] as number) >>> 12;
      if (((screen[k >>> 3] as number) & (1 << (k & 7))) === 0) continue;
      const at = MAGIC.length + r * RECORD;
      if (buf.readUInt32LE(at + 20) !== epoch) continue;
      const sha = buf.toString('hex', at, at + 20);
      if (!blobShas.has(sha)) continue;
      let list = found.get(sha);
      if (!list) found.set(sha, (list = []));
      list.push({ commit: buf.readUInt32LE(at + 24), offset: buf.readUInt32LE(at + 28), length: buf.readUInt32LE(at + 32) });
    }
    return found;
  }
}
