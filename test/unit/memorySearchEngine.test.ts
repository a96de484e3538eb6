// The memory search engine (core/memory/engine.ts) against the MiniSearch setup it replaced: the
// same rankings on the labelled corpus and on generated entries; an index changed in place (overlay,
// masked entries) answers as one built afresh; the fuzzy candidates are exactly the terms one edit away.
import assert from 'node:assert/strict';
import { extractFacts, loadMemoryParsers, SearchIndex, type Searchable } from '../../src/core/memory';
import { buildSegment, MAX_PREFIX_TERMS } from '../../src/core/memory/engine';
import { StoredIndex } from '../../src/core/memory/search';
import { loadCorpus } from '../fixtures/memory-corpus/corpus';
import { MiniSearchReference } from '../support/minisearchReference';

const paths = (xs: readonly Searchable[]) => xs.map((x) => x.path);

/** A deterministic pseudo-random sequence. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ['sync', 'syncer', 'config', 'configure', 'parse', 'parser', 'handler', 'handle', 'router', 'route', 'cookie', 'server', 'client', 'index', 'store', 'storage', 'memory', 'search', 'token', 'tokenize'];

function generated(n: number, seed: number): Searchable[] {
  const r = random(seed);
  const pick = () => WORDS[Math.floor(r() * WORDS.length)] as string;
  return Array.from({ length: n }, (_, i) => ({
    path: `${r() < 0.5 ? 'src/' : ''}${pick()}${r() < 0.3 ? `/${pick()}` : ''}/${pick()}${i % 7}.${r() < 0.5 ? 'ts' : 'md'}`,
    symbols: Array.from({ length: Math.floor(r() * 4) }, () => (r() < 0.5 ? `${pick()}${pick()[0]?.toUpperCase()}${pick().slice(1)}` : `${pick()}_${pick()}`)),
    summary: r() < 0.5 ? `Keeps the ${pick()} and the ${pick()} in ${pick()}.` : '',
    language: r() < 0.5 ? 'typescript' : 'markdown',
  }));
}

const QUERIES = ['where is the handler', 'the is', 'from parser', 'handlers', 'routes', 'storages', 'cookies server', 'parseConfig', 'syncConfig handler', 'sync', 'syncer config', 'configg', 'parse json', 'handler', 'route', 'rout', 'cookie server', 'storag', 'tokenizer', 'memory search', 'typescript', 'index.ts', 'parse_config', 'sync sync', 'SYNC', 'x', 'nothing-like-this', 'typescript handler', 'markdown cookie server', 'typescript markdown'];

describe('memory: search engine', () => {
  it('ranks the corpus exactly as the MiniSearch setup it replaced (every query, every result)', async function () {
    this.timeout(60_000);
    await loadMemoryParsers();
    const corpus = loadCorpus();
    const facts = corpus.files.map((f) => extractFacts({ path: f.repoPath, blobSha: 'a'.repeat(40), mode: '100644', size: f.bytes.length, content: f.bytes, maxFileSize: 1_048_576 }));
    const entries = corpus.files.map((f, i) => ({ path: f.repoPath, symbols: facts[i]?.symbols ?? [], summary: facts[i]?.summary ?? '', language: facts[i]?.language }));
    const ours = new SearchIndex(entries);
    const reference = new MiniSearchReference(entries);
    const queries = [...corpus.queries.map((q) => q.query), ...QUERIES];
    assert.ok(queries.length > 20);
    for (const q of queries) {
      assert.deepEqual(paths(ours.search(q, 10)), paths(reference.search(q, 10)), q);
      assert.deepEqual(paths(ours.search(q)), paths(reference.search(q)), q);
    }
  });

  it('ranks generated entries exactly as MiniSearch did, with and without a limit', () => {
    const entries = generated(3_000, 7);
    const ours = new SearchIndex(entries);
    const reference = new MiniSearchReference(entries);
    for (const q of QUERIES) {
      const all = paths(reference.search(q));
      assert.deepEqual(paths(ours.search(q)), all, q);
      assert.deepEqual(paths(ours.search(q, 25)), all.slice(0, 25), q);
    }
  });

  it('answers after adds and removes (overlay, masked entries, folding) exactly as an index built afresh', () => {
    const entries = generated(4_000, 11);
    const index = new SearchIndex(entries.slice(0, 2_500));
    const live = new Set(entries.slice(0, 2_500));
    const r = random(3);
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 150; k++) {
        const e = entries[Math.floor(r() * 2_500)] as Searchable;
        index.remove(e);
        live.delete(e);
      }
      for (const e of entries.slice(2_500 + round * 250, 2_750 + round * 250)) {
        index.add(e);
        live.add(e);
      }
      const fresh = new SearchIndex([...live]);
      assert.equal(index.size, live.size);
      for (const q of QUERIES) assert.deepEqual(paths(index.search(q, 30)), paths(fresh.search(q, 30)), `round ${round}: ${q}`);
    }
  });

  it('folds a stored index (overlay and masked entries merged, nothing tokenized again) into the very file a fresh build writes', () => {
    type E = Searchable & { n: number };
    const entries: E[] = generated(3_000, 13).map((e, i) => ({ ...e, path: `${e.path.slice(0, -3)}-${i}${e.path.slice(-3)}`, n: i }));
    const groupOf = (i: number): string => (i % 3 === 0 ? 'github.com/o/b' : 'github.com/o/a');
    const live = new Map<string, Map<string, E>>([['github.com/o/a', new Map()], ['github.com/o/b', new Map()]]);
    const base = entries.slice(0, 2_000);
    base.forEach((e, i) => live.get(groupOf(i))?.set(e.path, e));
    const index = StoredIndex.build(new Map([...live].map(([g, m]) => [g, [...m.values()]])), { v: 1 });
    const r = random(17);
    for (let k = 0; k < 300; k++) {
      const i = Math.floor(r() * 2_000);
      index.supersede(groupOf(i), (entries[i] as E).path);
      live.get(groupOf(i))?.delete((entries[i] as E).path);
    }
    for (let i = 2_000; i < 2_600; i++) {
      // New entries, and new versions of existing paths.
      const e = i % 4 === 0 ? { ...(entries[i - 2_000] as E), summary: 'a new version', n: i } : (entries[i] as E);
      const g = groupOf(i % 4 === 0 ? i - 2_000 : i);
      index.introduce(g, e);
      live.get(g)?.set(e.path, e);
    }
    const fresh = StoredIndex.build(new Map([...live].map(([g, m]) => [g, [...m.values()]])), { v: 1 });
    for (const q of QUERIES) for (const g of [undefined, 'github.com/o/a', 'github.com/o/b']) assert.deepEqual(index.search(q, 40, g), fresh.search(q, 40, g), `${q} in ${g ?? 'every group'}`);
    const folded = index.toBytes();
    assert.deepEqual(Buffer.from(folded), Buffer.from(fresh.toBytes()));
    const reopened = StoredIndex.open<E>(folded);
    for (const q of QUERIES) assert.deepEqual(reopened.search(q, 40), fresh.search(q, 40), q);
  });

  it('a word that begins thousands of terms: the files with the word come first, then the shortest expansions; in place as afresh', () => {
    // As in the benchmark's repository (11,853 terms begin with `alpha`): each file a symbol of its own.
    const r = random(23);
    const entries: Searchable[] = Array.from({ length: 3_000 }, (_, i) => ({
      path: `src/mod${i % 50}/file${i}.ts`,
      symbols: [i % 500 === 0 ? 'alpha' : `alpha${Math.floor(r() * 10 ** (1 + (i % 5)))}x${i}`],
      summary: '',
      language: 'typescript',
    }));
    const expansions = new Set(entries.flatMap((e) => e.symbols).filter((t) => t !== 'alpha'));
    assert.ok(expansions.size > MAX_PREFIX_TERMS * 4, 'far more expansions than are scored');
    const kept = (live: readonly Searchable[]) => new Set([...new Set(live.flatMap((e) => e.symbols).filter((t) => t !== 'alpha'))].sort((x, y) => x.length - y.length || (x < y ? -1 : 1)).slice(0, MAX_PREFIX_TERMS));
    const index = new SearchIndex(entries);
    const hits = index.search('alpha');
    assert.deepEqual(paths(hits.slice(0, 6)).sort(), paths(entries.filter((e) => e.symbols[0] === 'alpha')).sort(), 'the files with the word itself first');
    const shortest = kept(entries);
    assert.equal(hits.length, 6 + MAX_PREFIX_TERMS);
    assert.ok(hits.slice(6).every((h) => shortest.has(h.symbols[0] as string)), 'then files of the shortest expansions only');
    // Superseded files leave their terms in the index changed in place: they take no expansion's place.
    const live = new Set(entries);
    for (const e of entries) {
      if (shortest.has(e.symbols[0] as string) && r() < 0.5) {
        index.remove(e);
        live.delete(e);
      }
    }
    const fresh = new SearchIndex([...live]);
    assert.deepEqual(paths(index.search('alpha')), paths(fresh.search('alpha')));
    const now = kept([...live]);
    assert.ok(index.search('alpha').slice(6).every((h) => now.has(h.symbols[0] as string)));
    assert.deepEqual(paths(index.search('alpha', 40)), paths(fresh.search('alpha', 40)));
  });

  it('finds as fuzzy candidates exactly the terms one edit away that do not begin with the word', () => {
    const r = random(5);
    const alphabet = 'abcé\u{1F600}'.split('');
    const word = () => Array.from({ length: 3 + Math.floor(r() * 5) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    const terms = [...new Set(Array.from({ length: 3_000 }, word))];
    const { segment } = buildSegment(terms.map((t) => ({ path: `${t}/x`, symbols: [], summary: '' })));
    const dictionary = Array.from({ length: segment.termCount }, (_, i) => segment.term(i));
    for (let k = 0; k < 300; k++) {
      const q = k < 150 ? (dictionary[Math.floor(r() * dictionary.length)] as string) : word();
      const expected = dictionary.filter((t) => !t.startsWith(q) && levenshtein(q, t) === 1).sort();
      const found = segment.fuzzy(q).map((i) => segment.term(i)).sort();
      assert.deepEqual(found, expected, q);
    }
  });
});

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}
