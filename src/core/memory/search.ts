// Memory search with a real engine: MiniSearch (BM25 ranking) over file name and path (boosted),
// symbols (boosted, split on camelCase, snake_case and `.`/`::`), summary and language. Any word
// may match; entries matching more of the query's words come first, then by score; ties go to the
// shallower, shorter path. Prefix matching, and one-edit fuzzy matching for longer words.
// The index is built once and updated in place (add/remove): never rebuilt per query.
import MiniSearch, { type SearchResult } from 'minisearch';

export interface Searchable {
  path: string;
  symbols: string[];
  summary: string;
  language?: string;
}

/** Field boosts: a hit in the file name or a symbol says more than one in a folder name or the summary. */
export const FIELD_BOOSTS = { name: 6, symbols: 3, path: 1.5, summary: 1, language: 0.5 } as const;

const FIELDS = Object.keys(FIELD_BOOSTS) as (keyof typeof FIELD_BOOSTS)[];

/** Words of an identifier or text: `parseConfigFile` → parse, config, file; `HTTPServer` → http, server. */
function words(text: string): string[] {
  return text
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Index terms of a field: its words, plus each whole identifier (`runSync` is found as `runsync` too). */
function tokenize(text: string, field?: string): string[] {
  if (field === 'summary') return summaryWords(text);
  const out: string[] = [];
  const wholes = text.split(/[\s/]+/);
  for (const whole of wholes) {
    const bare = whole.replace(/^[^\p{L}\p{N}_$]+|[^\p{L}\p{N}_$]+$/gu, '');
    if (bare) out.push(bare);
    // `res.cookie`, `Server.Start`, `Store::path`: the last part alone is a name too.
    const last = whole.split(/\.|::/).pop();
    if (last && last !== whole) out.push(last);
  }
  for (const w of words(text)) out.push(w);
  return [...new Set(out)];
}

/** Words of a summary, at most the first 40 (a summary is one sentence or two). */
function summaryWords(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u, 41).filter(Boolean);
}

/**
 * A query's words: split on spaces, slashes and punctuation, never on case (a camelCase query
 * matches a whole identifier). A word joined by `.` or `::` (`a.ts`, `res.cookie`, `Store::path`) is
 * looked for whole; one joined by `_` or `-` also by its parts.
 */
function queryTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[^\p{L}\p{N}_$.:-]+/u)) {
    const w = raw.replace(/^[^\p{L}\p{N}_$]+|[^\p{L}\p{N}_$]+$/gu, '');
    if (!w) continue;
    out.push(w);
    if (/[_-]/.test(w) && !/[.:]/.test(w)) out.push(...w.split(/[_-]+/).filter(Boolean));
  }
  return out;
}

const processTerm = (term: string): string | null => (term.length > 0 ? term.toLowerCase() : null);

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.indexOf('.', 1);
  return dot > 0 ? `${name} ${name.slice(0, dot)}` : name;
}

/** Shallower first, then shorter, then path order: `src/router.ts` before `src/deep/nested/router.ts`. */
function comparePaths(a: string, b: string): number {
  const depth = depthOf(a) - depthOf(b);
  if (depth !== 0) return depth;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function depthOf(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) n++;
  return n;
}

/**
 * A search index over memory entries, queried many times and kept current with add/remove.
 * The entries themselves are not copied: the index keeps references (treat them as immutable).
 */
export class SearchIndex<T extends Searchable> {
  private readonly ids = new Map<T, number>();
  private readonly byId = new Map<number, T>();
  private nextId = 0;
  private readonly engine: MiniSearch<T>;
  private pathOrder: T[] | undefined;

  constructor(entries: readonly T[] = []) {
    this.engine = new MiniSearch<T>({
      fields: FIELDS,
      storeFields: [],
      idField: 'id',
      extractField: (doc, field) => {
        if (field === 'id') return this.ids.get(doc);
        if (field === 'name') return baseName(doc.path);
        if (field === 'path') return doc.path.slice(0, doc.path.lastIndexOf('/') + 1);
        if (field === 'symbols') return doc.symbols.join(' ');
        if (field === 'language') return doc.language ?? '';
        return doc.summary;
      },
      tokenize,
      processTerm,
      // No background vacuuming: MiniSearch's asynchronous vacuum crashed ("reading 'keys'") when the
      // index changed under it in the extension host. Discarded documents are filtered from results.
      autoVacuum: false,
      searchOptions: {
        boost: FIELD_BOOSTS,
        combineWith: 'OR',
        prefix: (term) => term.length >= 3,
        fuzzy: (term) => (term.length >= 6 ? 0.2 : false),
        maxFuzzy: 1,
        tokenize: queryTokens,
        processTerm,
        weights: { fuzzy: 0.2, prefix: 0.2 },
      },
    });
    for (const e of entries) this.add(e);
  }

  get size(): number {
    return this.ids.size;
  }

  /** Index an entry (a no-op when it is already indexed). */
  add(entry: T): void {
    if (this.ids.has(entry)) return;
    const id = this.nextId++;
    this.ids.set(entry, id);
    this.byId.set(id, entry);
    this.engine.add(entry);
    this.pathOrder = undefined;
  }

  /** Drop an entry from the index (a no-op when it is not indexed). */
  remove(entry: T): void {
    const id = this.ids.get(entry);
    if (id === undefined) return;
    this.ids.delete(entry);
    this.byId.delete(id);
    this.engine.discard(id);
    this.pathOrder = undefined;
  }

  /** Entries matching any word of `query`, best first (see the file header). An empty query returns entries in path order. */
  search(query: string, limit = Infinity): T[] {
    if (!(limit > 0)) return [];
    const tokens = queryTokens(query);
    if (tokens.length === 0) return this.inPathOrder().slice(0, limit);
    const results = this.engine.search(query);
    const wanted = new Set(tokens.map((t) => t.toLowerCase()));
    // Results come in score order: bucket them by how many query words they match (more first), keeping
    // that order, and sort only the part returned (plus its score ties) by the full order.
    const buckets: SearchResult[][] = [];
    for (const r of results) (buckets[wanted.size - matchedWords(r, wanted)] ??= []).push(r);
    const out: T[] = [];
    for (const bucket of buckets) {
      if (!bucket || out.length >= limit) continue;
      let end = Math.min(bucket.length, limit - out.length);
      const last = bucket[end - 1]?.score;
      while (end < bucket.length && bucket[end]?.score === last) end++;
      const part = bucket.slice(0, end).map((r) => ({ score: r.score, entry: this.byId.get(r.id as number) as T }));
      part.sort((x, y) => y.score - x.score || comparePaths(x.entry.path, y.entry.path));
      for (const p of part) if (out.length < limit) out.push(p.entry);
    }
    return out;
  }

  private inPathOrder(): T[] {
    this.pathOrder ??= [...this.ids.keys()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return this.pathOrder;
  }
}

function matchedWords(r: SearchResult, wanted: ReadonlySet<string>): number {
  let n = 0;
  for (const t of new Set(r.queryTerms)) if (wanted.has(t)) n++;
  return n;
}

/**
 * Entries matching `query`, best first. An empty query returns entries in path order.
 * Builds an index per call: keep a SearchIndex to query the same entries repeatedly.
 */
export function searchMemory<T extends Searchable>(entries: readonly T[], query: string, limit = Infinity): T[] {
  return new SearchIndex(entries).search(query, limit);
}
