// The extension bundle stops at its lazily loaded parts. `await import('../engine')` in src/extension
// becomes a runtime require('./engine.js') of a bundle of its own (dist/engine.js: storage, GitHub,
// isomorphic-git, Octokit), and `await import('./session')` in the Sync view provider a require of
// dist/webviewSession.js (zod and the protocol schemas): loaded on first use, not compiled at activation.
// A static value import of either from src/extension, or a heavy package that slips into the
// extension bundle anyway, fails the build.
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
