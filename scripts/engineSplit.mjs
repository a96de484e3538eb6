// The extension bundle stops at its lazily loaded parts. `await import('../engine')` in src/extension
// becomes a runtime require('./engine.js') of a bundle of its own (dist/engine.js: storage, GitHub,
// Octokit; isomorphic-git is a chunk of its own, see lazyChunks), and `await import('./session')` in the Sync view provider a require of
// dist/webviewSession.js (zod and the protocol schemas): loaded on first use, not compiled at activation.
// A static value import of either from src/extension, or a heavy package that slips into the
// extension bundle anyway, fails the build.
import { createRequire } from 'node:module';
import path from 'node:path';

/** Source entry (from the repository root) → bundle file name next to dist/extension.js. */
export const lazyBundles = [
  { entry: 'src/engine/index.ts', outfile: 'engine.js' },
  { entry: 'src/extension/webview/session.ts', outfile: 'webviewSession.js' },
];

const heavy = /node_modules[\\/](isomorphic-git|@octokit|lowdb|undici|pako|zod)[\\/]/;
const stripTs = (p) => p.replace(/\.ts$/, '').replace(/[\\/]index$/, '');

/** @param {string} root the repository root */
export function engineSplit(root = process.cwd()) {
  const extensionDir = path.resolve(root, 'src/extension');
  const byTarget = new Map(lazyBundles.map((b) => [stripTs(path.resolve(root, b.entry)), b.outfile]));
  /** @type {import('esbuild').Plugin} */
  const plugin = {
    name: 'engine-split',
    setup(build) {
      build.initialOptions.metafile = true;
      // import() of a lazy bundle becomes require() inside a promise: a plain CommonJS load, as the
      // extension host (and the stub host of the benchmark) loads dist/extension.js itself.
      build.initialOptions.supported = { ...build.initialOptions.supported, 'dynamic-import': false };
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!args.importer.startsWith(extensionDir)) return undefined;
        const outfile = byTarget.get(stripTs(path.resolve(args.resolveDir, args.path)));
        if (outfile === undefined) return undefined;
        if (args.kind === 'dynamic-import') return { path: `./${outfile}`, external: true };
        const text = `import '${args.path}' with \`await import()\` (dist/${outfile} loads on first use); type-only imports are fine`;
        return { errors: [{ text }] };
      });
      build.onEnd((result) => {
        const inputs = Object.values(result.metafile?.outputs ?? {}).flatMap((o) => Object.keys(o.inputs));
        const leaked = [...new Set(inputs.filter((f) => heavy.test(f)).map((f) => f.match(heavy)?.[1]))];
        if (leaked.length === 0) return undefined;
        const text = `the extension bundle pulls in ${leaked.join(', ')}: reach them through a lazily loaded bundle (an esbuild metafile shows the import chain)`;
        return { errors: [{ text }] };
      });
    },
  };
  return plugin;
}

/**
 * Parts of the Node bundles (dist/cli.js, dist/engine.js) that load on first use, each a file of its
 * own beside them: `import()` of the entry (a source file, or a package name) becomes a runtime
 * require of the file. Compiling the 1.2 MB CLI bundle was most of a no-change resync's time; these
 * are what such a resync never runs: the memory's analysis (language tables, extractors,
 * web-tree-sitter), its search engine (and memory.index's reader, first used by a memory query), undici (only
 * behind a proxy) and isomorphic-git (only on the portable path).
 */
export const lazyChunks = [
  // dist/cli.js is a loader that compiles this through V8's code cache (src/cli/compileCache.ts).
  { entry: 'src/cli/process.ts', outfile: 'cliMain.js' },
  { entry: 'src/core/memory/analysis.ts', outfile: 'memoryAnalysis.js' },
  { entry: 'src/core/memory/search.ts', outfile: 'memorySearch.js' },
  { entry: 'undici', outfile: 'undici.js' },
  // Only the portable path runs isomorphic-git (src/engine/objects/isoGit.ts).
  { entry: 'isomorphic-git', outfile: 'isomorphicGit.js' },
];

/**
 * The esbuild plugin of `lazyChunks` for a bundle that includes the engine. A static import of a
 * chunk's entry fails the build (it would pull the chunk back in).
 * @param {string} root the repository root
 */
export function chunkSplit(root = process.cwd()) {
  const bySource = new Map(lazyChunks.filter((c) => c.entry.startsWith('src/')).map((c) => [stripTs(path.resolve(root, c.entry)), c.outfile]));
  const byPackage = new Map(lazyChunks.filter((c) => !c.entry.startsWith('src/')).map((c) => [c.entry, c.outfile]));
  /** @type {import('esbuild').Plugin} */
  const plugin = {
    name: 'chunk-split',
    setup(build) {
      build.initialOptions.supported = { ...build.initialOptions.supported, 'dynamic-import': false };
      const entries = new Set((Array.isArray(build.initialOptions.entryPoints) ? build.initialOptions.entryPoints : []).map((e) => stripTs(path.resolve(root, String(e)))));
      build.onResolve({ filter: /.*/ }, (args) => {
        const outfile = args.path.startsWith('.') ? bySource.get(stripTs(path.resolve(args.resolveDir, args.path))) : byPackage.get(args.path);
        if (outfile === undefined || entries.has(stripTs(path.resolve(args.resolveDir, args.path)))) return undefined;
        if (args.kind === 'dynamic-import') return { path: `./${outfile}`, external: true };
        return { errors: [{ text: `import '${args.path}' with \`await import()\` (dist/${outfile} loads on first use); type-only imports are fine` }] };
      });
    },
  };
  return plugin;
}

/** esbuild options of each lazy chunk (entry resolved from `root`), to build beside the bundles. */
export function chunkBuilds(root, outDir, base) {
  return lazyChunks.map((c) => ({
    ...base,
    entryPoints: [c.entry.startsWith('src/') ? path.join(root, c.entry) : createRequire(path.join(root, 'package.json')).resolve(c.entry)],
    outfile: path.join(outDir, c.outfile),
    // A chunk that reaches another (the CLI's main reaches the memory's) loads it on first use too.
    plugins: [...(base.plugins ?? []), chunkSplit(root)],
  }));
}
