// Memory search: case-insensitive word matching across path, symbols and summary, ranked.
export interface Searchable {
  path: string;
  symbols: string[];
  summary: string;
}

/**
 * What one query word is worth, by where it matched best: a whole symbol (or its
 * part after a `.`/`:`, so `start` finds Go's `Server.Start`), the start of a symbol
 * or of such a part, inside a symbol, the whole file name (or without extension),
 * inside the file name, the path, the summary. An entry's score is the sum over words.
 */
export const MATCH_SCORES = {
  symbolExact: 100,
  symbolPrefix: 60,
  symbolSubstring: 40,
  basenameExact: 35,
  basename: 30,
  path: 20,
  summary: 10,
} as const;

/**
 * Each entry is one lowercase string `path \0 symbol \0 symbol ... \0 summary`:
 * one native `includes` per word rejects most entries, and every tier is an
 * `indexOf` within a field's bounds, with no per-entry arrays to allocate or chase.
 */
const SEP = '\0';

/** `needle` occurs in `h` starting at or after `from` and ending at or before `end`. */
function within(h: string, needle: string, from: number, end: number): boolean {
  const at = h.indexOf(needle, from);
  return at !== -1 && at + needle.length <= end;
}

const SEP_CODE = 0;
const DOT = 46;
const COLON = 58;

/**
 * Best tier of a word inside the symbols, which lie between `a` (first SEP) and `b`
 * (last SEP): one forward walk over the word's occurrences, each judged by its neighbours.
 */
function symbolScore(h: string, w: string, a: number, b: number): number {
  let best = 0;
  for (let at = h.indexOf(w, a); at !== -1 && at + w.length <= b; at = h.indexOf(w, at + 1)) {
    const before = h.charCodeAt(at - 1);
    if (before === SEP_CODE || before === DOT || before === COLON) {
      if (h.charCodeAt(at + w.length) === SEP_CODE) return MATCH_SCORES.symbolExact;
      best = MATCH_SCORES.symbolPrefix;
    } else if (best === 0) {
      best = MATCH_SCORES.symbolSubstring;
    }
  }
  return best;
}

/** Best tier of a word in the path, which ends at `a`. */
function pathScore(h: string, w: string, a: number): number {
  const base = h.lastIndexOf('/', a - 1) + 1;
  if (h.startsWith(w, base)) {
    const end = base + w.length;
    const dot = h.lastIndexOf('.', a - 1);
    if (end === a || (end === dot && dot > base)) return MATCH_SCORES.basenameExact;
  }
  if (within(h, w, base, a)) return MATCH_SCORES.basename;
  return within(h, w, 0, a) ? MATCH_SCORES.path : 0;
}

interface Hit {
  score: number;
  index: number;
}

/**
 * A search index over memory entries, built once (lowercasing is done here) and
 * queried many times: 100k entries answer in milliseconds. It copies the list it is
 * given; build a new one when the entries change.
 */
export class MemoryIndex<T extends Searchable> {
  private readonly entries: readonly T[];
  private readonly haystacks: string[];
  /** Position of the first and last SEP of each haystack: the path ends at the first, the summary starts after the last. */
  private readonly firstSep: Int32Array;
  private readonly lastSep: Int32Array;
  /** Each entry's position in path order, computed on first need. */
  private pathRank: Int32Array | undefined;
  private pathOrder: number[] | undefined;

  constructor(entries: readonly T[]) {
    this.entries = [...entries];
    const n = this.entries.length;
    this.haystacks = new Array<string>(n);
    this.firstSep = new Int32Array(n);
    this.lastSep = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const e = this.entries[i] as T;
      const h = `${clean(e.path)}${SEP}${e.symbols.join(SEP)}${SEP}${clean(e.summary)}`.toLowerCase();
      this.haystacks[i] = h;
      this.firstSep[i] = h.indexOf(SEP);
      this.lastSep[i] = h.lastIndexOf(SEP);
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries matching every word of `query`, best first, ties in path order. An empty query returns entries in path order. */
  search(query: string, limit = Infinity): T[] {
    if (!(limit > 0)) return [];
    const words = [...new Set(query.toLowerCase().replaceAll(SEP, ' ').split(/\s+/).filter(Boolean))];
    if (words.length === 0) return this.inPathOrder().slice(0, limit).map((i) => this.entries[i] as T);
    words.sort((x, y) => y.length - x.length); // the longest word rejects the most entries
    const hits: Hit[] = [];
    const keepAll = limit >= this.entries.length;
    const first = new Int32Array(words.length);
    for (let i = 0; i < this.haystacks.length; i++) {
      const score = this.score(i, words, first);
      if (score === 0) continue;
      if (keepAll) hits.push({ score, index: i });
      else this.insertTop(hits, score, i, limit);
    }
    if (keepAll) {
      this.rankPaths(); // many ties to break: compare ranks, not strings
      hits.sort((x, y) => this.compare(x.score, x.index, y.score, y.index));
    }
    return hits.map((h) => this.entries[h.index] as T);
  }

  /** The entry's score for all words, 0 unless every word occurs; `first` is scratch space, one slot per word. */
  private score(i: number, words: readonly string[], first: Int32Array): number {
    const h = this.haystacks[i] as string;
    for (let k = 0; k < words.length; k++) {
      const at = h.indexOf(words[k] as string);
      if (at === -1) return 0;
      first[k] = at;
    }
    const a = this.firstSep[i] as number;
    const b = this.lastSep[i] as number;
    let total = 0;
    for (let k = 0; k < words.length; k++) {
      const w = words[k] as string;
      const at = first[k] as number;
      // The first occurrence tells where to look: past the last SEP only the summary holds
      // the word; inside the symbols the path cannot beat it; in the path, a symbol still may.
      if (at > b) total += MATCH_SCORES.summary;
      else if (at > a) total += symbolScore(h, w, at, b);
      else total += symbolScore(h, w, a, b) || pathScore(h, w, a);
    }
    return total;
  }

  /** Negative when x ranks first: higher score, then path order, then input order. */
  private compare(xScore: number, x: number, yScore: number, y: number): number {
    if (xScore !== yScore) return yScore - xScore;
    if (this.pathRank) return (this.pathRank[x] as number) - (this.pathRank[y] as number);
    const p = (this.entries[x] as T).path;
    const q = (this.entries[y] as T).path;
    return p < q ? -1 : p > q ? 1 : x - y;
  }

  /** Keep the best `limit` hits in order, by binary insertion: no sort of every match, no allocation for a loser. */
  private insertTop(top: Hit[], score: number, index: number, limit: number): void {
    const last = top[top.length - 1];
    if (top.length >= limit && last && this.compare(score, index, last.score, last.index) >= 0) return;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = top[mid] as Hit;
      if (this.compare(m.score, m.index, score, index) < 0) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, { score, index });
    if (top.length > limit) top.pop();
  }

  private inPathOrder(): number[] {
    this.pathOrder ??= this.entries
      .map((_, i) => i)
      .sort((x, y) => {
        const p = (this.entries[x] as T).path;
        const q = (this.entries[y] as T).path;
        return p < q ? -1 : p > q ? 1 : x - y;
      });
    return this.pathOrder;
  }

  private rankPaths(): void {
    if (this.pathRank) return;
    const rank = new Int32Array(this.entries.length);
    this.inPathOrder().forEach((entry, position) => (rank[entry] = position));
    this.pathRank = rank;
  }
}

/** A path or summary can hold no separator (git paths never do; this guards other callers). */
function clean(text: string): string {
  return text.includes(SEP) ? text.replaceAll(SEP, ' ') : text;
}

/**
 * Entries matching every word of `query`, best first. An empty query returns entries in path order.
 * Builds an index per call: keep a MemoryIndex to query the same entries repeatedly.
 */
export function searchMemory<T extends Searchable>(entries: readonly T[], query: string, limit = Infinity): T[] {
  return new MemoryIndex(entries).search(query, limit);
}
