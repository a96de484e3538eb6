// Benchmark: memory extraction over a synthetic 10k-file repository, and search over 100k entries.
// Run: npx tsx bench/memory.bench.ts
import { extractFacts, MemoryIndex, type Searchable } from '../src/core/memory';

const enc = new TextEncoder();

function tsFile(i: number): string {
  const body = Array.from({ length: 30 }, (_, j) => `  const v${j} = compute(${j}, input);\n  if (v${j} > ${i}) return v${j};`).join('\n');
  return `/** Module ${i}: handles part ${i} of the pipeline. */\nimport { compute } from './compute';\n\nexport interface Options${i} { depth: number }\nexport function handle${i}(input: number): number {\n${body}\n  return 0;\n}\nexport class Worker${i} {}\nconst helper${i} = (x: number) => x * 2;\n`;
}
function pyFile(i: number): string {
  return `"""Tools for batch ${i}."""\nimport os\n\nclass Batch${i}:\n    def run(self):\n        pass\n\ndef load_${i}(path):\n${'    x = 1\n'.repeat(40)}`;
}
function mdFile(i: number): string {
  return `# Guide ${i}\n\nSome text.\n\n## Setup\n\n\`\`\`sh\nnpm install\n\`\`\`\n\n## Usage\n${'More words here.\n'.repeat(30)}`;
}
function goFile(i: number): string {
  return `// Package p${i} does things.\npackage p${i}\n\ntype T${i} struct{}\n\nfunc (t *T${i}) Run() error {\n${'\tx := 1\n'.repeat(30)}\treturn nil\n}\n`;
}

const makers = [tsFile, pyFile, mdFile, goFile];
const exts = ['ts', 'py', 'md', 'go'];
const files = Array.from({ length: 10_000 }, (_, i) => ({
  path: `src/dir${i % 100}/file${i}.${exts[i % 4]}`,
  content: enc.encode((makers[i % 4] as (n: number) => string)(i)),
}));
const totalBytes = files.reduce((n, f) => n + f.content.length, 0);

/** CPU milliseconds (user + system) of fn: on a busy machine, wall time mostly measures the wait for a core. */
function time<T>(fn: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const r = fn();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1000];
}

// Extraction: warm up once (JIT), then measure.
const run = () => files.map((f) => extractFacts({ path: f.path, blobSha: 'a'.repeat(40), mode: '100644', size: f.content.length, content: f.content, maxFileSize: 1_000_000 }));
run();
const [facts, extractMs] = time(run);
const symbolCount = facts.reduce((n, f) => n + (f?.symbols.length ?? 0), 0);
console.log(`extractFacts: ${files.length} files, ${(totalBytes / 1e6).toFixed(1)} MB, ${symbolCount} symbols in ${extractMs.toFixed(0)} ms`);

// Search: 100k entries with 5 symbols each.
const words = ['sync', 'store', 'branch', 'memory', 'index', 'render', 'fetch', 'parse', 'token', 'status'];
const entries: Searchable[] = Array.from({ length: 100_000 }, (_, i) => ({
  path: `packages/pkg${i % 300}/src/${words[i % 10]}/module${i}.ts`,
  symbols: Array.from({ length: 5 }, (_, j) => `${words[(i + j) % 10]}${['Handler', 'Service', 'Util', 'Model', 'View'][j]}${i}`),
  summary: `Handles the ${words[(i * 7) % 10]} of ${words[(i * 3) % 10]} records for module ${i}.`,
}));
const [index, buildMs] = time(() => new MemoryIndex(entries));
console.log(`MemoryIndex: built over ${entries.length} entries in ${buildMs.toFixed(0)} ms`);
const queries: [string, number][] = [
  ['syncHandler42', 50], ['sync', 50], ['store service', 50], ['e', 50], ['e', Infinity], ['nothing-matches', 50], ['module99999', 50],
];
for (const [q, limit] of queries) index.search(q, limit); // warm-up
// The best of several runs: the floor, with scheduling noise of a busy machine filtered out.
for (const [q, limit] of queries) {
  const runs: number[] = [];
  let hits = 0;
  for (let r = 0; r < 9; r++) runs.push(time(() => (hits = index.search(q, limit).length))[1]);
  runs.sort((a, b) => a - b);
  console.log(`search ${JSON.stringify(q)} limit ${limit}: ${hits} results, best ${runs[0]?.toFixed(1)} ms, median ${runs[4]?.toFixed(1)} ms`);
}
