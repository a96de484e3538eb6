// The in-memory index of memory entries, rebuilt by replaying each link's memory file in commit
// order. Replay is deferred: open only queues the files (by name, unread), the store reads them
// (load) on the memory's first use and the index is built then, so opening a store, a no-change
// sync or a sync whose base is the chain head never reads or pays for 100k entries. The search
// engine's module is loaded then too (a separate file in the bundles, scripts/engineSplit.mjs).
// Active entries are kept per repository and path; path-sorted views are built on the first query,
// each with its search index (core/memory/search) built by the first query with words
// (listing needs none), and kept current as links are applied (entries added and removed in place),
// so a query only pays for the search.
import type { SearchIndex } from '../core/memory/search';
import type { MemoryEntry, MemoryFacts, RepositoryRef } from '../core/types';
import { repoKey, type MemoryFile } from './schema';

const ALL = '*';

export interface MemoryQuery {
  query?: string;
  includeSuperseded?: boolean;
  limit?: number;
  repository?: RepositoryRef;
}

/** What one link changed in the memory: the content of its memory file. */
export type MemoryChange = Pick<MemoryFile, 'supersede' | 'introduce'>;

/** A queued link's change: known, none, or a memory file not read yet. */
type Queued = MemoryChange | null | { rel: string };

export class MemoryIndex {
  private readonly entries: MemoryEntry[] = [];
  /** Repository key of each entry of `entries`, same index. */
  private readonly entryRepos: string[] = [];
  private readonly position = new Map<string, number>();
  private readonly active = new Map<string, Map<string, MemoryEntry>>();
  private readonly views = new Map<string, View>();
  private pending: Pending[] = [];
  private search: typeof import('../core/memory/search') | undefined;

  /** Queue one committed link for replay (in commit order); applied on the index's first use. */
  defer(syncId: string, repository: RepositoryRef, file: Queued): void {
    this.pending.push({ syncId, repository, file });
  }

  /** Whether `load` must run before the index is used: memory files unread, or the search engine not loaded. */
  get unloaded(): boolean {
    return this.search === undefined || this.pending.some((p) => isUnread(p.file));
  }

  /**
   * Read the queued memory files (`read` validates each) and load the search engine (`engine`: the
   * caller's, already loaded). Until this has run, the index must not be used.
   */
  async load(read: (rel: string, syncId: string) => Promise<MemoryChange>, engine?: typeof import('../core/memory/search')): Promise<void> {
    this.search ??= engine ?? (await import('../core/memory/search'));
    for (const p of this.pending) if (isUnread(p.file)) p.file = await read(p.file.rel, p.syncId);
  }

  private flush(): void {
    if (this.search === undefined) throw new Error('the memory index was used before it was loaded');
    if (this.pending.length === 0) return;
    const queued = this.pending;
    if (queued.some((p) => isUnread(p.file))) throw new Error('the memory index was used before its files were loaded');
    this.pending = [];
    for (const p of queued) this.replay(p.syncId, p.repository, p.file as MemoryChange | null);
  }

  private replay(syncId: string, repository: RepositoryRef, file: MemoryChange | null): void {
    // A link committed in two steps (snapshot, then memory) has two commits: one position.
    if (!this.position.has(syncId)) this.position.set(syncId, this.position.size);
    if (!file || (file.supersede.length === 0 && file.introduce.length === 0)) return;
    const key = repoKey(repository);
    const active = this.activeOf(key);
    for (const path of file.supersede) this.supersede(active, path, syncId);
    const added: MemoryEntry[] = [];
    for (const facts of file.introduce) {
      this.supersede(active, facts.path, syncId);
      const entry: MemoryEntry = { path: facts.path, blobSha: facts.blobSha, language: facts.language, lines: facts.lines, symbols: facts.symbols, summary: facts.summary, introducedBySyncId: syncId, supersededBySyncId: null };
      this.entries.push(entry);
      this.entryRepos.push(key);
      active.set(facts.path, entry);
      added.push(entry);
    }
    if (this.views.size === 0) return;
    added.sort((a, b) => cmp(a.path, b.path));
    for (const view of this.views.values()) this.updateView(view, key, added);
  }

  /** The memory change that makes the repository's active entries equal `target`. */
  planRestore(repository: RepositoryRef, target: readonly MemoryFacts[]): MemoryChange {
    this.flush();
    const active = this.activeOf(repoKey(repository));
    const wanted = new Map(target.map((e) => [e.path, e]));
    const supersede: string[] = [];
    const introduce: MemoryFacts[] = [];
    for (const [path, e] of active) {
      const w = wanted.get(path);
      if (!w || !sameFacts(e, w)) supersede.push(path);
    }
    for (const [path, w] of wanted) {
      const e = active.get(path);
      if (!e || !sameFacts(e, w)) introduce.push(facts(w));
    }
    return { supersede: supersede.sort(), introduce: introduce.sort((a, b) => cmp(a.path, b.path)) };
  }

  /** Entries active right after `syncId` was committed, for its repository. */
  at(syncId: string, repository: RepositoryRef): MemoryEntry[] {
    this.flush();
    const k = this.position.get(syncId);
    if (k === undefined) return [];
    const key = repoKey(repository);
    const out: MemoryEntry[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i] as MemoryEntry;
      if (this.entryRepos[i] !== key) continue;
      const born = this.position.get(e.introducedBySyncId) ?? Infinity;
      const died = e.supersededBySyncId === null ? Infinity : (this.position.get(e.supersededBySyncId) ?? Infinity);
      if (born <= k && died > k) out.push({ ...e });
    }
    return out.sort((a, b) => cmp(a.path, b.path));
  }

  /** Ranked by the view's search index (core/memory/search); with no words, the cached path-ordered view is the answer. */
  query(opts: MemoryQuery = {}): MemoryEntry[] {
    this.flush();
    const view = this.view(opts.includeSuperseded === true, opts.repository);
    const limit = opts.limit ?? Infinity;
    if ((opts.query ?? '').trim() === '') return view.list.slice(0, limit).map((e) => ({ ...e }));
    view.search ??= new (this.search as NonNullable<typeof this.search>).SearchIndex(view.list);
    return view.search.search(opts.query ?? '', limit).map((e) => ({ ...e }));
  }

  /** Every active entry, by repository key (the entries themselves: treat them as read-only). */
  activeByRepository(): Map<string, MemoryEntry[]> {
    this.flush();
    return new Map([...this.active].map(([key, m]) => [key, [...m.values()]]));
  }

  /** The facts of every entry (superseded or not, any repository) of one of these blobs introduced by one of these links, copied. */
  withBlobs(blobShas: ReadonlySet<string>, introducedBy: ReadonlySet<string>): MemoryFacts[] {
    this.flush();
    return this.entries.filter((e) => blobShas.has(e.blobSha) && introducedBy.has(e.introducedBySyncId)).map(facts);
  }

  get size(): number {
    this.flush();
    return this.entries.length;
  }

  private supersede(active: Map<string, MemoryEntry>, path: string, syncId: string): void {
    const e = active.get(path);
    if (!e) return;
    e.supersededBySyncId = syncId;
    active.delete(path);
  }

  private activeOf(key: string): Map<string, MemoryEntry> {
    let m = this.active.get(key);
    if (!m) this.active.set(key, (m = new Map()));
    return m;
  }

  private view(all: boolean, repository?: RepositoryRef): View {
    this.flush();
    const key = `${all ? 'all' : 'active'}:${repository ? repoKey(repository) : ALL}`;
    const hit = this.views.get(key);
    if (hit) return hit;
    const list = all ? this.allSorted(repository) : this.activeSorted(repository);
    const view: View = { all, repo: repository && repoKey(repository), list, search: undefined };
    this.views.set(key, view);
    return view;
  }

  /** Keep a cached view current: drop newly superseded entries, merge the new ones in path order. */
  private updateView(view: View, key: string, added: MemoryEntry[]): void {
    const kept = view.all ? view.list : view.list.filter((e) => e.supersededBySyncId === null);
    if (!view.all && view.search) for (const e of view.list) if (e.supersededBySyncId !== null) view.search.remove(e);
    const incoming = view.repo === undefined || view.repo === key ? added : [];
    const merged: MemoryEntry[] = [];
    let j = 0;
    for (const e of kept) {
      while (j < incoming.length && cmp((incoming[j] as MemoryEntry).path, e.path) < 0) merged.push(incoming[j++] as MemoryEntry);
      merged.push(e);
    }
    while (j < incoming.length) merged.push(incoming[j++] as MemoryEntry);
    view.list = merged;
    if (view.search) for (const e of incoming) view.search.add(e);
  }

  private activeSorted(repository?: RepositoryRef): MemoryEntry[] {
    const maps = repository ? [this.activeOf(repoKey(repository))] : [...this.active.values()];
    return maps.flatMap((m) => [...m.values()]).sort((a, b) => cmp(a.path, b.path));
  }

  private allSorted(repository?: RepositoryRef): MemoryEntry[] {
    const key = repository ? repoKey(repository) : undefined;
    const list = key === undefined ? [...this.entries] : this.entries.filter((_, i) => this.entryRepos[i] === key);
    const born = (e: MemoryEntry): number => this.position.get(e.introducedBySyncId) ?? Infinity;
    return list.sort((a, b) => cmp(a.path, b.path) || born(a) - born(b));
  }
}

interface Pending {
  syncId: string;
  repository: RepositoryRef;
  file: Queued;
}

const isUnread = (f: Queued): f is { rel: string } => f !== null && 'rel' in f;

interface View {
  /** Superseded entries included. */
  all: boolean;
  /** Repository key, or undefined for every repository. */
  repo: string | undefined;
  /** Entries in path order (then commit order). */
  list: MemoryEntry[];
  /** The search index over `list`, built by the first query with words and then updated with it. */
  search: SearchIndex<MemoryEntry> | undefined;
}

export function facts(e: MemoryFacts): MemoryFacts {
  return { path: e.path, blobSha: e.blobSha, language: e.language, lines: e.lines, symbols: [...e.symbols], summary: e.summary };
}

export function sameFacts(a: MemoryFacts, b: MemoryFacts): boolean {
  return (
    a.blobSha === b.blobSha &&
    a.language === b.language &&
    a.lines === b.lines &&
    a.summary === b.summary &&
    a.symbols.length === b.symbols.length &&
    a.symbols.every((s, i) => s === b.symbols[i])
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
