// The extension host ships as dist/extension.js plus lazily required bundles (scripts/engineSplit.mjs):
// activation compiles only the VS Code glue; the engine and the webview protocol load on first use.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { branchNameSchema } from '../../src/protocol/messages';
import { isWireBranch } from '../../src/extension/sync/viewState';

type Split = typeof import('../../scripts/engineSplit.mjs');
const loadSplit = (): Promise<Split> => import('../../scripts/engineSplit.mjs');
const node: esbuild.BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent', external: ['vscode'] };

describe('bundle split', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bundle-split-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the engine, Octokit, isomorphic-git and zod out of the extension bundle and requires them lazily', async () => {
    const { engineSplit, lazyBundles } = await loadSplit();
    const result = await esbuild.build({ ...node, entryPoints: ['src/extension/extension.ts'], outfile: path.join(dir, 'extension.js'), plugins: [engineSplit()] });
    const inputs = Object.keys(result.metafile?.inputs ?? {});
    assert.ok(inputs.includes('src/extension/engineHost.ts'), 'the glue is bundled');
    // src/github/proxy.ts is the one exception: a pure settings parser (no network, no heavy imports)
    // the host needs to hand VS Code's http.proxy to the engine.
    const heavy = inputs.filter((f) => f !== 'src/github/proxy.ts');
    for (const f of heavy) assert.doesNotMatch(f, /node_modules[\\/](isomorphic-git|@octokit|zod|undici)[\\/]|^src[\\/](engine|github|storage)[\\/]/, f);
    const code = result.outputFiles?.[0]?.text ?? '';
    for (const b of lazyBundles) assert.match(code, new RegExp(`Promise\\.resolve\\(\\)\\.then\\(\\(\\) => [\\w$]*\\(?require\\("\\./${b.outfile.replace('.', '\\.')}"\\)`), b.outfile);
  });

  it('keeps zod out of the memory analysis bundles: loaded beside the command\'s own copy and in every worker thread', async () => {
    for (const entry of ['src/core/memory/analysis.ts', 'src/core/memory/worker.ts']) {
      const result = await esbuild.build({ ...node, metafile: true, entryPoints: [entry], outfile: path.join(dir, 'out.js') });
      const inputs = Object.keys(result.metafile?.inputs ?? {});
      assert.ok(inputs.includes('src/core/memory/extract.ts'), `${entry}: the extractors are bundled`);
      assert.deepEqual(inputs.filter((f) => /node_modules[\\/]zod[\\/]/.test(f)), [], `${entry} carries zod`);
    }
  });

  it('fails the build when src/extension value-imports the engine statically', async () => {
    const { engineSplit } = await loadSplit();
    const file = path.resolve('src/extension/__split_probe.ts');
    await assert.rejects(
      esbuild.build({
        ...node,
        stdin: { contents: "import { createEngine } from '../engine';\nexport const f = createEngine;", resolveDir: path.dirname(file), sourcefile: file, loader: 'ts' },
        outfile: path.join(dir, 'probe.js'),
        plugins: [engineSplit()],
      }),
      /await import\(\)/,
    );
  });

  it('an error from the engine bundle keeps its code in the extension bundle (two copies of SyncError)', async () => {
    const copies = await Promise.all(
      ['engine.js', 'extension.js'].map(async (name) => {
        const outfile = path.join(dir, name);
        await esbuild.build({ ...node, write: true, entryPoints: ['src/core/errors.ts'], outfile });
        return createRequire(__filename)(outfile) as typeof import('../../src/core/errors');
      }),
    );
    const [engine, extension] = copies as [typeof copies[0], typeof copies[0]];
    assert.notEqual(engine.SyncError, extension.SyncError);
    const thrown = new engine.SyncError('AUTH_REQUIRED', 'Sign in to GitHub.');
    assert.equal(extension.toSyncError(thrown).code, 'AUTH_REQUIRED');
    assert.ok(extension.isSyncError(thrown, 'AUTH_REQUIRED'));
    assert.equal(extension.toSyncError(new Error('boom')).code, 'INTERNAL');
    assert.ok(!(new Error('plain') instanceof extension.SyncError));
  });

  it('the zod-free branch check at activation agrees with the protocol schema', () => {
    const names = ['main', 'feature/x', 'ünïcode', '', 'a\u0000b', 'tab\there', 'del\u007f', 'x'.repeat(512), 'x'.repeat(513), ' lead'];
    for (const n of names) assert.equal(isWireBranch(n), branchNameSchema.safeParse(n).success, JSON.stringify(n.slice(0, 20)));
  });
});
