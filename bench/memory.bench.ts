// Benchmark of the project memory on real files: the labelled corpus of test/fixtures/memory-corpus
// (npm packages and Debian files that none of us wrote), then search over 100k entries made of it.
// Run: npm run bench:memory  (add --misses to list every miss)
import { extractFacts, loadMemoryParsers, SearchIndex } from '../src/core/memory';
import { loadCorpus, pct, score, type Facts } from '../test/fixtures/memory-corpus/corpus';

/** CPU milliseconds (user + system) of fn: on a busy machine, wall time mostly measures the wait for a core. */
function cpu<T>(fn: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const r = fn();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1000];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const [, loadMs] = await (async () => {
    const t = performance.now();
    await loadMemoryParsers();
    return [undefined, performance.now() - t] as const;
  })();
  const corpus = loadCorpus();
  // The default (regexes, parsers: false), then with the parsers (loaded above).
  const regexFacts = corpus.files.map((f) =>
    extractFacts({ path: f.repoPath, blobSha: 'a'.repeat(40), mode: '100644', size: f.bytes.length, content: f.bytes, maxFileSize: 1_048_576 }, { parsers: false }),
  );
  const regex = score(corpus, regexFacts as (Facts | undefined)[], () => []);
  for (const s of corpus.skipped) console.log(`skipped: ${s}`);
  const extract = () =>
    corpus.files.map((f) =>
      extractFacts({ path: f.repoPath, blobSha: 'a'.repeat(40), mode: '100644', size: f.bytes.length, content: f.bytes, maxFileSize: 1_048_576 }),
    );
  extract(); // warm-up (JIT)
  const [facts, extractMs] = cpu(extract);
  const bytes = corpus.files.reduce((n, f) => n + f.bytes.length, 0);
  const entries = corpus.files.map((f, i) => ({ path: f.repoPath, symbols: facts[i]?.symbols ?? [], summary: facts[i]?.summary ?? '', language: facts[i]?.language ?? 'plaintext' }));
  const small = new SearchIndex(entries);
  const s = score(corpus, facts as (Facts | undefined)[], (q) => small.search(q, 10).map((e) => e.path));

  // 100k entries: the corpus's facts repeated under other folders, as a large monorepo would hold them.
  const big: typeof entries = [];
  for (let k = 0; big.length < 100_000; k++) for (const e of entries) if (big.length < 100_000) big.push({ ...e, path: `mirror/r${k}/${e.path}` });
  big.push(...entries);
  const [index, buildMs] = cpu(() => new SearchIndex(big));
  for (const q of corpus.queries) index.search(q.query, 20); // warm-up
  const times = corpus.queries.map((q) => cpu(() => index.search(q.query, 20))[1]);

  console.log(`corpus: ${s.files} files, ${s.languages} languages, ${(bytes / 1e6).toFixed(2)} MB; ${corpus.queries.length} queries`);
  console.log(`symbols (regexes, the default): recall ${pct(regex.symbolRecall)}, precision ${pct(regex.symbolPrecision)}`);
  console.log(`symbols (parsers): recall ${pct(s.symbolRecall)}, precision ${pct(s.symbolPrecision)}`);
  console.log(`language accuracy: ${pct(s.languageAccuracy)}`);
  console.log(`summary usefulness: ${pct(s.summaryUseful)} of ${s.summaryLabelled} labelled files`);
  console.log(`queries: top-1 ${pct(s.top1)}, top-3 ${pct(s.top3)}`);
  console.log(`search at ${big.length} entries: index built in ${buildMs.toFixed(0)} ms CPU; query median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
  console.log(`extraction: ${((bytes / 1e6) / (extractMs / 1000)).toFixed(1)} MB/s per core (${extractMs.toFixed(0)} ms CPU); parsers loaded in ${loadMs.toFixed(0)} ms`);
  if (process.argv.includes('--misses')) {
    for (const [kind, list] of Object.entries(s.misses)) for (const m of list) console.log(`miss ${kind}: ${m}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
