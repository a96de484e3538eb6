// Bundles the extension host, the CLI, the webview, the demo and the integration tests.
// The extension host is two bundles: dist/extension.js (the VS Code glue, required at activation) and
// its lazily required parts: dist/engine.js (storage, GitHub, isomorphic-git, Octokit) when the engine
// opens, dist/webviewSession.js (zod, the protocol) when the Sync view resolves (scripts/engineSplit.mjs).
// `node esbuild.mjs` builds once; `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chunkBuilds, chunkSplit, engineSplit, lazyBundles } from './scripts/engineSplit.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/**
 * web-tree-sitter's ESM build reads `import.meta.url`, which a CommonJS bundle leaves empty: bundle its
 * CommonJS build (the `require` condition) instead.
 */
const treeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    const require = createRequire(import.meta.url);
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  plugins: [treeSitterCjs],
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
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', plugins: [engineSplit(), treeSitterCjs] },
  ...lazyBundles.map((b) => ({ ...node, entryPoints: [b.entry], outfile: `dist/${b.outfile}`, plugins: [chunkSplit(), treeSitterCjs] })),
  {
    ...node,
    entryPoints: ['src/cli/bin.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [chunkSplit(), treeSitterCjs],
  },
  // The parts dist/cli.js and dist/engine.js load on first use (scripts/engineSplit.mjs).
  ...chunkBuilds(process.cwd(), 'dist', node),
  { ...node, entryPoints: ['scripts/demo.ts'], outfile: 'dist/demo.js' },
  // The memory's worker threads (src/core/memory/pool.ts), started from dist/engine.js or dist/cli.js.
  { ...node, entryPoints: ['src/core/memory/worker.ts'], outfile: 'dist/memoryWorker.js' },
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

/**
 * The memory's tree-sitter runtime and grammars (src/core/memory/parsers.ts) load from dist/tree-sitter/,
 * next to dist/engine.js and dist/cli.js: copy the .wasm files the tags queries use.
 */
function copyParserWasm() {
  const require = createRequire(import.meta.url);
  const grammars = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
  const runtime = path.dirname(require.resolve('web-tree-sitter'));
  const tags = readFileSync('src/core/memory/symbols/tags.ts', 'utf8');
  const wanted = [...new Set(tags.match(/tree-sitter-[\w]+\.wasm/g) ?? [])];
  rmSync('dist/tree-sitter', { recursive: true, force: true }); // no grammar left over from an earlier set
  mkdirSync('dist/tree-sitter', { recursive: true });
  copyFileSync(path.join(runtime, 'tree-sitter.wasm'), 'dist/tree-sitter/tree-sitter.wasm');
  for (const f of wanted) copyFileSync(path.join(grammars, f), path.join('dist/tree-sitter', f));
}
copyParserWasm();

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log(`[esbuild] watching ${builds.length} bundles`);
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
