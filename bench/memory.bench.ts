// Benchmark of the project memory on real files: the labelled corpus of test/fixtures/memory-corpus
// (npm packages and Debian files that none of us wrote), then search over 100k entries made of it.
// Then the persisted index (memory.index) at 100k: its build, file size, a fresh process's open and
// queries; and with --store, a 100k-entry storage queried as the CLI does, one process per query.
// Run: npm run bench:memory  (add --misses to list every miss, --store for the storage figures)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractFacts, loadMemoryParsers, SearchIndex } from '../src/core/memory';
import { StoredIndex } from '../src/core/memory/search';
import type { MemoryEntry } from '../src/core/types';
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
  const extractRegex = () =>
    corpus.files.map((f) =>
      extractFacts({ path: f.repoPath, blobSha: 'a'.repeat(40), mode: '100644', size: f.bytes.length, content: f.bytes, maxFileSize: 1_048_576 }, { parsers: false }),
    );
  extractRegex(); // warm-up (JIT)
  const [regexFacts, regexMs] = cpu(extractRegex);
  const regexEntries = corpus.files.map((f, i) => ({ path: f.repoPath, symbols: regexFacts[i]?.symbols ?? [], summary: regexFacts[i]?.summary ?? '', language: regexFacts[i]?.language ?? 'plaintext' }));
  const regexIndex = new SearchIndex(regexEntries);
  const regex = score(corpus, regexFacts as (Facts | undefined)[], (q) => regexIndex.search(q, 10).map((e) => e.path));
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
  console.log(`queries (the default's facts, regexes): top-1 ${pct(regex.top1)}, top-3 ${pct(regex.top3)}`);
  console.log(`queries (the parsers' facts): top-1 ${pct(s.top1)}, top-3 ${pct(s.top3)}`);
  console.log(`search at ${big.length} entries: index built in ${buildMs.toFixed(0)} ms CPU; query median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
  console.log(`extraction (regexes, the default): ${((bytes / 1e6) / (regexMs / 1000)).toFixed(1)} MB/s per core (${regexMs.toFixed(0)} ms CPU)`);
  console.log(`extraction (parsers): ${((bytes / 1e6) / (extractMs / 1000)).toFixed(1)} MB/s per core (${extractMs.toFixed(0)} ms CPU); parsers loaded in ${loadMs.toFixed(0)} ms`);

  // The persisted index over the same 100k entries, as the store keeps them.
  const stored: MemoryEntry[] = big.map((e, i) => ({ ...e, language: e.language, blobSha: (i.toString(16) + 'b'.repeat(40)).slice(0, 40), lines: 100, introducedBySyncId: '1f4ddd3a-0000-4000-8000-000000000000', supersededBySyncId: null }));
  const [persisted, storedBuildMs] = cpu(() => StoredIndex.build(new Map([['github.com/bench/repo', stored]]), { commits: 1, key: 'bench' }));
  const [indexBytes, encodeMs] = cpu(() => persisted.toBytes());
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-memory-index-'));
  try {
    const file = path.join(tmp, 'memory.index');
    writeFileSync(file, indexBytes);
    const probes = Array.from({ length: 3 }, () => probe(file, corpus.queries.map((q) => q.query)));
    const opens = probes.map((p) => p.readMs + p.openMs);
    const qs = probes.flatMap((p) => p.times);
    console.log(
      `memory.index at ${big.length} entries: built in ${storedBuildMs.toFixed(0)} ms CPU, encoded in ${encodeMs.toFixed(0)} ms, ${(indexBytes.byteLength / 1e6).toFixed(1)} MB; ` +
        `fresh process: read + open ${median(opens).toFixed(0)} ms (read ${median(probes.map((p) => p.readMs)).toFixed(0)} + open ${median(probes.map((p) => p.openMs)).toFixed(0)}; max ${Math.max(...opens).toFixed(0)}), ` +
        `first query ${median(probes.map((p) => p.firstQueryMs)).toFixed(1)} ms (read + open + first answer: ${median(probes.map((p) => p.cpuToFirstAnswerMs)).toFixed(0)} ms CPU), then query median ${median(qs).toFixed(1)} ms, max ${Math.max(...qs).toFixed(1)} ms (${qs.length} queries, wall)`,
    );
    if (process.argv.includes('--store')) await storeFigures(tmp, stored, corpus.queries.map((q) => q.query));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  if (process.argv.includes('--misses')) {
    for (const [kind, list] of Object.entries(s.misses)) for (const m of list) console.log(`miss ${kind}: ${m}`);
  }
}

interface Probe {
  readMs: number;
  openMs: number;
  firstQueryMs: number;
  cpuToFirstAnswerMs: number;
  times: number[];
}

/** bench/lib/memoryIndexProbe.ts in a fresh process. */
function probe(file: string, queries: string[]): Probe {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'lib', 'memoryIndexProbe.ts'), file, JSON.stringify(queries)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Probe;
}

/**
 * A storage holding one sync of 100k entries, queried by the built CLI (dist/cli.js), one process
 * per query: without memory.index (the first query builds and writes it), then with it. Also what
 * reading every memory file costs (the listing, which still reads them).
 */
async function storeFigures(tmp: string, entries: MemoryEntry[], queries: string[]): Promise<void> {
  const { openHistoryStore } = await import('../src/storage');
  const { memoryQuery } = await import('./lib/extras');
  const storage = path.join(tmp, 'storage');
  const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const store = await openHistoryStore(storage, { logger: quiet });
  const files = entries.map((e) => ({ path: e.path, blobSha: e.blobSha, mode: '100644' as const, size: 1000 }));
  const rec = await store.begin({ repository: { host: 'github.com', owner: 'bench', name: 'repo' }, branch: 'main' });
  let t = performance.now();
  await store.complete(rec.id, {
    baseSyncId: null, commitSha: 'a'.repeat(40), treeSha: 'c'.repeat(40), commitMessage: null, forcePushed: false, files,
    diff: { added: files, modified: [], removed: [] },
    memory: entries.map((e) => ({ path: e.path, blobSha: e.blobSha, language: e.language, lines: e.lines, symbols: e.symbols, summary: e.summary })),
    stats: { files: files.length, added: files.length, modified: 0, removed: 0, requests: 0, bytes: 0, contentSource: 'none', contentFiles: 0, durationMs: 0 },
  });
  const completeMs = performance.now() - t;
  await store.close();
  const reopened = await openHistoryStore(storage, { logger: quiet });
  t = performance.now();
  const all = await reopened.memory({ limit: Number.MAX_SAFE_INTEGER });
  const listMs = performance.now() - t;
  await reopened.close();
  console.log(`storage of ${all.length} entries: complete() ${completeMs.toFixed(0)} ms; reading + validating every memory file (first listing) ${listMs.toFixed(0)} ms`);
  const cli = path.join(__dirname, '..', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    console.log('dist/cli.js is missing (node esbuild.mjs): CLI figures skipped');
    return;
  }
  let printed = 0;
  const run = (args: string[]): number => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, ...args, '--storage', storage, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`);
    printed += r.stdout.length;
    return performance.now() - t0;
  };
  const history = median([0, 1, 2].map(() => run(['history'])));
  const cold = run(['memory', '--query', queries[0] ?? 'x']);
  printed = 0;
  const warm = queries.slice(0, 10).map((q) => run(['memory', '--query', q]));
  console.log(
    `CLI memory --query (every match printed), one process each: without memory.index ${cold.toFixed(0)} ms (builds and writes it); ` +
      `with it median ${median(warm).toFixed(0)} ms, max ${Math.max(...warm).toFixed(0)} ms (${warm.length} processes, ${(printed / warm.length / 1e6).toFixed(1)} MB of JSON each on average; ` +
      `\`history\` on the same storage takes ${history.toFixed(0)} ms: process start and store open)`,
  );

  // A 1% sync after the index was written: the next processes apply it from its memory file (overlay), no rebuild.
  const next = await openHistoryStore(storage, { logger: quiet });
  const head = next.activeSync();
  const changed = entries.slice(0, Math.floor(entries.length / 100)).map((e) => ({ ...e, blobSha: 'd'.repeat(40), summary: `${e.summary} (changed)` }));
  const rec2 = await next.begin({ repository: { host: 'github.com', owner: 'bench', name: 'repo' }, branch: 'main' });
  t = performance.now();
  await next.complete(rec2.id, {
    baseSyncId: head?.id ?? null, commitSha: 'e'.repeat(40), treeSha: 'f'.repeat(40), commitMessage: null, forcePushed: false,
    files: files.map((f, i) => (i < changed.length ? { ...f, blobSha: 'd'.repeat(40) } : f)),
    diff: { added: [], modified: changed.map((e, i) => ({ before: files[i] as (typeof files)[number], after: { ...(files[i] as (typeof files)[number]), blobSha: 'd'.repeat(40) } })), removed: [] },
    memory: changed.map((e) => ({ path: e.path, blobSha: e.blobSha, language: e.language, lines: e.lines, symbols: e.symbols, summary: e.summary })),
    stats: { files: files.length, added: 0, modified: changed.length, removed: 0, requests: 0, bytes: 0, contentSource: 'none', contentFiles: 0, durationMs: 0 },
  });
  const complete2Ms = performance.now() - t;
  await next.close();
  printed = 0;
  const afterSync = queries.slice(0, 10).map((q) => run(['memory', '--query', q]));
  const rest = afterSync.slice(1);
  console.log(
    `after a 1% sync (${changed.length} entries, complete() ${complete2Ms.toFixed(0)} ms): the first CLI memory --query ${(afterSync[0] ?? 0).toFixed(0)} ms ` +
      `(applies the link from its memory file to memory.index's overlay${changed.length > 1000 ? ', then folds it and rewrites the file: over 1,000 changed entries' : ''}), ` +
      `the next ${rest.length}: median ${median(rest).toFixed(0)} ms, max ${Math.max(...rest).toFixed(0)} ms`,
  );
  const [r] = await memoryQuery(storage, all.length, 3);
  console.log(`bench memoryQuery row (in-process, limit 50): median ${r?.ours?.median.toFixed(1)} ms, max ${r?.ours?.max.toFixed(1)} ms; ${r?.note}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
