// What the .vsix carries (issue 16: it had no icon, a `bin` naming a file it did not ship, and the
// developer README, npm commands and all, as its Marketplace page). The files are listed exactly as
// `npm run package` packs them — vsce's own `ls`, with the package script's options — without
// building a package; dist/ must be built (`node esbuild.mjs`), as for the other tests of the CLI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const VSCE = path.join(ROOT, 'node_modules/@vscode/vsce/vsce');

interface Manifest {
  main: string;
  icon?: string;
  bin?: Record<string, string>;
  scripts: Record<string, string>;
}

const rel = (p: string) => path.posix.normalize(p.replace(/^\.\//, ''));

describe('the .vsix contents (issue 16)', function () {
  this.timeout(60_000);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const readmePath = /--readme-path\s+(\S+)/.exec(pkg.scripts.package ?? '')?.[1];
  let files: string[] = [];

  before(() => {
    for (const built of ['dist/extension.js', 'dist/cli.js']) assert.ok(existsSync(path.join(ROOT, built)), `${built} is missing: run \`node esbuild.mjs\` first`);
    const out = execFileSync(process.execPath, [VSCE, 'ls', '--no-dependencies', ...(readmePath ? ['--readme-path', readmePath] : [])], { cwd: ROOT, encoding: 'utf8' });
    files = out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/^(WARNING|INFO|ERROR)\b/.test(l));
  });

  it('npm run package packs without node_modules and with the Marketplace README', () => {
    assert.match(pkg.scripts.package ?? '', /\bvsce package --no-dependencies --readme-path docs\/marketplace\/README\.md\b/);
  });

  it('carries the icon package.json names: a PNG of at least 128×128 pixels', () => {
    assert.ok(pkg.icon, 'package.json names an icon');
    assert.ok(files.includes(rel(pkg.icon)), `${pkg.icon} is packed`);
    const png = readFileSync(path.join(ROOT, pkg.icon));
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    assert.ok(width >= 128 && height >= 128, `${width}×${height}`);
  });

  it('carries every file its bin and main name', () => {
    const named = [pkg.main, ...Object.values(pkg.bin ?? {})].map(rel);
    assert.ok(named.includes('dist/cli.js'), 'the CLI is the bin');
    for (const file of named) assert.ok(files.includes(file), `${file} is named in package.json but not packed`);
    const cli = readFileSync(path.join(ROOT, 'dist/cli.js'), 'utf8');
    assert.ok(cli.startsWith('#!/usr/bin/env node'), 'the bin runs as a command');
  });

  it('carries every bundle the extension and the CLI load on first use (dist/cli.js is a loader of dist/cliMain.js)', async () => {
    const { lazyBundles, lazyChunks } = await import('../../scripts/engineSplit.mjs');
    const wanted = [...lazyBundles, ...lazyChunks].map((b: { outfile: string }) => `dist/${b.outfile}`);
    assert.ok(wanted.includes('dist/cliMain.js'));
    for (const file of [...wanted, 'dist/memoryWorker.js', 'dist/memoryIndexWorker.js']) assert.ok(files.includes(file), `${file} is loaded at run time but not packed`);
  });

  it("its README is the user's Marketplace page, not the developer README; CHANGELOG and LICENSE go along", () => {
    assert.ok(files.includes('docs/marketplace/README.md'), files.join(', '));
    assert.ok(!files.includes('README.md'), 'the developer README is not packed');
    for (const file of ['CHANGELOG.md', 'LICENSE']) assert.ok(files.includes(file), `${file} is packed`);
    const readme = readFileSync(path.join(ROOT, 'docs/marketplace/README.md'), 'utf8');
    assert.doesNotMatch(readme, /\bnpm (ci|run|install|test)\b/, 'no developer commands');
    assert.doesNotMatch(readme, /^#+\s*Performance/m, 'no benchmark table');
    assert.match(readme, /Sync Branch/, 'it says how to use the extension');
  });

  it('ships no source maps, sources, tests or node_modules', () => {
    const stray = files.filter((f) => /\.map$/.test(f) || /^(src|test|bench|scripts|webview|node_modules|\.vscode-test)\//.test(f));
    assert.deepEqual(stray, []);
  });
});
