// What a bundle needs for the memory's parsers (src/core/memory/parsers.ts), shared by esbuild.mjs and
// the benchmark's build (bench/lib/build.ts): web-tree-sitter's CommonJS build, and the .wasm files
// in tree-sitter/ next to the bundles that load them.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * web-tree-sitter's ESM build reads `import.meta.url`, which a CommonJS bundle leaves empty: bundle its
 * CommonJS build (the `require` condition) instead.
 * @type {import('esbuild').Plugin}
 */
export const treeSitterCjs = {
  name: 'web-tree-sitter-cjs',
  setup(build) {
    build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
  },
};

/**
 * Copy the tree-sitter runtime and the grammars the tags queries use into `outDir`/tree-sitter/
 * (emptied first: no grammar left over from an earlier set).
 * @param {string} root the repository root
 * @param {string} outDir the folder of the bundles (dist/)
 */
export function copyParserWasm(root, outDir) {
  const grammars = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
  const runtime = path.dirname(require.resolve('web-tree-sitter'));
  const tags = readFileSync(path.join(root, 'src/core/memory/symbols/tags.ts'), 'utf8');
  const wanted = [...new Set(tags.match(/tree-sitter-[\w]+\.wasm/g) ?? [])];
  const dir = path.join(outDir, 'tree-sitter');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(runtime, 'tree-sitter.wasm'), path.join(dir, 'tree-sitter.wasm'));
  for (const f of wanted) copyFileSync(path.join(grammars, f), path.join(dir, f));
}
