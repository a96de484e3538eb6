// Bundles the extension host, the CLI, the webview, the demo and the integration tests.
// The extension host is two bundles: dist/extension.js (the VS Code glue, required at activation) and
// its lazily required parts: dist/engine.js (storage, GitHub, Octokit) when the engine
// opens, dist/webviewSession.js (zod, the protocol) when the Sync view resolves (scripts/engineSplit.mjs).
// `node esbuild.mjs` builds once; `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chunkBuilds, chunkSplit, engineSplit, lazyBundles } from './scripts/engineSplit.mjs';
import { asciiOutput } from './scripts/asciiOutput.mjs';
import { copyParserWasm, treeSitterCjs } from './scripts/treeSitter.mjs';
import { linguistData } from './scripts/linguistData.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  plugins: [treeSitterCjs, linguistData, asciiOutput],
};

/** Integration test modules: every *.test.ts plus the suite index, one output each. */
function integrationEntries() {
  const dir = 'test/integration';
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

const builds = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', plugins: [engineSplit(), treeSitterCjs, linguistData, asciiOutput] },
  ...lazyBundles.map((b) => ({ ...node, entryPoints: [b.entry], outfile: `dist/${b.outfile}`, plugins: [chunkSplit(), treeSitterCjs, linguistData, asciiOutput] })),
  {
    ...node,
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [chunkSplit(), treeSitterCjs, linguistData, asciiOutput],
  },
  // The parts dist/cli.js and dist/engine.js load on first use (scripts/engineSplit.mjs).
  ...chunkBuilds(process.cwd(), 'dist', node),
  { ...node, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' },
  // The worker threads of the memory (src/core/memory/pool.ts) and of its search index (src/storage/searchIndexBuild.ts).
  { ...node, entryPoints: ['src/core/memory/worker.ts'], outfile: 'dist/memoryWorker.js' },
  { ...node, entryPoints: ['src/storage/searchIndexWorker.ts'], outfile: 'dist/memoryIndexWorker.js' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
  },
  {
    ...node,
    entryPoints: integrationEntries(),
    outdir: 'dist/test/integration',
    external: ['vscode', 'mocha'],
  },
].filter((b) => (b.entryPoints ?? []).length > 0 && b.entryPoints.every((e) => existsSync(e)));

// The memory's tree-sitter runtime and grammars load from dist/tree-sitter/, next to dist/engine.js and dist/cli.js.
copyParserWasm(process.cwd(), 'dist');

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log(`[esbuild] watching ${builds.length} bundles`);
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
