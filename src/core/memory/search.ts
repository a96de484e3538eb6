// Memory search over file name and path (boosted), symbols (boosted, split on camelCase, snake_case
// and `.`/`::`), summary and language: the engine of core/memory/engine.ts (BM25, MiniSearch's
// scoring). Any word may match; entries matching more of the query's words come first, then by
// score; ties go to the shallower, shorter path. Prefix matching, and one-edit fuzzy matching for
// longer words. The index is built once and updated in place (add/remove: a small overlay and masked
// entries, merged into a new segment when the overlay grows): never rebuilt per query.
import { buildSegment, mergeSegments, searchParts, type Part, type Searchable, type Segment } from './engine';
import { queryTerms } from './tokens';

export { FIELD_BOOSTS, type Searchable } from './engine';
export { StoredIndex, UnusableIndexError, type StoredEntry } from './storedIndex';

/** Whether a query has words to search for (an empty one lists entries instead). */
export const hasWords = (query: string): boolean => queryTerms(query).length > 0;

/** Overlay entries folded into the base when they exceed this share of it (and 1,000 entries). */
const FOLD_SHARE = 0.125;

interface Built<T> {
  segment: Segment;
  entries: T[];
}

function build<T extends Searchable>(list: readonly T[]): Built<T> {
  const { segment, order } = buildSegment(list);
  return { segment, entries: Array.from(order, (i) => list[i] as T) };
}

/**
 * A search index over memory entries, queried many times and kept current with add/remove.
 * The entries themselves are not copied: the index keeps references (treat them as immutable).
 */
export class SearchIndex<T extends Searchable> {
  private base!: Built<T>;
  private dead!: Uint8Array;
  private deadCount = 0;
  private readonly docOf = new Map<T, number>();
  private readonly overlay = new Set<T>();
  private overlayBuilt: Built<T> | undefined;
  private pathOrder: T[] | undefined;

  constructor(entries: readonly T[] = []) {
    this.rebuild([...new Set(entries)]);
  }

  get size(): number {
    return this.docOf.size + this.overlay.size;
  }

  /** Index an entry (a no-op when it is already indexed). */
  add(entry: T): void {
    if (this.docOf.has(entry) || this.overlay.has(entry)) return;
    this.overlay.add(entry);
    this.overlayBuilt = undefined;
    this.pathOrder = undefined;
  }

  /** Drop an entry from the index (a no-op when it is not indexed). */
  remove(entry: T): void {
    const d = this.docOf.get(entry);
    if (d !== undefined) {
      this.docOf.delete(entry);
      this.dead[d] = 1;
      this.deadCount++;
    } else if (this.overlay.delete(entry)) {
      this.overlayBuilt = undefined;
    } else return;
    this.pathOrder = undefined;
  }

  /** Entries matching any word of `query`, best first (see the file header). An empty query returns entries in path order. */
  search(query: string, limit = Infinity): T[] {
    if (!(limit > 0)) return [];
    if (queryTerms(query).length === 0) return this.inPathOrder().slice(0, limit);
    const parts = this.parts();
    const hits = searchParts(parts.map((p) => p.part), query, limit);
    return hits.map((h) => (parts[h.part] as { entries: T[] }).entries[h.doc] as T);
  }

  private parts(): { part: Part; entries: T[] }[] {
    if (this.overlay.size > 1000 && this.overlay.size + this.deadCount > this.base.segment.n * FOLD_SHARE) this.fold();
    const out = [{ part: { segment: this.base.segment, dead: this.deadCount > 0 ? this.dead : null, group: -1, totals: undefined }, entries: this.base.entries }];
    if (this.overlay.size > 0) {
      this.overlayBuilt ??= build([...this.overlay]);
      out.push({ part: { segment: this.overlayBuilt.segment, dead: null, group: -1, totals: undefined }, entries: this.overlayBuilt.entries });
    }
    return out;
  }

  /** The overlay and the mask merged into a new base (engine.ts mergeSegments: nothing tokenized again). */
  private fold(): void {
    this.overlayBuilt ??= build([...this.overlay]);
    const overlay = this.overlayBuilt;
    const { segment, from } = mergeSegments(this.base.segment, this.deadCount > 0 ? this.dead : null, overlay.segment);
    const entries = Array.from(from, (src) => (src >= 0 ? this.base.entries[src] : overlay.entries[-1 - src]) as T);
    this.base = { segment, entries };
    this.dead = new Uint8Array(segment.n);
    this.deadCount = 0;
    this.docOf.clear();
    entries.forEach((e, d) => this.docOf.set(e, d));
    this.overlay.clear();
    this.overlayBuilt = undefined;
  }

  private rebuild(list: T[]): void {
    this.base = build(list);
    this.dead = new Uint8Array(this.base.segment.n);
    this.deadCount = 0;
    this.docOf.clear();
    this.base.entries.forEach((e, d) => this.docOf.set(e, d));
    this.overlay.clear();
    this.overlayBuilt = undefined;
  }

  private inPathOrder(): T[] {
    this.pathOrder ??= [...this.docOf.keys(), ...this.overlay].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return this.pathOrder;
  }
}

/**
 * Entries matching `query`, best first. An empty query returns entries in path order.
 * Builds an index per call: keep a SearchIndex to query the same entries repeatedly.
 */
export function searchMemory<T extends Searchable>(entries: readonly T[], query: string, limit = Infinity): T[] {
  return new SearchIndex(entries).search(query, limit);
}
