// A fresh process that opens a persisted memory search index and queries it: what the CLI's
// `memory --query` pays for the index (bench/memory.bench.ts runs it). Prints one JSON line.
// Usage: tsx bench/lib/memoryIndexProbe.ts <index file> <queries as a JSON array>
import { readFileSync } from 'node:fs';
import { StoredIndex } from '../../src/core/memory/search';

const [file, queriesJson] = process.argv.slice(2);
const queries = JSON.parse(queriesJson ?? '[]') as string[];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const bytes = readFileSync(file as string);
const t1 = performance.now();
const index = StoredIndex.open(bytes);
const t2 = performance.now();
index.search(queries[0] ?? 'x', 20);
const t3 = performance.now();
const cpu = process.cpuUsage(cpu0);
const times = queries.map((q) => {
  const t = performance.now();
  index.search(q, 20);
  return performance.now() - t;
});
process.stdout.write(`${JSON.stringify({ readMs: t1 - t0, openMs: t2 - t1, firstQueryMs: t3 - t2, cpuToFirstAnswerMs: (cpu.user + cpu.system) / 1000, times })}\n`);
