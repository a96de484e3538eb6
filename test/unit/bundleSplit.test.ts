// The extension host ships as dist/extension.js plus lazily required bundles (scripts/engineSplit.mjs):
// activation compiles only the VS Code glue; the engine and the webview protocol load on first use.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

describe('bundles written as pure ASCII (scripts/asciiOutput.mjs)', () => {
  it('escapes what esbuild leaves in comments, regular expressions and names, and leaves templates: the code means the same', async () => {
    const { asciiOnly } = await import('../../scripts/asciiOutput.mjs');
    // Each line evaluates to the same value once escaped: a comment, a string, a name (one above
    // U+FFFF too), regular expressions with and without the u flag (a literal U+FFFF in a class, an
    // astral character, one after a backslash), a string's line continuation, a tagged template (its
    // raw text is what the tag sees) and an untagged one.
    const lines = [
      '// a comment \u2014 with an em dash',
      "const caf\u00e9 = 'na\u00efve \u540d\u524d';",
      'const \u{1d49c} = caf\u00e9.length;',
      "const bmp = /[\\ud800-\uffff]/.test('\\uffff') && !/[\\ud800-\uffff]/.test('z');",
      "const astral = /\u{1F600}/u.test('\u{1F600}') && /^.$/u.test('\u{1F600}') && /[\u{1F600}]/.test('\\ud83d');",
      "const escapedChar = /\\\u00e9/.test('\u00e9') && 'a\\\u00e9' === 'a\u00e9';",
      "const continued = 'a\\\u2028b';",
      // A line separator in a block comment is a line break: `return` then returns nothing.
      'const asi = (() => { return /* \u2028 */ 1; })();',
      'const raw = String.raw`\u00e9\u{1F600}`.length;',
      'const plain = `gr\u00f6\u00dfe ${\u{1d49c}}`;',
      "return [caf\u00e9, \u{1d49c}, bmp, astral, escapedChar, continued, raw, plain, asi].join('|');",
    ];
    const source = lines.join('\n');
    assert.match(source, /\uffff\]/, 'a literal U+FFFF in a regular expression');
    const ascii = asciiOnly(source);
    assert.equal(new Function(ascii)(), new Function(source)());
    assert.equal(new Function(ascii)(), 'na\u00efve \u540d\u524d|8|true|true|true|ab|3|gr\u00f6\u00dfe 8|');
    // Everything else is ASCII; a template's characters are kept (a tag would see the escape), and so
    // are a line continuation's separator and a comment's.
    const outside = ascii.split('\n').filter((l) => !l.includes('`') && !l.startsWith('const continued') && !l.startsWith('const asi'));
    for (const l of outside) assert.doesNotMatch(l, /[\u0080-\u{10ffff}]/u, l);
    assert.ok(ascii.includes('String.raw`\u00e9\u{1F600}`') && ascii.includes('gr\u00f6\u00dfe'));
    // A file that does not parse is left as it is (decoded as UTF-8 when loaded).
    assert.equal(asciiOnly('const = \u00e9;'), 'const = \u00e9;');
  });

  it('the CLI bundle and the parts it loads are ASCII once built, and run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-ascii-'));
    try {
      const { chunkBuilds, chunkSplit } = await loadSplit();
      const { asciiOutput } = await import('../../scripts/asciiOutput.mjs');
      const root = process.cwd();
      const base: esbuild.BuildOptions = { ...node, write: true, plugins: [asciiOutput] };
      await esbuild.build({ ...base, entryPoints: ['src/cli/bin.ts'], outfile: path.join(dir, 'cli.js'), plugins: [chunkSplit(root), asciiOutput] });
      for (const c of chunkBuilds(root, dir, base)) await esbuild.build(c);
      const bundles = readdirSync(dir).filter((f) => f.endsWith('.js'));
      assert.ok(bundles.includes('cliMain.js'), bundles.join(' '));
      for (const f of bundles) assert.doesNotMatch(readFileSync(path.join(dir, f), 'latin1'), /[\u0080-\u00ff]/, f);
      // Our own comments hold em dashes: escaped, not dropped.
      assert.match(readFileSync(path.join(dir, 'cliMain.js'), 'latin1'), /\\u2014/);
      const run = spawnSync(process.execPath, [path.join(dir, 'cli.js'), '--version'], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^\d+\.\d+\.\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
