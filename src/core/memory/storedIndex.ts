// A search index that is written to disk whole and opened again with one read: the engine's frozen
// segment (core/memory/engine.ts) as typed-array views of the file, plus each document's entry as
// JSON, decoded only for the documents a query returns. Entries belong to groups (repositories); a
// path is unique within its group. Changes after opening go into a small overlay (introduced entries)
// and a mask (superseded ones); `toBytes` folds them into a new file.
//
// File: "PSMI", format version (u32), header length (u32), checksum of everything after the first
// 16 bytes (u32), the header (JSON: caller's metadata, groups, section offsets), then the sections,
// each 8-byte aligned. Anything that does not check out throws UnusableIndexError.
import * as zlib from 'node:zlib';
import { buildSegment, F, mergeSegments, searchParts, Segment, type Part, type Searchable, type Totals } from './engine';

const MAGIC = 0x494d5350; // "PSMI" little-endian
/** 4: a file standing for its folder (index.js, __init__.py, mod.rs) is named by the folder too (tokens.ts baseName). */
export const STORED_INDEX_VERSION = 4;

/** The index file is missing parts, damaged, or of another format version: rebuild it. */
export class UnusableIndexError extends Error {}

/** An entry as stored: what a query returns for it. */
export type StoredEntry = Searchable;

const SECTIONS = ['terms', 'termStart', 'post', 'postings', 'lengths', 'groups', 'paths', 'pathStart', 'byPath', 'payload', 'payloadStart'] as const;
type SectionName = (typeof SECTIONS)[number];

interface Header {
  meta: unknown;
  groups: string[];
  /** The keys of an entry but its path, in the order of the values of a stored entry (an array). */
  keys: string[];
  checksum: 'crc32' | 'fold';
  /** How the text sections are encoded: UTF-8 when that keeps them exactly (no lone surrogates). */
  text: 'utf8' | 'utf16le';
  sections: Record<SectionName, [number, number]>;
}

function checksum(bytes: Uint8Array, kind: Header['checksum']): number {
  if (kind === 'crc32') {
    const crc = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
    if (!crc) throw new UnusableIndexError('written with a CRC-32 this Node.js cannot compute');
    return crc(bytes);
  }
  // FNV-1a over 32-bit words, then the tail bytes.
  let h = 0x811c9dc5;
  const words = Math.floor(bytes.byteLength / 4);
  const aligned = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, words) : new Uint32Array(bytes.slice(0, words * 4).buffer);
  for (let i = 0; i < words; i++) h = Math.imul(h ^ (aligned[i] as number), 16777619);
  for (let i = words * 4; i < bytes.byteLength; i++) h = Math.imul(h ^ (bytes[i] as number), 16777619);
  return h >>> 0;
}

const preferredChecksum = (): Header['checksum'] => (typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? 'crc32' : 'fold');

interface Base {
  segment: Segment;
  payload: Uint8Array;
  payloadStart: Uint32Array;
  keys: string[];
}

/**
 * An entry as stored: its values but the path (the segment has it) as a JSON array in the order of
 * `keys`; an entry with other keys (none in practice) as a JSON object.
 */
function encodeEntry(e: StoredEntry, keys: readonly string[]): string {
  const own = Object.keys(e).filter((k) => k !== 'path');
  const record = e as unknown as Record<string, unknown>;
  if (own.length !== keys.length || !keys.every((k) => k in record && record[k] !== undefined)) {
    const { path: _path, ...rest } = e;
    return JSON.stringify(rest);
  }
  return JSON.stringify(keys.map((k) => record[k]));
}

const decoder = new TextDecoder();

export class StoredIndex<T extends StoredEntry> {
  private dead: Uint8Array;
  private deadCount = 0;
  /** Per group: the masked documents' totals (the live ones' are the group's minus these). */
  private readonly deadTotals = new Map<number, Totals>();
  /** Introduced since the base was built: `${group}\0${path}` → entry. */
  private readonly overlay = new Map<string, { group: number; entry: T }>();
  private overlayBuilt: { segment: Segment; entries: T[] } | undefined;
  private readonly groupIds: Map<string, number>;

  private constructor(
    private readonly base: Base,
    private readonly groups: string[],
    /** What the caller says the index reflects (e.g. the commits it covers). */
    public meta: unknown,
  ) {
    this.dead = new Uint8Array(base.segment.n);
    this.groupIds = new Map(groups.map((g, i) => [g, i]));
  }

  /** Index the entries of each group. */
  static build<T extends StoredEntry>(groups: ReadonlyMap<string, readonly T[]>, meta: unknown): StoredIndex<T> {
    const names = [...groups.keys()];
    const all: T[] = [];
    const groupOf: number[] = [];
    names.forEach((g, gi) => {
      for (const e of groups.get(g) ?? []) {
        all.push(e);
        groupOf.push(gi);
      }
    });
    const { segment, order } = buildSegment(all, (i) => groupOf[i] as number);
    const keys = all.length > 0 ? Object.keys(all[0] as T).filter((k) => k !== 'path') : [];
    const texts = Array.from(order, (i) => encodeEntry(all[i] as T, keys));
    const payloadStart = new Uint32Array(texts.length + 1);
    const chunks = texts.map((t) => Buffer.from(t, 'utf8'));
    chunks.forEach((c, d) => (payloadStart[d + 1] = (payloadStart[d] as number) + c.byteLength));
    return new StoredIndex<T>({ segment, payload: Buffer.concat(chunks), payloadStart, keys }, names, meta);
  }

  /** Open a file's bytes (they are used in place: do not change them). Throws UnusableIndexError. */
  static open<T extends StoredEntry>(file: Uint8Array): StoredIndex<T> {
    try {
      return StoredIndex.decode<T>(file);
    } catch (e) {
      if (e instanceof UnusableIndexError) throw e;
      throw new UnusableIndexError(`damaged: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private static decode<T extends StoredEntry>(file: Uint8Array): StoredIndex<T> {
    const bytes = file.byteOffset % 8 === 0 ? file : file.slice();
    if (bytes.byteLength < 16) throw new UnusableIndexError('truncated');
    const head = new DataView(bytes.buffer, bytes.byteOffset, 16);
    if (head.getUint32(0, true) !== MAGIC) throw new UnusableIndexError('not an index file');
    const version = head.getUint32(4, true);
    if (version !== STORED_INDEX_VERSION) throw new UnusableIndexError(`format version ${version}, this is ${STORED_INDEX_VERSION}`);
    const headerLength = head.getUint32(8, true);
    if (16 + headerLength > bytes.byteLength) throw new UnusableIndexError('truncated');
    const header = JSON.parse(decoder.decode(bytes.subarray(16, 16 + headerLength))) as Header;
    if (checksum(bytes.subarray(16), header.checksum) !== head.getUint32(12, true)) throw new UnusableIndexError('damaged (checksum)');
    const view = <A>(name: SectionName, Kind: { new (b: ArrayBuffer, o: number, n: number): A; BYTES_PER_ELEMENT: number }): A => {
      const [offset, length] = header.sections[name];
      if (offset % 8 !== 0 || offset + length > bytes.byteLength || length % Kind.BYTES_PER_ELEMENT !== 0) throw new UnusableIndexError(`damaged (section ${name})`);
      return new Kind(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, length / Kind.BYTES_PER_ELEMENT);
    };
    const text = (name: SectionName): string => {
      const [offset, length] = header.sections[name];
      return Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString(header.text === 'utf8' ? 'utf8' : 'utf16le');
    };
    const segment = new Segment(
      text('terms'),
      view('termStart', Uint32Array),
      view('post', Uint32Array),
      view('postings', Uint8Array),
      view('lengths', Uint16Array),
      view('groups', Uint16Array),
      text('paths'),
      view('pathStart', Uint32Array),
      view('byPath', Uint32Array),
    );
    const payloadStart = view('payloadStart', Uint32Array);
    const n = segment.n;
    const T = segment.termCount;
    if (
      n < 0 ||
      T < 0 ||
      segment.post.length !== T * F + 1 ||
      segment.lengths.length !== n * F ||
      segment.groups.length !== n ||
      segment.byPath.length !== n ||
      payloadStart.length !== n + 1 ||
      segment.post[T * F] !== segment.postings.byteLength ||
      segment.termStart[T] !== segment.terms.length ||
      segment.pathStart[n] !== segment.paths.length ||
      !Array.isArray(header.groups)
    ) {
      throw new UnusableIndexError('damaged (sizes)');
    }
    const payload = view('payload', Uint8Array);
    if (payloadStart[n] !== payload.byteLength || !Array.isArray(header.keys)) throw new UnusableIndexError('damaged (payload)');
    return new StoredIndex<T>({ segment, payload, payloadStart, keys: header.keys.map(String) }, header.groups.map(String), header.meta);
  }

  /** The file: the base with the overlay and the mask folded in. */
  toBytes(): Uint8Array {
    return (this.overlay.size > 0 || this.deadCount > 0 ? this.folded() : this).encode();
  }

  /**
   * The base with the overlay and the mask folded in, without decoding or tokenizing the base's
   * entries again (engine.ts mergeSegments; a kept entry's stored bytes are copied as they are).
   */
  private folded(): StoredIndex<T> {
    const overlay = this.overlaySegment();
    const { segment, from } = mergeSegments(this.base.segment, this.deadCount > 0 ? this.dead : null, overlay.segment);
    const first = overlay.entries[0];
    const keys = this.base.segment.n === 0 && first ? Object.keys(first).filter((k) => k !== 'path') : this.base.keys;
    const { payload, payloadStart } = this.base;
    const chunks: Uint8Array[] = [];
    const starts = new Uint32Array(from.length + 1);
    from.forEach((src, k) => {
      const chunk = src >= 0 ? payload.subarray(payloadStart[src], payloadStart[src + 1]) : Buffer.from(encodeEntry(overlay.entries[-1 - src] as T, keys), 'utf8');
      chunks.push(chunk);
      starts[k + 1] = (starts[k] as number) + chunk.byteLength;
    });
    return new StoredIndex<T>({ segment, payload: Buffer.concat(chunks), payloadStart: starts, keys }, [...this.groups], this.meta);
  }

  /** The overlay's entries as a segment (built when it changed), in the segment's document order. */
  private overlaySegment(): { segment: Segment; entries: T[] } {
    if (!this.overlayBuilt) {
      const list = [...this.overlay.values()];
      const { segment, order } = buildSegment(
        list.map((o) => o.entry),
        (i) => (list[i] as { group: number }).group,
      );
      this.overlayBuilt = { segment, entries: Array.from(order, (i) => (list[i] as { entry: T }).entry) };
    }
    return this.overlayBuilt;
  }

  private encode(): Uint8Array {
    const seg = this.base.segment;
    const text: Header['text'] = [seg.terms, seg.paths].every((t) => Buffer.from(t, 'utf8').toString('utf8') === t) ? 'utf8' : 'utf16le';
    const parts: Record<SectionName, Uint8Array> = {
      terms: Buffer.from(seg.terms, text),
      termStart: bytesOf(seg.termStart),
      post: bytesOf(seg.post),
      postings: seg.postings,
      lengths: bytesOf(seg.lengths),
      groups: bytesOf(seg.groups),
      paths: Buffer.from(seg.paths, text),
      pathStart: bytesOf(seg.pathStart),
      byPath: bytesOf(seg.byPath),
      payload: this.base.payload,
      payloadStart: bytesOf(this.base.payloadStart),
    };
    const kind = preferredChecksum();
    // The header's length depends on the offsets it holds: lay out with room for the largest offsets.
    const sections = {} as Record<SectionName, [number, number]>;
    const draft = JSON.stringify({ meta: this.meta, groups: this.groups, keys: this.base.keys, checksum: kind, text, sections: Object.fromEntries(SECTIONS.map((s) => [s, [1e15, 1e15]])) });
    let at = align(16 + Buffer.byteLength(draft, 'utf8'));
    for (const s of SECTIONS) {
      sections[s] = [at, parts[s].byteLength];
      at = align(at + parts[s].byteLength);
    }
    const header = Buffer.from(JSON.stringify({ meta: this.meta, groups: this.groups, keys: this.base.keys, checksum: kind, text, sections } satisfies Header), 'utf8');
    const out = new Uint8Array(at);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, MAGIC, true);
    dv.setUint32(4, STORED_INDEX_VERSION, true);
    dv.setUint32(8, header.byteLength, true);
    out.set(header, 16);
    for (const s of SECTIONS) out.set(parts[s], sections[s][0]);
    dv.setUint32(12, checksum(out.subarray(16), kind), true);
    return out;
  }

  /** Entries introduced or superseded since the base was built. */
  get changes(): number {
    return this.overlay.size + this.deadCount;
  }

  /** Documents in the base. */
  get baseSize(): number {
    return this.base.segment.n;
  }

  /** The entry of `path` in `group` is no longer active. */
  supersede(group: string, path: string): void {
    const g = this.groupIds.get(group);
    if (g === undefined) return;
    if (this.overlay.delete(`${g}\0${path}`)) {
      this.overlayBuilt = undefined;
      return;
    }
    const seg = this.base.segment;
    const d = seg.findPath(g, path);
    if (d >= 0 && this.dead[d] === 0) {
      this.dead[d] = 1;
      this.deadCount++;
      let t = this.deadTotals.get(g);
      if (!t) this.deadTotals.set(g, (t = { n: 0, sums: new Float64Array(F) }));
      t.n++;
      for (let f = 0; f < F; f++) t.sums[f] = (t.sums[f] as number) + (seg.lengths[d * F + f] as number);
    }
  }

  /** `entry` becomes the active entry of its path in `group` (superseding the one before). */
  introduce(group: string, entry: T): void {
    this.supersede(group, entry.path);
    let g = this.groupIds.get(group);
    if (g === undefined) {
      g = this.groups.length;
      this.groups.push(group);
      this.groupIds.set(group, g);
    }
    this.overlay.set(`${g}\0${entry.path}`, { group: g, entry });
    this.overlayBuilt = undefined;
  }

  /** The best `limit` entries for `query` among the group's (every group's when absent): fresh copies. */
  search(query: string, limit = Infinity, group?: string): T[] {
    let g = -1;
    if (group !== undefined) {
      const id = this.groupIds.get(group);
      if (id === undefined) return [];
      g = id;
    }
    const parts: Part[] = [{ segment: this.base.segment, dead: this.deadCount > 0 ? this.dead : null, group: g, totals: this.liveTotals(g) }];
    let overlay: T[] = [];
    if (this.overlay.size > 0) {
      const built = this.overlaySegment();
      overlay = built.entries;
      parts.push({ segment: built.segment, dead: null, group: g, totals: undefined });
    }
    return searchParts(parts, query, limit).map((h) => (h.part === 0 ? this.entry(h.doc) : (structuredClone(overlay[h.doc]) as T)));
  }

  /**
   * The group's first `limit` live entries in path order, fresh copies (a listing: what an empty
   * query shows). Undefined without a group when there are several: their paths interleave.
   */
  list(limit = Infinity, group?: string): T[] | undefined {
    if (group === undefined && this.groups.length > 1) return undefined;
    // As a search's limit: a fraction is its whole part, nothing below 1.
    limit = Math.floor(limit);
    const g = group === undefined ? 0 : this.groupIds.get(group);
    if (g === undefined || this.groups.length === 0) return [];
    const seg = this.base.segment;
    const groupOf = (x: number): number => seg.groups[seg.byPath[x] as number] as number;
    let x = 0;
    for (let hi = seg.n; x < hi; ) {
      const mid = (x + hi) >>> 1;
      if (groupOf(mid) < g) x = mid + 1;
      else hi = mid;
    }
    const added = [...this.overlay.values()].filter((o) => o.group === g).map((o) => o.entry);
    added.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const out: T[] = [];
    let j = 0;
    for (; x < seg.n && out.length < limit && groupOf(x) === g; x++) {
      const d = seg.byPath[x] as number;
      if (this.dead[d] === 1) continue;
      const path = seg.path(d);
      while (j < added.length && out.length < limit && (added[j] as T).path < path) out.push(structuredClone(added[j++]) as T);
      if (out.length < limit) out.push(this.entry(d));
    }
    while (j < added.length && out.length < limit) out.push(structuredClone(added[j++]) as T);
    return out;
  }

  /** The base's live documents of group g (every group's when g < 0): its totals less the masked ones'. */
  private liveTotals(g: number): Totals {
    const seg = this.base.segment;
    const whole: Totals = g < 0 ? { n: seg.n, sums: seg.allTotals() } : (seg.groupTotals().get(g) ?? { n: 0, sums: new Float64Array(F) });
    const masked = g < 0 ? [...this.deadTotals.values()] : [this.deadTotals.get(g)].filter((t): t is Totals => t !== undefined);
    if (masked.length === 0) return whole;
    const sums = Float64Array.from(whole.sums);
    let n = whole.n;
    for (const t of masked) {
      n -= t.n;
      for (let f = 0; f < F; f++) sums[f] = (sums[f] as number) - (t.sums[f] as number);
    }
    return { n, sums };
  }

  private entry(d: number): T {
    const { payload, payloadStart, keys, segment } = this.base;
    const stored = JSON.parse(decoder.decode(payload.subarray(payloadStart[d], payloadStart[d + 1]))) as unknown;
    const out: Record<string, unknown> = { path: segment.path(d) };
    if (Array.isArray(stored)) keys.forEach((k, i) => (out[k] = stored[i]));
    else Object.assign(out, stored);
    return out as T;
  }
}

const align = (n: number): number => Math.ceil(n / 8) * 8;
const bytesOf = (a: Uint32Array | Uint16Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
