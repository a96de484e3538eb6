// Memory search: case-insensitive word matching across path, symbols and summary, ranked.
export interface Searchable {
  path: string;
  symbols: string[];
  summary: string;
}

/** Entries matching every word of `query`, best first. An empty query returns entries in path order. */
export function searchMemory<T extends Searchable>(entries: readonly T[], query: string, limit = Infinity): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries].sort((a, b) => cmp(a.path, b.path)).slice(0, limit);
  const scored: { e: T; s: number }[] = [];
  for (const e of entries) {
    const path = e.path.toLowerCase();
    const symbols = e.symbols.map((s) => s.toLowerCase());
    const summary = e.summary.toLowerCase();
    let score = 0;
    for (const w of words) {
      const s = (symbols.includes(w) ? 8 : symbols.some((x) => x.includes(w)) ? 4 : 0) + (path.includes(w) ? 2 : 0) + (summary.includes(w) ? 1 : 0);
      if (s === 0) {
        score = 0;
        break;
      }
      score += s;
    }
    if (score > 0) scored.push({ e, s: score });
  }
  scored.sort((a, b) => b.s - a.s || cmp(a.e.path, b.e.path));
  return scored.slice(0, limit).map((x) => x.e);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
