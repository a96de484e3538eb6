// The bundles under test, built into bench/cache/build so the benchmark never races other builds of
// dist/: the CLI as developers run it (with a source map, for --cpu-prof), the extension and the
// webview as they ship (production: minified, no maps).
import * as esbuild from 'esbuild';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { chunkBuilds, chunkSplit, engineSplit, lazyBundles } from '../../scripts/engineSplit.mjs';
import { asciiOutput } from '../../scripts/asciiOutput.mjs';
import { copyParserWasm, treeSitterCjs } from '../../scripts/treeSitter.mjs';
import { linguistData } from '../../scripts/linguistData.mjs';

export interface Bundles {
  cli: string;
  extension: string | undefined;
  webview: string | undefined;
  sizes: { name: string; bytes: number }[];
}

// With web-tree-sitter's CommonJS build and the .wasm files beside the bundles, as esbuild.mjs builds them:
// without them the memory's parsers do not load (PROJECT_SYNC_PARSERS=1 failed, or fell back to the regexes).
const node: esbuild.BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', external: ['vscode'], plugins: [treeSitterCjs, linguistData, asciiOutput] };

export async function buildBundles(root: string, outDir: string): Promise<Bundles> {
  const at = (p: string) => path.join(root, p);
  const cli = path.join(outDir, 'cli.js');
  const cliProd = path.join(outDir, 'prod', 'cli.js');
  // As esbuild.mjs builds them: the CLI and, beside it, the parts it loads on first use.
  await esbuild.build({ ...node, entryPoints: [at('src/cli/bin.ts')], outfile: cli, sourcemap: 'linked', plugins: [chunkSplit(root), treeSitterCjs, linguistData, asciiOutput] });
  for (const c of chunkBuilds(root, outDir, { ...node, sourcemap: 'linked' })) await esbuild.build(c);
  // The memory's worker threads (a change of 2,000 files or more; a first query over 2,000 entries or more) beside the CLI.
  await esbuild.build({ ...node, entryPoints: [at('src/core/memory/worker.ts')], outfile: path.join(outDir, 'memoryWorker.js') });
  await esbuild.build({ ...node, entryPoints: [at('src/storage/searchIndexWorker.ts')], outfile: path.join(outDir, 'memoryIndexWorker.js') });
  await esbuild.build({ ...node, entryPoints: [at('src/cli/bin.ts')], outfile: cliProd, minify: true, plugins: [chunkSplit(root), treeSitterCjs, linguistData, asciiOutput] });
  for (const c of chunkBuilds(root, path.join(outDir, 'prod'), { ...node, minify: true })) await esbuild.build(c);
  copyParserWasm(root, outDir);
  copyParserWasm(root, path.join(outDir, 'prod'));
  let extension: string | undefined = path.join(outDir, 'prod', 'extension.js');
  let webview: string | undefined = path.join(outDir, 'prod', 'webview', 'main.js');
  try {
    // As esbuild.mjs ships it: the VS Code glue, and beside it the bundles it requires on first use.
    await esbuild.build({ ...node, entryPoints: [at('src/extension/extension.ts')], outfile: extension, minify: true, plugins: [engineSplit(root), treeSitterCjs, linguistData, asciiOutput] });
    for (const b of lazyBundles)
      await esbuild.build({ ...node, entryPoints: [at(b.entry)], outfile: path.join(outDir, 'prod', b.outfile), minify: true, plugins: [chunkSplit(root), treeSitterCjs, linguistData, asciiOutput] });
  } catch {
    extension = undefined; // the extension does not build right now: activation and its size are n/a
  }
  try {
    await esbuild.build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'error', entryPoints: [at('webview/main.ts')], outfile: webview });
  } catch {
    webview = undefined;
  }
  const sizes = [
    { name: 'extension.js', file: extension },
    ...lazyBundles.map((b) => ({ name: b.outfile, file: extension && path.join(path.dirname(extension), b.outfile) })),
    { name: 'webview/main.js', file: webview },
    { name: 'cli.js', file: cliProd },
    ...chunkBuilds(root, path.join(outDir, 'prod'), {}).map((c) => ({ name: path.basename(c.outfile), file: c.outfile })),
  ]
    .filter((s): s is { name: string; file: string } => s.file !== undefined && existsSync(s.file))
    .map((s) => ({ name: s.name, bytes: statSync(s.file).size }));
  return { cli, extension, webview, sizes };
}
