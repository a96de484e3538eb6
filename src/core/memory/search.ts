// Memory search: case-insensitive word matching across path, symbols and summary, ranked.
export interface Searchable {
  path: string;
  symbols: string[];
  summary: string;
}

/**
 * What one query word is worth, by where it matched best: a whole symbol (or the
 * part after a `.`/`::`, so `start` finds Go's `Server.Start`), the start of a
 * symbol, inside a symbol, the file name, the path, the summary.
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

interface Prepared<T> {
  entry: T;
  path: string;
  basename: string;
  stem: string;
  symbols: string[];
  tails: string[];
  summary: string;
  /** Every field joined: one `includes` rejects most entries before any scoring. */
  haystack: string;
}

function prepare<T extends Searchable>(entry: T): Prepared<T> {
  const path = entry.path.toLowerCase();
  const basename = path.slice(path.lastIndexOf('/') + 1);
  const dot = basename.lastIndexOf('.');
  const symbols = entry.symbols.map((s) => s.toLowerCase());
  const summary = entry.summary.toLowerCase();
  return {
    entry,
    path,
    basename,
    stem: dot > 0 ? basename.slice(0, dot) : basename,
    symbols,
    tails: symbols.map((s) => s.slice(Math.max(s.lastIndexOf('.'), s.lastIndexOf(':')) + 1)),
    summary,
    haystack: `${path}\n${symbols.join('\n')}\n${summary}`,
  };
}

function symbolScore(p: Prepared<unknown>, word: string): number {
  let best = 0;
  for (let i = 0; i < p.symbols.length; i++) {
    const s = p.symbols[i] ?? '';
    const tail = p.tails[i] ?? '';
    if (s === word || tail === word) return MATCH_SCORES.symbolExact;
    if (s.startsWith(word) || tail.startsWith(word)) best = MATCH_SCORES.symbolPrefix;
    else if (best === 0 && s.includes(word)) best = MATCH_SCORES.symbolSubstring;
  }
  return best;
}

/** The best score of one word in one entry; 0 when it matches nowhere. */
function wordScore(p: Prepared<unknown>, word: string): number {
  const s = symbolScore(p, word);
  if (s > 0) return s;
  if (p.basename === word || p.stem === word) return MATCH_SCORES.basenameExact;
  if (p.basename.includes(word)) return MATCH_SCORES.basename;
  if (p.path.includes(word)) return MATCH_SCORES.path;
  return p.summary.includes(word) ? MATCH_SCORES.summary : 0;
}

interface Hit {
  score: number;
  /** Position in path order: the tie-breaker. */
  rank: number;
}

/** Keep the best `limit` hits, best first, earlier path first among equals. */
function insertTop(top: Hit[], hit: Hit, limit: number): void {
  const last = top[top.length - 1];
  if (top.length >= limit && last && hit.score <= last.score) return;
  let lo = 0;
  let hi = top.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((top[mid]?.score ?? 0) >= hit.score) lo = mid + 1;
    else hi = mid;
  }
  top.splice(lo, 0, hit);
  if (top.length > limit) top.pop();
}

const byPath = (a: Searchable, b: Searchable) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * A search index over memory entries: lowercase fields are computed once, so a
 * query over 100k entries costs a few milliseconds. Rebuild it when the entries change.
 */
export class MemoryIndex<T extends Searchable> {
  private readonly prepared: Prepared<T>[];

  constructor(entries: readonly T[]) {
    this.prepared = [...entries].sort(byPath).map(prepare);
  }

  get size(): number {
    return this.prepared.length;
  }

  /** Entries matching every word of `query`, best first. An empty query returns entries in path order. */
  search(query: string, limit = Infinity): T[] {
    if (!(limit > 0)) return [];
    const words = [...new Set(query.toLowerCase().split(/\s+/).filter(Boolean))];
    if (words.length === 0) return this.prepared.slice(0, limit).map((p) => p.entry);
    const top: Hit[] = [];
    const all = limit === Infinity || limit >= this.prepared.length;
    for (let rank = 0; rank < this.prepared.length; rank++) {
      const score = this.score(rank, words);
      if (score === 0) continue;
      if (all) top.push({ score, rank });
      else insertTop(top, { score, rank }, limit);
    }
    if (all) top.sort((a, b) => b.score - a.score || a.rank - b.rank);
    return top.slice(0, limit).map((h) => (this.prepared[h.rank] as Prepared<T>).entry);
  }

  private score(rank: number, words: readonly string[]): number {
    const p = this.prepared[rank] as Prepared<T>;
    for (const w of words) if (!p.haystack.includes(w)) return 0;
    let total = 0;
    for (const w of words) {
      const s = wordScore(p, w);
      if (s === 0) return 0; // matched only across a field boundary
      total += s;
    }
    return total;
  }
}

/** Entries matching every word of `query`, best first. An empty query returns entries in path order. */
export function searchMemory<T extends Searchable>(entries: readonly T[], query: string, limit = Infinity): T[] {
  return new MemoryIndex(entries).search(query, limit);
}
