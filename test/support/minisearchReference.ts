// The memory search as it was before core/memory/engine.ts replaced it: MiniSearch with the same
// fields, boosts, tokenizers and options, results bucketed by words matched (common words aside), then score, then path.
// Kept (with minisearch as a devDependency) only as the reference the engine's rankings are checked against.
import MiniSearch, { type SearchResult } from 'minisearch';
import { ABBREVIATION_WEIGHT, abbreviations, FIELD_BOOSTS, identifierWords, isCommon, joinedPairs, STEM_WEIGHT, type Searchable } from '../../src/core/memory/engine';
import { baseName, comparePaths, queryTerms, queryTokens, stems, tokenize } from '../../src/core/memory/tokens';

const FIELDS = Object.keys(FIELD_BOOSTS) as (keyof typeof FIELD_BOOSTS)[];
const processTerm = (term: string): string | null => (term.length > 0 ? term.toLowerCase() : null);

export class MiniSearchReference<T extends Searchable> {
  private readonly ids = new Map<T, number>();
  private readonly byId = new Map<number, T>();
  private readonly engine: MiniSearch<T>;

  constructor(entries: readonly T[]) {
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
    entries.forEach((e, id) => {
      this.ids.set(e, id);
      this.byId.set(id, e);
      this.engine.add(e);
    });
  }

  search(query: string, limit = Infinity): T[] {
    const tokens = queryTokens(query);
    const wanted = new Set(tokens.map((t) => t.toLowerCase()));
    // MiniSearch's score is the sum over matched terms times their number; the engine's adds the
    // exact match of each joined pair (see joinedPairs) and counts it as both of its words.
    const docs = new Map<number, { sum: number; words: Set<string> }>();
    const at = (id: number) => docs.get(id) ?? docs.set(id, { sum: 0, words: new Set() }).get(id)!;
    for (const r of this.engine.search(query)) {
      const d = at(r.id as number);
      d.sum += r.score / (r.queryTerms.length || 1);
      for (const t of r.queryTerms) d.words.add(t);
    }
    for (const { joined, a, b } of joinedPairs(queryTerms(query))) {
      for (const r of this.engine.search(joined, { prefix: false, fuzzy: false })) {
        const d = at(r.id as number);
        d.sum += r.score;
        d.words.add(a).add(b);
      }
    }
    // And a file name that is a query word's beginning (see abbreviations), at ABBREVIATION_WEIGHT.
    const terms = queryTerms(query);
    const words = new Set(terms);
    // A query word's stems (see stems), exact, at STEM_WEIGHT.
    for (const q of terms) {
      for (const stem of stems(q)) {
        if (words.has(stem)) continue;
        for (const r of this.engine.search(stem, { prefix: false, fuzzy: false })) {
          const d = at(r.id as number);
          d.sum += STEM_WEIGHT * r.score;
          d.words.add(q);
        }
      }
    }
    const identifiers = identifierWords(query);
    for (const q of terms) {
      if (identifiers.has(q)) continue;
      for (const short of abbreviations(q, words)) {
        for (const r of this.engine.search(short, { prefix: false, fuzzy: false, fields: ['name'] })) {
          const d = at(r.id as number);
          d.sum += ABBREVIATION_WEIGHT * r.score;
          d.words.add(q);
        }
      }
    }
    // A word more than a third of the documents match counts as none of the words matched, unless all are (see isCommon).
    const matchedBy = new Map<string, number>();
    for (const d of docs.values()) for (const w of d.words) matchedBy.set(w, (matchedBy.get(w) ?? 0) + 1);
    const common = new Set([...wanted].filter((w) => isCommon(matchedBy.get(w) ?? 0, this.byId.size)));
    if (common.size === wanted.size) common.clear();
    const results = [...docs].map(([id, d]) => {
      const matched = [...d.words].filter((w) => !common.has(w));
      return { id, score: d.sum * Math.max(1, matched.length), queryTerms: matched } as unknown as SearchResult;
    });
    const buckets: SearchResult[][] = [];
    for (const r of results) (buckets[wanted.size - common.size - new Set(r.queryTerms).size] ??= []).push(r);
    const out: T[] = [];
    for (const bucket of buckets) {
      if (!bucket || out.length >= limit) continue;
      // Best first before the cut (documents found by the joined pairs and abbreviations come last in `docs`).
      bucket.sort((x, y) => y.score - x.score);
      let end = Math.min(bucket.length, limit - out.length);
      const last = bucket[end - 1]?.score;
      while (end < bucket.length && bucket[end]?.score === last) end++;
      const part = bucket.slice(0, end).map((r) => ({ score: r.score, entry: this.byId.get(r.id as number) as T }));
      part.sort((x, y) => y.score - x.score || comparePaths(x.entry.path, y.entry.path));
      for (const p of part) if (out.length < limit) out.push(p.entry);
    }
    return out;
  }
}
