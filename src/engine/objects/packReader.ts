// Objects read straight from the cache repository's packs, for the portable path's hot reads (the
// trees of a diff, the blobs of a change, a thin pack's bases). isomorphic-git parses each pack
// index into a Map of every object name, inflates with a JavaScript zlib and reads the loose path
// first; here an object is found by a binary search of the index as it is on disk, inflated with
// Node's zlib, and a delta's bases resolved once (a small cache of the bases read). Anything this
// does not read (an index of another version, an object no pack holds) is left to isomorphic-git.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { SyncError } from '../../core/errors';
import { inflateObject, OBJ_OFS_DELTA, OBJ_REF_DELTA, OBJECT_TYPES, readEntryHeader, readOfs } from './packFormat';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';
export interface GitObject {
  type: ObjectType;
  object: Buffer;
}

const TYPES: Readonly<Record<number, ObjectType>> = OBJECT_TYPES;
/**
 * Objects read, kept for the next read of them or of a delta on them (git's delta_base_cache is
 * 96 MiB): one sync reads the same objects several times (a thin pack's bases, then the diff's
 * sizes of both sides of a change, then the new blobs' content).
 */
const CACHE_BYTES = 32 * 1024 * 1024;

/** Thrown when a pack or index is in a form this reader leaves to isomorphic-git. */
export class Unsupported extends Error {}

/**
 * Objects that are each other's delta base, across packs or within one (thin packs that both lack
 * the base they name, a damaged pack): no reading ends. Said at the first repeat instead of
 * following the cycle until the heap is gone.
 */
export class DeltaCycleError extends SyncError {
  /** `chain`: the pack entries read, as `<index name>:<offset>`, the last one a repeat. */
  constructor(chain: readonly string[]) {
    super('STORAGE_ERROR', `The content cache is damaged: its pack entries are deltas on each other (${chain.map((k) => k.replace(/\.idx:(\d+)$/, '.pack at $1')).join(' → ')}).`, {
      hint: 'Delete the objects.git folder of the storage folder (it holds only what the network gives again), then sync again.',
    });
  }
}

interface OpenPack {
  name: string;
  idx: Buffer;
  count: number;
  data?: Promise<Buffer>;
  /** Every entry's offset, in pack order (where each entry ends): built on first need. */
  sorted?: Float64Array;
}

export class PackReader {
  private readonly packs = new Map<string, Promise<OpenPack>>();
  /** Objects read, by name (`oid`), and the delta bases resolved on the way, by place (`pack:offset`). */
  private readonly objects = new Map<string, GitObject>();
  private cachedBytes = 0;

  /**
   * `listPacks`: the names in the pack folder; `borrow`: the pack's bytes when they are in memory
   * already, checked (isomorphic-git loaded them, or this cache wrote the pack: IsoGitRepo.adoptPack;
   * not checked again here), so one sync does not hold or read a pack twice; `readAny`: any object
   * (a REF_DELTA's base may be anywhere), `via` the pack entries whose reading waits for it (passed
   * back to read(): see DeltaCycleError).
   */
  constructor(
    private readonly packDir: string,
    private readonly listPacks: () => Promise<string[]>,
    private readonly borrow: (idxFile: string) => Promise<Buffer | undefined>,
    private readonly readAny: (oid: string, via: readonly string[]) => Promise<GitObject>,
  ) {}

  /**
   * Packs no longer listed are forgotten, with the bases read by their place in them. An object kept
   * by its name stays: it is the same whichever pack holds it (pack names are their checksums too).
   */
  forget(listed: ReadonlySet<string>): void {
    for (const name of [...this.packs.keys()]) if (!listed.has(name)) this.packs.delete(name);
    for (const [key, found] of [...this.objects]) {
      const colon = key.indexOf(':');
      if (colon >= 0 && !listed.has(key.slice(0, colon))) this.uncache(key, found);
    }
  }

  private uncache(key: string, found: GitObject): void {
    this.objects.delete(key);
    this.cachedBytes -= found.object.length;
  }

  private keep(key: string, found: GitObject): void {
    if (found.object.length > CACHE_BYTES / 8 || this.objects.has(key)) return;
    this.objects.set(key, found);
    this.cachedBytes += found.object.length;
    for (const [k, v] of this.objects) {
      if (this.cachedBytes <= CACHE_BYTES) break;
      this.uncache(k, v);
    }
  }

  /**
   * The object `oid` from the first pack that holds it; undefined when none does. `take`: the caller
   * keeps the bytes (they may be changed or handed on): they are not kept, nor shared, here. `via`:
   * the pack entries being read that wait for this object as their delta base (see readAny).
   */
  async read(oid: string, take = false, via: readonly string[] = []): Promise<GitObject | undefined> {
    const kept = this.objects.get(oid);
    if (kept) return this.handOut(oid, kept, take);
    const held = await this.locate(oid);
    if (!held) return undefined;
    const found = await this.at(held.pack, offsetAt(held.pack, held.i), take, false, via);
    if (!take) this.keep(oid, found);
    return found;
  }

  /** The first pack whose index lists `oid`, and its position there. */
  private async locate(oid: string): Promise<{ pack: OpenPack; i: number } | undefined> {
    const key = Buffer.from(oid, 'hex');
    if (key.length !== 20) return undefined;
    for (const name of await this.listPacks()) {
      if (!name.endsWith('.idx')) continue;
      const pack = await this.open(name);
      const i = position(pack, key);
      if (i !== undefined) return { pack, i };
    }
    return undefined;
  }

  /**
   * The pack entry of `oid` as it is stored, with its CRC-32, when a pack holds it whole (not as a
   * delta): to be copied into another pack without inflating and deflating it again.
   */
  async wholeEntry(oid: string): Promise<{ entry: Buffer; crc: number } | undefined> {
    const held = await this.locate(oid);
    if (!held) return undefined;
    const { pack, i } = held;
    const offset = offsetAt(pack, i);
    const data = await this.data(pack);
    const code = ((data[offset] as number) >> 4) & 7;
    if (!TYPES[code]) return undefined;
    pack.sorted ??= Float64Array.from({ length: pack.count }, (_, j) => offsetAt(pack, j)).sort();
    // The first entry after this one (a binary search), else the trailer.
    let lo = 0;
    let hi = pack.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((pack.sorted[mid] as number) <= offset) lo = mid + 1;
      else hi = mid;
    }
    const end = lo < pack.sorted.length ? (pack.sorted[lo] as number) : data.length - 20;
    return { entry: data.subarray(offset, end), crc: pack.idx.readUInt32BE(1032 + pack.count * 20 + i * 4) };
  }

  private open(name: string): Promise<OpenPack> {
    let opened = this.packs.get(name);
    if (!opened) {
      opened = fsp.readFile(path.join(this.packDir, name)).then((idx) => {
        if (idx.length < 1072 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) throw new Unsupported(`${name} is not a version 2 pack index`);
        return { name, idx, count: idx.readUInt32BE(8 + 255 * 4) };
      });
      this.packs.set(name, opened);
      const settled = opened;
      settled.catch(() => {
        if (this.packs.get(name) === settled) this.packs.delete(name);
      });
    }
    return opened;
  }

  private data(pack: OpenPack): Promise<Buffer> {
    if (!pack.data) {
      const idxFile = path.join(this.packDir, pack.name);
      const loading = this.borrow(idxFile).then(async (borrowed) => {
        if (borrowed) return borrowed;
        const file = idxFile.replace(/\.idx$/, '.pack');
        const bytes = await fsp.readFile(file);
        verifyPack(bytes, pack.idx.subarray(pack.idx.length - 40, pack.idx.length - 20).toString('hex'));
        return bytes;
      });
      pack.data = loading;
      loading.catch(() => {
        if (pack.data === loading) delete pack.data;
      });
    }
    return pack.data;
  }

  /** A kept object, shared as it is; or (`take`) no longer kept under `key`, and a copy: its bytes may be kept under its other key too (name or place). */
  private handOut(key: string, kept: GitObject, take: boolean): GitObject {
    if (!take) return kept;
    this.uncache(key, kept);
    return { type: kept.type, object: Buffer.from(kept.object) };
  }

  /**
   * The object whose entry starts at `offset` of `pack`, kept by its place when it is an OFS_DELTA's
   * `base`; `take`: the caller keeps it (then it is no longer kept here). `via`: the pack entries
   * (`pack:offset`) whose reading led here. An entry already on that chain is a cycle no reading
   * ends (the same object may well come twice, as two entries: a thin pack's delta on it, and its
   * whole copy in another pack).
   */
  private async at(pack: OpenPack, offset: number, take: boolean, base: boolean, via: readonly string[]): Promise<GitObject> {
    const cacheKey = `${pack.name}:${offset}`;
    const cached = this.objects.get(cacheKey);
    if (cached) return this.handOut(cacheKey, cached, take);
    if (via.includes(cacheKey)) throw new DeltaCycleError([...via, cacheKey]);
    const data = await this.data(pack);
    const { code, size, end: p } = readEntryHeader(data, offset);
    let found: GitObject;
    if (code === OBJ_OFS_DELTA) {
      const { distance, end } = readOfs(data, p);
      if (distance <= 0 || distance > offset) throw new Error(`bad delta base offset in ${pack.name} at ${offset}`);
      const base = await this.at(pack, offset - distance, false, true, [...via, cacheKey]);
      found = { type: base.type, object: applyDelta(inflate(data, end, size, pack.name), base.object) };
    } else if (code === OBJ_REF_DELTA) {
      // The base from this pack when it holds it, as git does, else from any pack: the first pack
      // listed could hold it as a delta on this very object (a thin pack's), a cycle that never ends.
      const inPack = position(pack, data.subarray(p, p + 20));
      const chain = [...via, cacheKey]; // a whole object (most of them) needs none
      const base = inPack !== undefined ? await this.at(pack, offsetAt(pack, inPack), false, true, chain) : await this.readAny(data.toString('hex', p, p + 20), chain);
      found = { type: base.type, object: applyDelta(inflate(data, p + 20, size, pack.name), base.object) };
    } else {
      const type = TYPES[code];
      if (!type) throw new Error(`unknown object type ${code} in ${pack.name} at ${offset}`);
      found = { type, object: inflate(data, p, size, pack.name) };
    }
    if (base) this.keep(cacheKey, found);
    return found;
  }
}

/** The offset of the `i`th object of `pack`'s index (large offsets included). */
function offsetAt(pack: OpenPack, i: number): number {
  const { idx, count } = pack;
  const word = idx.readUInt32BE(1032 + count * 24 + i * 4);
  if (!(word & 0x80000000)) return word;
  return Number(idx.readBigUInt64BE(1032 + count * 28 + (word & 0x7fffffff) * 8));
}

/** Where object `key` is in `pack`'s index, by the fan-out table and a binary search. */
function position(pack: OpenPack, key: Buffer): number | undefined {
  const { idx } = pack;
  const first = key[0] as number;
  let lo = first === 0 ? 0 : idx.readUInt32BE(8 + (first - 1) * 4);
  let hi = idx.readUInt32BE(8 + first * 4);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = 1032 + mid * 20;
    const cmp = key.compare(idx, at, at + 20);
    if (cmp === 0) return mid;
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

/** The zlib stream at `at` of `data`, which inflates to `size` bytes (see inflateObject). */
function inflate(data: Buffer, at: number, size: number, name: string): Buffer {
  try {
    return inflateObject(data, at, data.length - 20, size).data;
  } catch (e) {
    throw new Error(`an object in ${name} at ${at}: ${(e as Error).message}`, { cause: e });
  }
}

/** git's delta format: the source and target sizes, then copy (from the base) and insert instructions. */
export function applyDelta(delta: Buffer, base: Buffer): Buffer {
  let p = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = delta[p++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && p < delta.length);
    return value;
  };
  const sourceSize = varint();
  if (sourceSize !== base.length) throw new Error(`a delta expects a base of ${sourceSize} bytes, not ${base.length}`);
  const targetSize = varint();
  const out = Buffer.allocUnsafe(targetSize);
  let o = 0;
  while (p < delta.length) {
    const op = delta[p++] as number;
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      if (op & 0x01) offset |= delta[p++] as number;
      if (op & 0x02) offset |= (delta[p++] as number) << 8;
      if (op & 0x04) offset |= (delta[p++] as number) << 16;
      if (op & 0x08) offset += (delta[p++] as number) * 2 ** 24;
      if (op & 0x10) length |= delta[p++] as number;
      if (op & 0x20) length |= (delta[p++] as number) << 8;
      if (op & 0x40) length |= (delta[p++] as number) << 16;
      if (length === 0) length = 0x10000;
      if (offset + length > base.length || o + length > targetSize) throw new Error('a delta copies beyond its base or target');
      base.copy(out, o, offset, offset + length);
      o += length;
    } else if (op > 0) {
      if (p + op > delta.length || o + op > targetSize) throw new Error('a delta inserts beyond its target');
      delta.copy(out, o, p, p + op);
      o += op;
      p += op;
    } else {
      throw new Error('a delta holds the reserved instruction 0');
    }
  }
  if (o !== targetSize) throw new Error(`a delta builds ${o} bytes, not ${targetSize}`);
  return out;
}

/**
 * The check git makes of a pack it opens: its trailer is the checksum its index names. The checksum
 * itself is not computed again over the whole pack at each read (isomorphic-git does; that was
 * 0.11 s of every 1% sync at 100k files, growing with the repository): as in git, each object's
 * zlib stream carries its own checksum (Adler-32, checked as it inflates) and its size is checked
 * against its header, so damage still fails the read that meets it.
 */
function verifyPack(pack: Buffer, expected: string): void {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw new Error(`Packfile damaged: no PACK header (expected ${expected}). The packfile may be corrupted.`);
  const trailer = pack.toString('hex', pack.length - 20);
  if (trailer !== expected) throw new Error(`Packfile trailer mismatch: expected ${expected}, got ${trailer}. The packfile may be corrupted.`);
}
