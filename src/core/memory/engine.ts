// The memory search engine: BM25 over a frozen segment of typed arrays (a sorted term dictionary,
// postings per term and field, field lengths), so an index is built once, written to disk as it is
// and opened again without constructing an object per document or per term. A query may span
// several segments (a large base plus a small overlay of newer entries) with documents masked out
// (superseded entries), and is scored as one index holding exactly the live documents would be.
//
// The scoring is MiniSearch's (the engine this replaced), so rankings are the same: BM25 with
// k = 1.2, b = 0.7, d = 0.5 per field, times the field's boost; any query word may match (OR); a
// word of 3 or more characters also matches the terms it begins (weight 0.2 · t / (t + 0.3 · extra
// characters)); one of 6 or more also those one edit away (weight 0.2 · t / (t + 1)); a document's
// sum is multiplied by the number of distinct query words it matched (a common word — one more
// than a third of the documents and at least 20 match — counts as none, unless every word of the
// query is common: COMMON_SHARE); two adjacent words joined
// (`build flags` → `buildflags`) match as both; a file name that is a word's beginning (`inc.js`
// for increment: abbreviations, never for a camelCase word) matches as the word at half weight; a
// plural word's singulars (`stems`) match at STEM_WEIGHT. Results: more matched words (common ones
// aside) first, then score, then the shallower, shorter path, then path order.
import { baseName, comparePaths, queryTerms, queryTokens, stems, tokenize } from './tokens';

export interface Searchable {
  path: string;
  symbols: string[];
  summary: string;
  language?: string;
}

/** Field boosts: a hit in the file name or a symbol says more than one in a folder name or the summary. */
export const FIELD_BOOSTS = { name: 6, symbols: 3, path: 1.5, summary: 1, language: 0.5 } as const;
const FIELD_NAMES = Object.keys(FIELD_BOOSTS) as (keyof typeof FIELD_BOOSTS)[];
const BOOSTS = FIELD_NAMES.map((f) => FIELD_BOOSTS[f]);
/** Fields per document. */
export const F = FIELD_NAMES.length;
const K1 = 1.2;
const B = 0.7;
const D = 0.5;
const PREFIX_WEIGHT = 0.2;
/**
 * At most this many prefix expansions of one query word are scored (see prefixKept): a short word
 * over a large vocabulary has thousands (`alpha` 11,853 in the benchmark's 100k repository, each a
 * pass over its postings: 35 ms a query), and past the shortest few hundred they add weight only to
 * files the word's own matches and shorter expansions already found.
 */
export const MAX_PREFIX_TERMS = 256;
const FUZZY_WEIGHT = 0.2;
const MAX_TF = 255;
const MAX_LENGTH = 65535;

function fieldText(doc: Searchable, f: number): string {
  switch (f) {
    case 0:
      return baseName(doc.path);
    case 1:
      return doc.symbols.join(' ');
    case 2:
      return doc.path.slice(0, doc.path.lastIndexOf('/') + 1);
    case 3:
      return doc.summary;
    default:
      return doc.language ?? '';
  }
}

/**
 * A frozen index of n documents. Documents are numbered in comparePaths order (the tie order of
 * results), so two documents of one segment compare by number.
 */
export class Segment {
  private totals: Float64Array | undefined;
  private byGroup: Map<number, Totals> | undefined;

  constructor(
    /** Every term, sorted (UTF-16 code unit order), concatenated. */
    readonly terms: string,
    /** Start of term i in `terms`; T + 1 entries. */
    readonly termStart: Uint32Array,
    /**
     * The postings of term i in field f are the bytes of `postings` from post[i·F + f] to
     * post[i·F + f + 1]: varints, the number of documents, then for each (ascending) its distance
     * from the one before (from 0 for the first) times 2, plus 1 when its term frequency follows (> 1).
     */
    readonly post: Uint32Array,
    readonly postings: Uint8Array,
    /** Number of distinct words of document d's field f at d·F + f. */
    readonly lengths: Uint16Array,
    /** The group (repository) of each document. */
    readonly groups: Uint16Array,
    /** Every document's path, concatenated; pathStart has n + 1 entries. */
    readonly paths: string,
    readonly pathStart: Uint32Array,
    /** Document numbers sorted by group, then path: finding a path's document. */
    readonly byPath: Uint32Array,
  ) {}

  get n(): number {
    return this.pathStart.length - 1;
  }

  get termCount(): number {
    return this.termStart.length - 1;
  }

  term(i: number): string {
    return this.terms.substring(this.termStart[i] as number, this.termStart[i + 1] as number);
  }

  path(d: number): string {
    return this.paths.substring(this.pathStart[d] as number, this.pathStart[d + 1] as number);
  }

  /** The first term ≥ `s`. */
  lowerBound(s: string): number {
    let lo = 0;
    let hi = this.termCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid) < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of `term` among the terms [lo, hi), or -1. */
  findIn(term: string, lo: number, hi: number): number {
    const end = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid) < term) lo = mid + 1;
      else hi = mid;
    }
    return lo < end && this.term(lo) === term ? lo : -1;
  }

  /** Index of `term`, or -1. */
  find(term: string): number {
    const i = this.lowerBound(term);
    return i < this.termCount && this.term(i) === term ? i : -1;
  }

  /** Terms beginning with `prefix`: [lo, hi). */
  prefixRange(prefix: string): [number, number] {
    const lo = this.lowerBound(prefix);
    let step = 1;
    let hi = lo;
    // Gallop, then bisect: ranges are usually short.
    while (hi + step <= this.termCount && this.term(hi + step - 1).startsWith(prefix)) {
      hi += step;
      step *= 2;
    }
    let top = Math.min(this.termCount, hi + step);
    while (hi < top) {
      const mid = (hi + top) >>> 1;
      if (this.term(mid).startsWith(prefix)) hi = mid + 1;
      else top = mid;
    }
    return [lo, hi];
  }

  /** The document of `path` in `group`, or -1. */
  findPath(group: number, path: string): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.byPath[mid] as number;
      const g = this.groups[d] as number;
      if (g < group || (g === group && this.path(d) < path)) lo = mid + 1;
      else hi = mid;
    }
    const d = this.byPath[lo];
    return lo < this.n && d !== undefined && this.groups[d] === group && this.path(d) === path ? d : -1;
  }

  /** The end of the terms from `from` (before `to`) that begin with `prefix`. */
  private rangeEnd(prefix: string, from: number, to: number): number {
    let lo = from;
    let hi = to;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid).startsWith(prefix)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Terms one edit (insert, delete or replace one code unit) from `q` that do not begin with it. A
   * term's edit is where it first differs from `q`, at some position p: it begins with q[0, p), and
   * its character at p is one of those the terms beginning with q[0, p) have there. So: for each p,
   * the deletion of q[p], and for each such character c ≠ q[p], c replacing q[p] or inserted before
   * it, each looked up in the dictionary.
   */
  fuzzy(q: string): number[] {
    const out = new Set<number>();
    const look = (t: string): void => {
      if (t === q || t.startsWith(q)) return;
      const i = this.find(t);
      if (i >= 0) out.add(i);
    };
    let lo = 0;
    let hi = this.termCount;
    for (let p = 0; p < q.length && lo < hi; p++) {
      const prefix = q.slice(0, p);
      look(prefix + q.slice(p + 1));
      for (let i = lo; i < hi; ) {
        const start = this.termStart[i] as number;
        if ((this.termStart[i + 1] as number) - start === p) {
          i++;
          continue;
        }
        const c = this.terms[start + p] as string;
        const end = this.rangeEnd(prefix + c, i, hi);
        if (c !== q[p]) {
          look(prefix + c + q.slice(p + 1));
          look(prefix + c + q.slice(p));
        }
        i = end;
      }
      // Narrow to the terms beginning with q[0, p + 1).
      lo = this.lowerBound(q.slice(0, p + 1));
      hi = this.rangeEnd(q.slice(0, p + 1), lo, hi);
    }
    return [...out];
  }

  /** Documents and the sum of each field's lengths, all groups, nothing masked. */
  allTotals(): Float64Array {
    if (this.totals) return this.totals;
    const t = new Float64Array(F);
    for (let d = 0; d < this.n; d++) for (let f = 0; f < F; f++) t[f] = (t[f] as number) + (this.lengths[d * F + f] as number);
    return (this.totals = t);
  }

  /** Documents and the sums of their field lengths, per group (computed once). */
  groupTotals(): Map<number, Totals> {
    if (this.byGroup) return this.byGroup;
    const out = new Map<number, Totals>();
    for (let d = 0; d < this.n; d++) {
      const g = this.groups[d] as number;
      let t = out.get(g);
      if (!t) out.set(g, (t = { n: 0, sums: new Float64Array(F) }));
      t.n++;
      for (let f = 0; f < F; f++) t.sums[f] = (t.sums[f] as number) + (this.lengths[d * F + f] as number);
    }
    return (this.byGroup = out);
  }
}

class Grow {
  a = new Uint32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

class Bytes {
  a = new Uint8Array(1 << 16);
  n = 0;
  varint(v: number): void {
    if (this.n + 5 > this.a.length) {
      const b = new Uint8Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    while (v >= 128) {
      this.a[this.n++] = (v & 127) | 128;
      v = Math.floor(v / 128);
    }
    this.a[this.n++] = v;
  }
  append(bytes: Uint8Array): void {
    while (this.n + bytes.length > this.a.length) {
      const b = new Uint8Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a.set(bytes, this.n);
    this.n += bytes.length;
  }
  bytes(): Uint8Array {
    return this.a.slice(0, this.n);
  }
}

/** Where readVarint reads next (postings are decoded by one loop at a time). */
let at = 0;

function readVarint(b: Uint8Array): number {
  let x = b[at++] as number;
  if (x < 128) return x;
  let v = x & 127;
  let scale = 128;
  for (;;) {
    x = b[at++] as number;
    v += (x & 127) * scale;
    if (x < 128) return v;
    scale *= 128;
  }
}

/**
 * Index `docs` (group of each from `groupOf`). Returns the segment and, for each of its document
 * numbers, the position of the document in `docs`.
 */
export function buildSegment(docs: readonly Searchable[], groupOf: (i: number) => number = () => 0): { segment: Segment; order: Uint32Array } {
  const n = docs.length;
  // comparePaths order, with each path's depth counted once.
  const depth = new Uint32Array(n);
  docs.forEach((doc, i) => {
    let k = 0;
    for (let at = doc.path.indexOf('/'); at !== -1; at = doc.path.indexOf('/', at + 1)) k++;
    depth[i] = k;
  });
  const order = Uint32Array.from(docs.keys()).sort((a, b) => {
    const pa = (docs[a] as Searchable).path;
    const pb = (docs[b] as Searchable).path;
    return (depth[a] as number) - (depth[b] as number) || pa.length - pb.length || cmp(pa, pb) || a - b;
  });
  const ids = new Map<string, number>();
  /** Raw token → term id: most tokens repeat, and so skip the lowercasing and the second lookup. */
  const rawIds = new Map<string, number>();
  const list: string[] = [];
  const tTerm = new Grow();
  const tDoc = new Grow();
  const tFieldTf = new Grow();
  const lengths = new Uint16Array(n * F);
  // The current field's terms and their frequencies; seen[id] === stamp when the term is among them, at slot[id].
  let seen = new Int32Array(1024).fill(-1);
  let slot = new Int32Array(1024);
  const fieldIds: number[] = [];
  const fieldTfs: number[] = [];
  let stamp = 0;
  for (let d = 0; d < n; d++) {
    const doc = docs[order[d] as number] as Searchable;
    for (let f = 0; f < F; f++) {
      const tokens = tokenize(fieldText(doc, f), FIELD_NAMES[f]);
      if (tokens.length === 0) continue;
      lengths[d * F + f] = Math.min(MAX_LENGTH, f === 3 ? new Set(tokens).size : tokens.length);
      stamp++;
      fieldIds.length = 0;
      fieldTfs.length = 0;
      for (const tok of tokens) {
        let id = rawIds.get(tok);
        if (id === undefined) {
          const t = tok.toLowerCase();
          id = ids.get(t);
          if (id === undefined) {
            id = list.length;
            ids.set(t, id);
            list.push(t);
            if (id >= seen.length) {
              const grown = new Int32Array(seen.length * 2).fill(-1);
              grown.set(seen);
              seen = grown;
              const s2 = new Int32Array(slot.length * 2);
              s2.set(slot);
              slot = s2;
            }
          }
          rawIds.set(tok, id);
        }
        if (seen[id] === stamp) fieldTfs[slot[id] as number] = (fieldTfs[slot[id] as number] as number) + 1;
        else {
          seen[id] = stamp;
          slot[id] = fieldIds.length;
          fieldIds.push(id);
          fieldTfs.push(1);
        }
      }
      for (let j = 0; j < fieldIds.length; j++) {
        tTerm.push(fieldIds[j] as number);
        tDoc.push(d);
        tFieldTf.push(Math.min(MAX_TF, fieldTfs[j] as number) * 8 + f);
      }
    }
  }
  const T = list.length;
  // The default sort compares UTF-16 code units, as `<` does, and takes no callback: fast for a million terms.
  const termList = list.slice().sort();
  const rank = new Uint32Array(T);
  for (let r = 0; r < T; r++) rank[ids.get(termList[r] as string) as number] = r;
  const post = new Uint32Array(T * F + 1);
  for (let k = 0; k < tTerm.n; k++) {
    const slot = (rank[tTerm.a[k] as number] as number) * F + ((tFieldTf.a[k] as number) & 7) + 1;
    post[slot] = (post[slot] as number) + 1;
  }
  for (let s = 1; s < post.length; s++) post[s] = (post[s] as number) + (post[s - 1] as number);
  const cursor = post.slice(0, T * F);
  const postDocs = new Uint32Array(tTerm.n);
  const tfs = new Uint8Array(tTerm.n);
  for (let k = 0; k < tTerm.n; k++) {
    const v = tFieldTf.a[k] as number;
    const slot = (rank[tTerm.a[k] as number] as number) * F + (v & 7);
    const at = cursor[slot] as number;
    cursor[slot] = at + 1;
    postDocs[at] = tDoc.a[k] as number;
    tfs[at] = v >>> 3;
  }
  const encoded = new Bytes();
  const offsets = new Uint32Array(T * F + 1);
  for (let s = 0; s < T * F; s++) {
    offsets[s] = encoded.n;
    const a = post[s] as number;
    const b = post[s + 1] as number;
    if (a === b) continue;
    encoded.varint(b - a);
    let prev = 0;
    for (let k = a; k < b; k++) {
      const d = postDocs[k] as number;
      const tf = tfs[k] as number;
      encoded.varint((d - prev) * 2 + (tf > 1 ? 1 : 0));
      if (tf > 1) encoded.varint(tf);
      prev = d;
    }
  }
  offsets[T * F] = encoded.n;
  const termStart = new Uint32Array(T + 1);
  for (let r = 0; r < T; r++) termStart[r + 1] = (termStart[r] as number) + (termList[r] as string).length;
  const groups = new Uint16Array(n);
  const pathStart = new Uint32Array(n + 1);
  const pathList: string[] = new Array<string>(n);
  for (let d = 0; d < n; d++) {
    groups[d] = groupOf(order[d] as number);
    const p = (docs[order[d] as number] as Searchable).path;
    pathList[d] = p;
    pathStart[d + 1] = (pathStart[d] as number) + p.length;
  }
  const byPath = Uint32Array.from(order.keys()).sort((a, b) => (groups[a] as number) - (groups[b] as number) || cmp(pathList[a] as string, pathList[b] as string) || a - b);
  const segment = new Segment(termList.join(''), termStart, offsets, encoded.bytes(), lengths, groups, pathList.join(''), pathStart, byPath);
  return { segment, order };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One segment holding the live documents of `a` (dead[d] ≠ 0: left out) and every document of `b`,
 * as buildSegment would have built it from their entries, without tokenizing anything again: the
 * documents merged in comparePaths order, the dictionaries merged, each posting list decoded,
 * renumbered and merged. `from[k]` says where new document k came from: d ≥ 0 is a's document d,
 * -1 - d is b's document d.
 */
export function mergeSegments(a: Segment, dead: Uint8Array | null, b: Segment): { segment: Segment; from: Int32Array } {
  const live = (d: number): boolean => dead === null || dead[d] === 0;
  const mapA = new Int32Array(a.n).fill(-1);
  const mapB = new Int32Array(b.n).fill(-1);
  const from: number[] = [];
  for (let i = 0, j = 0; i < a.n || j < b.n; ) {
    if (i < a.n && !live(i)) {
      i++;
      continue;
    }
    const takeA = j >= b.n || (i < a.n && comparePaths(a.path(i), b.path(j)) <= 0);
    if (takeA) {
      mapA[i] = from.length;
      from.push(i++);
    } else {
      mapB[j] = from.length;
      from.push(-1 - j++);
    }
  }
  const n = from.length;
  const lengths = new Uint16Array(n * F);
  const groups = new Uint16Array(n);
  const pathStart = new Uint32Array(n + 1);
  const pathList: string[] = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const src = from[k] as number;
    const [seg, d] = src >= 0 ? [a, src] : [b, -1 - src];
    lengths.set(seg.lengths.subarray(d * F, d * F + F), k * F);
    groups[k] = seg.groups[d] as number;
    const p = seg.path(d);
    pathList[k] = p;
    pathStart[k + 1] = (pathStart[k] as number) + p.length;
  }
  // Postings: each list of either segment renumbered (a's dead left out), the two merged by number.
  const encoded = new Bytes();
  const post: number[] = [0];
  const terms: string[] = [];
  let docsA = new Int32Array(1024);
  let tfsA = new Int32Array(1024);
  let docsB = new Int32Array(1024);
  let tfsB = new Int32Array(1024);
  const lists = new Bytes();
  const listStart = new Int32Array(F + 1);
  const decode = (seg: Segment, i: number, f: number, map: Int32Array, docs: Int32Array, tfs: Int32Array): number => {
    const start = seg.post[i * F + f] as number;
    if (start === seg.post[i * F + f + 1]) return 0;
    at = start;
    const count = readVarint(seg.postings);
    let d = 0;
    let m = 0;
    for (let c = 0; c < count; c++) {
      const v = readVarint(seg.postings);
      d += v >>> 1;
      const tf = v & 1 ? readVarint(seg.postings) : 1;
      const to = map[d] as number;
      if (to < 0) continue;
      docs[m] = to;
      tfs[m++] = tf;
    }
    return m;
  };
  for (let i = 0, j = 0; i < a.termCount || j < b.termCount; ) {
    const ta = i < a.termCount ? a.term(i) : undefined;
    const tb = j < b.termCount ? b.term(j) : undefined;
    const ia = ta !== undefined && (tb === undefined || ta <= tb) ? i++ : -1;
    const ib = tb !== undefined && (ta === undefined || tb <= ta) ? j++ : -1;
    const term = (ia >= 0 ? ta : tb) as string;
    lists.n = 0;
    for (let f = 0; f < F; f++) {
      listStart[f] = lists.n;
      const needA = ia >= 0 ? (a.post[ia * F + f + 1] as number) - (a.post[ia * F + f] as number) : 0;
      const needB = ib >= 0 ? (b.post[ib * F + f + 1] as number) - (b.post[ib * F + f] as number) : 0;
      // A list of k postings has at most k documents (each takes a byte or more).
      if (needA > docsA.length) [docsA, tfsA] = [new Int32Array(needA * 2), new Int32Array(needA * 2)];
      if (needB > docsB.length) [docsB, tfsB] = [new Int32Array(needB * 2), new Int32Array(needB * 2)];
      const na = ia >= 0 ? decode(a, ia, f, mapA, docsA, tfsA) : 0;
      const nb = ib >= 0 ? decode(b, ib, f, mapB, docsB, tfsB) : 0;
      if (na + nb === 0) continue;
      lists.varint(na + nb);
      let prev = 0;
      for (let x = 0, y = 0; x < na || y < nb; ) {
        const useA = y >= nb || (x < na && (docsA[x] as number) < (docsB[y] as number));
        const d = useA ? (docsA[x] as number) : (docsB[y] as number);
        const tf = useA ? (tfsA[x++] as number) : (tfsB[y++] as number);
        lists.varint((d - prev) * 2 + (tf > 1 ? 1 : 0));
        if (tf > 1) lists.varint(tf);
        prev = d;
      }
    }
    listStart[F] = lists.n;
    if (lists.n === 0) continue;
    terms.push(term);
    for (let f = 0; f < F; f++) {
      encoded.append(lists.a.subarray(listStart[f] as number, listStart[f + 1] as number));
      post.push(encoded.n);
    }
  }
  const termStart = new Uint32Array(terms.length + 1);
  for (let r = 0; r < terms.length; r++) termStart[r + 1] = (termStart[r] as number) + (terms[r] as string).length;
  // byPath: both segments' orders, renumbered, merged by group then path.
  const byPath = new Uint32Array(n);
  let k = 0;
  for (let x = 0, y = 0; x < a.n || y < b.n; ) {
    if (x < a.n && (mapA[a.byPath[x] as number] as number) < 0) {
      x++;
      continue;
    }
    const da = x < a.n ? (mapA[a.byPath[x] as number] as number) : -1;
    const db = y < b.n ? (mapB[b.byPath[y] as number] as number) : -1;
    const useA = db < 0 || (da >= 0 && ((groups[da] as number) - (groups[db] as number) || cmp(pathList[da] as string, pathList[db] as string) || da - db) < 0);
    byPath[k++] = useA ? da : db;
    if (useA) x++;
    else y++;
  }
  const segment = new Segment(terms.join(''), termStart, Uint32Array.from(post), encoded.bytes(), lengths, groups, pathList.join(''), pathStart, byPath);
  return { segment, from: Int32Array.from(from) };
}

/** A number of documents and the sums of their field lengths. */
export interface Totals {
  n: number;
  sums: Float64Array;
}

/** A segment as one query sees it: documents masked out (dead[d] ≠ 0) and, unless group < 0, only one group's. */
export interface Part {
  segment: Segment;
  dead: Uint8Array | null;
  group: number;
  /**
   * The live documents' totals when the caller keeps them (else counted per query). Always present,
   * undefined or not: parts of one shape keep the ranking's optimized code from being thrown away.
   */
  totals: Totals | undefined;
}

/** One result: the part's index and the document's number in its segment. */
export interface Hit {
  part: number;
  doc: number;
}

const accepts = (p: Part, d: number): boolean => (p.dead === null || p.dead[d] === 0) && (p.group < 0 || p.segment.groups[d] === p.group);

/** Live documents and the sums of their field lengths. */
function totalsOf(p: Part): Totals {
  if (p.totals) return p.totals;
  const seg = p.segment;
  if (p.dead === null && p.group < 0) return { n: seg.n, sums: seg.allTotals() };
  const sums = new Float64Array(F);
  let n = 0;
  for (let d = 0; d < seg.n; d++) {
    if (!accepts(p, d)) continue;
    n++;
    for (let f = 0; f < F; f++) sums[f] = (sums[f] as number) + (seg.lengths[d * F + f] as number);
  }
  return { n, sums };
}

interface PartState {
  total: Float64Array;
  cur: Float64Array;
  mask: Uint32Array;
  extra: Map<number, Set<number>> | undefined;
  seen: Uint8Array;
  /** Distinct words matched, per document (set at the end). */
  count: Uint8Array;
  /**
   * The documents this query scored (each once), and those the current word scored (see flush):
   * lists kept with the segment's scratch arrays and reused by every query (as arrays, a query
   * matching most documents grew and dropped megabytes of them, and the collector's pauses were
   * the slowest queries' time).
   */
  touched: Grow;
  curTouched: Grow;
  all: boolean;
}

/** The best `limit` documents of `parts` for `query` (see the file header); [] for a query without words. */
export function searchParts(parts: readonly Part[], query: string, limit = Infinity): Hit[] {
  const terms = queryTerms(query);
  if (terms.length === 0 || !(limit > 0)) return [];
  let N = 0;
  const sums = new Float64Array(F);
  for (const p of parts) {
    const t = totalsOf(p);
    N += t.n;
    for (let f = 0; f < F; f++) sums[f] = (sums[f] as number) + (t.sums[f] as number);
  }
  if (N === 0) return [];
  const avg = Array.from(sums, (s) => s / N);
  const states: PartState[] = parts.map((p, pi) => {
    // One set of per-document arrays per segment, reused by every query (and cleared where it wrote):
    // allocating megabytes per query made the collector run often in a large heap.
    const scratch = parts.findIndex((q) => q.segment === p.segment) === pi ? scratchOf(p.segment) : newScratch(p.segment.n);
    // One literal, every field set: the states of every query share one shape (see Part.totals).
    scratch.touched.n = 0;
    scratch.curTouched.n = 0;
    const state: PartState = { total: scratch.total, cur: scratch.cur, mask: scratch.mask, extra: undefined, seen: scratch.seen, count: scratch.count, touched: scratch.touched, curTouched: scratch.curTouched, all: p.dead === null && p.group < 0 };
    return state;
  });
  try {
    return rank(parts, states, terms, identifierWords(query), N, avg, limit);
  } finally {
    // Indexed loops: a query's first runs are not yet optimized, and there an iterator step allocates.
    for (const st of states) {
      const touched = st.touched;
      for (let t = 0; t < touched.n; t++) {
        const d = touched.a[t] as number;
        st.total[d] = 0;
        st.mask[d] = 0;
        st.seen[d] = 0;
        st.count[d] = 0;
      }
      touched.n = 0;
      const cur = st.curTouched;
      for (let t = 0; t < cur.n; t++) st.cur[cur.a[t] as number] = 0;
      cur.n = 0;
    }
  }
}

interface Scratch {
  total: Float64Array;
  cur: Float64Array;
  mask: Uint32Array;
  seen: Uint8Array;
  count: Uint8Array;
  touched: Grow;
  curTouched: Grow;
}

const scratches = new WeakMap<Segment, Scratch>();

function scratchOf(segment: Segment): Scratch {
  let s = scratches.get(segment);
  if (!s) {
    s = newScratch(segment.n);
    scratches.set(segment, s);
  }
  return s;
}

function newScratch(n: number): Scratch {
  return { total: new Float64Array(n), cur: new Float64Array(n), mask: new Uint32Array(n), seen: new Uint8Array(n), count: new Uint8Array(n), touched: new Grow(), curTouched: new Grow() };
}

/** Whether a document the search accepts (live, of the group searched) has term `i` of `p`'s segment, in any field. */
function termAccepted(p: Part, i: number): boolean {
  if (p.dead === null && p.group < 0) return true;
  const seg = p.segment;
  for (let f = 0; f < F; f++) {
    const a = seg.post[i * F + f] as number;
    if (a === seg.post[i * F + f + 1]) continue;
    at = a;
    const count = readVarint(seg.postings);
    let d = 0;
    for (let j = 0; j < count; j++) {
      const v = readVarint(seg.postings);
      d += v >>> 1;
      if (v & 1) readVarint(seg.postings);
      if (accepts(p, d)) return true;
    }
  }
  return false;
}

/**
 * Which prefix expansions of a word of `qLen` characters are scored, when the documents searched
 * have more than MAX_PREFIX_TERMS (undefined: all): the shortest (a longer expansion weighs less),
 * ties in dictionary order. Only terms of the documents searched count, so the same terms are kept
 * however the index is split into parts and whatever it still holds of superseded entries.
 * `ranges`: each part's terms beginning with the word; the word itself is not an expansion.
 */
function prefixKept(parts: readonly Part[], ranges: readonly [number, number][], qLen: number): ((pi: number, i: number, len: number) => boolean) | undefined {
  let candidates = 0;
  for (const [lo, hi] of ranges) candidates += hi - lo;
  if (candidates <= MAX_PREFIX_TERMS) return undefined;
  if (parts.length === 1) {
    // One part: its terms are distinct and in dictionary order; counted by length, no term is read.
    const p = parts[0] as Part;
    const seg = p.segment;
    const [lo, hi] = ranges[0] as [number, number];
    const lengthOf = (i: number) => (seg.termStart[i + 1] as number) - (seg.termStart[i] as number);
    const byLength = new Map<number, number>();
    let expansions = 0;
    for (let i = lo; i < hi; i++) {
      const len = lengthOf(i);
      if (len === qLen || !termAccepted(p, i)) continue;
      byLength.set(len, (byLength.get(len) ?? 0) + 1);
      expansions++;
    }
    if (expansions <= MAX_PREFIX_TERMS) return undefined;
    // The longest length kept, and how many of that length are (the first in dictionary order).
    let left = MAX_PREFIX_TERMS;
    let longest = qLen;
    for (const len of [...byLength.keys()].sort((x, y) => x - y)) {
      longest = len;
      const n = byLength.get(len) as number;
      if (n >= left) break;
      left -= n;
    }
    let last = hi;
    for (let i = lo, n = 0; i < hi; i++) {
      if (lengthOf(i) === longest && termAccepted(p, i) && ++n === left) {
        last = i;
        break;
      }
    }
    // A term of another length not kept, or not accepted, scores nothing either way.
    return (_pi, i, len) => len < longest || (len === longest && i <= last);
  }
  // Several parts: a term may be in more than one; the distinct terms searched are sorted.
  const distinct = new Set<string>();
  parts.forEach((p, pi) => {
    const [lo, hi] = ranges[pi] as [number, number];
    for (let i = lo; i < hi; i++) {
      const t = p.segment.term(i);
      if (t.length !== qLen && !distinct.has(t) && termAccepted(p, i)) distinct.add(t);
    }
  });
  if (distinct.size <= MAX_PREFIX_TERMS) return undefined;
  const kept = new Set([...distinct].sort((x, y) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0)).slice(0, MAX_PREFIX_TERMS));
  return (pi, i) => kept.has((parts[pi] as Part).segment.term(i));
}

function rank(parts: readonly Part[], states: PartState[], terms: string[], identifiers: ReadonlySet<string>, N: number, avg: number[], limit: number): Hit[] {
  const distinct = new Map<string, number>();
  for (const q of terms) if (!distinct.has(q)) distinct.set(q, distinct.size);
  /** Documents matching each distinct word, counted as their first match of it is scored. */
  const matchedDocs = new Array<number>(distinct.size).fill(0);

  // `only`: the one field scored (-1: every field).
  const score = (idx: readonly number[], weight: number, only: number, ...words: number[]): void => {
    for (let f = 0; f < F; f++) {
      if (only >= 0 && f !== only) continue;
      let df = 0;
      for (let pi = 0; pi < parts.length; pi++) {
        const i = idx[pi] as number;
        if (i < 0) continue;
        const p = parts[pi] as Part;
        const seg = p.segment;
        const a = seg.post[i * F + f] as number;
        if (a === seg.post[i * F + f + 1]) continue;
        at = a;
        const count = readVarint(seg.postings);
        if ((states[pi] as PartState).all) {
          df += count;
          continue;
        }
        let d = 0;
        for (let j = 0; j < count; j++) {
          const v = readVarint(seg.postings);
          d += v >>> 1;
          if (v & 1) readVarint(seg.postings);
          if (accepts(p, d)) df++;
        }
      }
      if (df === 0) continue;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      const w = weight * (BOOSTS[f] as number);
      for (let pi = 0; pi < parts.length; pi++) {
        const i = idx[pi] as number;
        if (i < 0) continue;
        const p = parts[pi] as Part;
        const st = states[pi] as PartState;
        const seg = p.segment;
        const a = seg.post[i * F + f] as number;
        if (a === seg.post[i * F + f + 1]) continue;
        const bytes = seg.postings;
        at = a;
        const count = readVarint(bytes);
        let d = 0;
        for (let j = 0; j < count; j++) {
          const v = readVarint(bytes);
          d += v >>> 1;
          const tf = v & 1 ? readVarint(bytes) : 1;
          if (!st.all && !accepts(p, d)) continue;
          const len = seg.lengths[d * F + f] as number;
          const raw = idf * (D + (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / (avg[f] as number))));
          if (st.cur[d] === 0) st.curTouched.push(d);
          st.cur[d] = (st.cur[d] as number) + w * raw;
          if (st.seen[d] === 0) {
            st.seen[d] = 1;
            st.touched.push(d);
          }
          for (let wi = 0; wi < words.length; wi++) {
            const word = words[wi] as number;
            if (word < 32) {
              const m = st.mask[d] as number;
              if (m & (1 << word)) continue;
              st.mask[d] = m | (1 << word);
            } else {
              st.extra ??= new Map();
              let s = st.extra.get(d);
              if (!s) st.extra.set(d, (s = new Set()));
              if (s.has(word)) continue;
              s.add(word);
            }
            matchedDocs[word] = (matchedDocs[word] as number) + 1;
          }
        }
      }
    }
  };

  const flush = (): void => {
    for (const st of states) {
      const touched = st.curTouched;
      for (let t = 0; t < touched.n; t++) {
        const d = touched.a[t] as number;
        st.total[d] = (st.total[d] as number) + (st.cur[d] as number);
        st.cur[d] = 0;
      }
      touched.n = 0;
    }
  };
  for (const { joined, a, b } of joinedPairs(terms)) {
    score(parts.map((p) => p.segment.find(joined)), 1, -1, distinct.get(a) as number, distinct.get(b) as number);
    flush();
  }
  for (const q of terms) {
    const word = distinct.get(q) as number;
    score(parts.map((p) => p.segment.find(q)), 1, -1, word);
    for (const stem of stems(q)) if (!distinct.has(stem)) score(parts.map((p) => p.segment.find(stem)), STEM_WEIGHT, -1, word);
    if (!identifiers.has(q)) for (const short of abbreviations(q, distinct)) score(parts.map((p) => p.segment.find(short)), ABBREVIATION_WEIGHT, NAME_FIELD, word);
    // Prefix matches, in dictionary order: each term with its index in every part that has it.
    if (q.length >= 3) {
      const ranges = parts.map((p) => p.segment.prefixRange(q));
      const kept = prefixKept(parts, ranges, q.length);
      const idx = parts.map(() => -1);
      parts.forEach((p, pi) => {
        const [lo, hi] = ranges[pi] as [number, number];
        for (let i = lo; i < hi; i++) {
          const len = (p.segment.termStart[i + 1] as number) - (p.segment.termStart[i] as number);
          if (len === q.length) continue;
          if (kept && !kept(pi, i, len)) continue;
          if (parts.length > 1) {
            // A term of several parts is scored once, from the first part that has it.
            const t = p.segment.term(i);
            let earlier = false;
            for (let pj = 0; pj < parts.length; pj++) {
              if (pj === pi) {
                idx[pj] = i;
                continue;
              }
              const [plo, phi] = ranges[pj] as [number, number];
              const j = (parts[pj] as Part).segment.findIn(t, plo, phi);
              if (j >= 0 && pj < pi) earlier = true;
              idx[pj] = j;
            }
            if (earlier) continue;
          } else idx[0] = i;
          score(idx, (PREFIX_WEIGHT * len) / (len + 0.3 * (len - q.length)), -1, word);
        }
      });
    }
    if (q.length >= 6) {
      const fuzzy = new Map<string, number[]>();
      parts.forEach((p, pi) =>
        p.segment.fuzzy(q).forEach((i) => {
          const t = p.segment.term(i);
          let idx = fuzzy.get(t);
          if (!idx) fuzzy.set(t, (idx = parts.map(() => -1)));
          idx[pi] = i;
        }),
      );
      for (const [t, idx] of fuzzy) score(idx, (FUZZY_WEIGHT * t.length) / (t.length + 1), -1, word);
    }
    flush();
  }

  // Final scores: the sum times the number of distinct words matched, common words aside (see
  // commonWords; kept in `count` from here), at least once.
  const common = commonWords(matchedDocs, N);
  const count = states.map((st) => st.count);
  let hits = 0;
  states.forEach((st, pi) => {
    const c = count[pi] as Uint8Array;
    const touched = st.touched;
    for (let t = 0; t < touched.n; t++) {
      const d = touched.a[t] as number;
      let n = popcount((st.mask[d] as number) & ~common.mask);
      st.extra?.get(d)?.forEach((w) => {
        if (!common.extra.has(w)) n++;
      });
      c[d] = Math.min(255, n);
      st.total[d] = (st.total[d] as number) * Math.max(1, n);
      hits++;
    }
  });
  // Item = doc · 4 + part (at most 4 parts).
  const better = (x: number, y: number): number => {
    const px = x & 3;
    const py = y & 3;
    const dx = x >>> 2;
    const dy = y >>> 2;
    const cx = (count[px] as Uint8Array)[dx] as number;
    const cy = (count[py] as Uint8Array)[dy] as number;
    if (cx !== cy) return cy - cx;
    const sx = (states[px] as PartState).total[dx] as number;
    const sy = (states[py] as PartState).total[dy] as number;
    if (sx !== sy) return sy > sx ? 1 : -1;
    if (px === py) return dx - dy;
    return comparePaths((parts[px] as Part).segment.path(dx), (parts[py] as Part).segment.path(dy)) || px - py;
  };
  const k = Math.min(limit, hits);
  const items: number[] = [];
  if (k >= hits) {
    states.forEach((st, pi) => {
      const touched = st.touched;
      for (let t = 0; t < touched.n; t++) items.push((touched.a[t] as number) * 4 + pi);
    });
    return items.sort(better).map((x) => ({ part: x & 3, doc: x >>> 2 }));
  }
  // A heap of the best k so far, the worst at the top.
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => better(a, b) > 0;
  states.forEach((st, pi) => {
    const touched = st.touched;
    for (let t = 0; t < touched.n; t++) {
      const x = (touched.a[t] as number) * 4 + pi;
      if (heap.length < k) {
        heap.push(x);
        let i = heap.length - 1;
        while (i > 0) {
          const up = (i - 1) >> 1;
          if (!worse(heap[i] as number, heap[up] as number)) break;
          const swap = heap[i] as number;
          heap[i] = heap[up] as number;
          heap[up] = swap;
          i = up;
        }
      } else if (better(x, heap[0] as number) < 0) {
        heap[0] = x;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let w = i;
          if (l < heap.length && worse(heap[l] as number, heap[w] as number)) w = l;
          if (r < heap.length && worse(heap[r] as number, heap[w] as number)) w = r;
          if (w === i) break;
          const swap = heap[i] as number;
          heap[i] = heap[w] as number;
          heap[w] = swap;
          i = w;
        }
      }
    }
  });
  return heap.sort(better).map((x) => ({ part: x & 3, doc: x >>> 2 }));
}

/**
 * Two adjacent query words a name writes as one (`build flags` → buildflags.mk, `read file` →
 * readfile): the joined term, matched exactly, counts as both words. Letters only, 6 or more, and
 * not itself a word of the query.
 */
export function joinedPairs(terms: readonly string[]): { joined: string; a: string; b: string }[] {
  const out: { joined: string; a: string; b: string }[] = [];
  for (let k = 0; k + 1 < terms.length; k++) {
    const a = terms[k] as string;
    const b = terms[k + 1] as string;
    const joined = a + b;
    if (joined.length >= 6 && !terms.includes(joined) && !out.some((p) => p.joined === joined) && /^\p{L}+$/u.test(joined)) out.push({ joined, a, b });
  }
  return out;
}

/** The weight of a file name that abbreviates a query word (see abbreviations). */
export const ABBREVIATION_WEIGHT = 0.5;
/** The file name field (fieldText's 0). */
const NAME_FIELD = 0;

/**
 * The names a file may be given for a query word by cutting it short (`inc.js` for increment,
 * `repo.go` for repository, `config.ts` for configuration): its beginnings of 3 letters or more,
 * the word itself and the query's other words excepted; a word of letters only, not written as an
 * identifier (see identifierWords). Matched exactly in
 * the file name field only (a symbol or a summary that begins a word is most often another word:
 * `form` for format), at ABBREVIATION_WEIGHT, as the word.
 */
export function abbreviations(word: string, queryWords: ReadonlyMap<string, number> | ReadonlySet<string>): string[] {
  if (word.length < 4 || !/^\p{L}+$/u.test(word)) return [];
  const stemmed = new Set(stems(word));
  const out: string[] = [];
  for (let n = 3; n < word.length; n++) {
    const short = word.slice(0, n);
    if (!queryWords.has(short) && !stemmed.has(short)) out.push(short);
  }
  return out;
}

/** The weight of a query word's stem (see stems). */
export const STEM_WEIGHT = 0.7;

/**
 * The query's words written as camelCase identifiers (`sendFile`), lowercased: such a word names a
 * symbol, and a file name that is its first part (`broken.send`) is not its abbreviation.
 */
export function identifierWords(query: string): Set<string> {
  return new Set(queryTokens(query).filter((t) => /\p{Ll}\p{Lu}/u.test(t)).map((t) => t.toLowerCase()));
}

/**
 * A query word is common when more than COMMON_SHARE of the documents match it (and at least
 * COMMON_MIN_DOCS: a share of a handful says nothing): a project's own name (`git` in git/git,
 * `flask` in Flask), `test` in a test-heavy tree. It still scores (its idf is low), but it does not
 * count among the words a document matched — so `how does git lock the index` ranks files matching
 * `lock` and `index` before one that adds `git` to a weaker match of either — unless every word of
 * the query is common. Elasticsearch's (since deprecated) common terms query split words by frequency
 * the same way, but left out documents matching common words only; here they are still found, last.
 */
export const COMMON_SHARE = 1 / 3;
export const COMMON_MIN_DOCS = 20;

/** The common words of a query (see COMMON_SHARE), from the documents each matched: bits of `mask` for words 0–31, `extra` beyond. */
function commonWords(matchedDocs: readonly number[], N: number): { mask: number; extra: ReadonlySet<number> } {
  const common = matchedDocs.map((n) => isCommon(n, N));
  if (common.every(Boolean)) return { mask: 0, extra: new Set() };
  let mask = 0;
  const extra = new Set<number>();
  common.forEach((c, w) => {
    if (!c) return;
    if (w < 32) mask |= 1 << w;
    else extra.add(w);
  });
  return { mask, extra };
}

/** Whether a word `matched` documents of `N` match is common (see COMMON_SHARE). */
export const isCommon = (matched: number, N: number): boolean => matched >= COMMON_MIN_DOCS && matched > N * COMMON_SHARE;

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
