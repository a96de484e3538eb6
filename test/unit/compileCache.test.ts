// dist/cli.js compiles the command through V8's code cache (src/cli/compileCache.ts): the first run
// leaves the bytecode in a private per-user folder, the next runs use it, and nothing about the cache
// (damaged, stale, in a folder others could write, turned off) ever changes what the command does.
// Through the built CLI as a child process (`node esbuild.mjs` first), as a user runs it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Fixture } from './support/cliHarness';
import { distCli } from './support/distCli';
import { reportV8Flags, v8FlagsSet } from './support/v8Flags';

const VERSION = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
const posix = process.platform !== 'win32' && uid !== undefined;

describe('project-sync compiles itself through V8’s code cache', function () {
  this.timeout(60_000);
  let root: string;
  let folder: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ps-v8cache-'));
    // `--version` and `--help` are the `other` command's cache; `history` has its own.
    folder = path.join(root, `project-sync-v8-${uid ?? os.userInfo().username}`, 'other');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  // The system temp folder is the user's (TMPDIR, or TEMP/TMP on Windows): the CLI reads no test knob.
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => distCli(args, { TMPDIR: root, TEMP: root, TMP: root, ...env });
  const cached = () => {
    try {
      return readdirSync(folder).filter((f) => f.endsWith('.bin'));
    } catch {
      return [];
    }
  };
  const cliMainCache = () => cached().find((f) => f.startsWith('cliMain.js.'));

  it('the first run leaves the command’s bytecode in a private folder; the next run uses it as it is', async () => {
    const first = await run(['--version']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), VERSION);
    const file = cliMainCache();
    assert.ok(file, `a cache of dist/cliMain.js was written (found: ${cached().join(', ') || 'nothing'})`);
    if (posix) {
      assert.equal(statSync(folder).mode & 0o077, 0, 'the folder is private to its user');
      assert.equal(statSync(path.join(folder, file)).mode & 0o077, 0, 'the file is private to its user');
    }
    const before = readFileSync(path.join(folder, file));
    const mtime = statSync(path.join(folder, file)).mtimeMs;
    const second = await run(['--help']);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /project-sync sync/);
    // V8 accepted it: a rejected cache would have been written again.
    assert.equal(statSync(path.join(folder, file)).mtimeMs, mtime, 'the cache was read, not rewritten');
    assert.deepEqual(readFileSync(path.join(folder, file)), before);
    assert.equal(cached().filter((f) => f.startsWith('cliMain.js.')).length, 1, 'one file per bundle');
  });

  it('each command has its own cache: a --version run first does not stand for a later command', async () => {
    assert.equal((await run(['--version'])).code, 0);
    const history = await run(['history', '--storage', path.join(root, 'no-such-storage')]);
    assert.equal(history.code, 1, 'the storage does not exist');
    const own = readdirSync(path.join(path.dirname(folder), 'history')).filter((f) => f.startsWith('cliMain.js.'));
    assert.equal(own.length, 1, 'the history command wrote its own cache');
    assert.equal(cached().filter((f) => f.startsWith('cliMain.js.')).length, 1, "and left the other command's alone");
  });

  it('a damaged cache file changes nothing the user sees, and is replaced by a good one', async () => {
    assert.equal((await run(['--version'])).code, 0);
    const file = cliMainCache() as string;
    writeFileSync(path.join(folder, file), Buffer.from('not bytecode at all, just garbage '.repeat(100)));
    const again = await run(['--version']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), VERSION);
    assert.equal(again.stderr, '');
    assert.notEqual(readFileSync(path.join(folder, file)).toString('latin1').slice(0, 20), 'not bytecode at all,', 'the damaged file was replaced');
    const third = await run(['--version']);
    assert.equal(third.stdout.trim(), VERSION);
  });

  it('two other builds keep their cache files (two installed CLIs do not undo each other); older builds’ files go', async () => {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const now = Date.now() / 1000;
    const builds = ['0123456789abcdef0123', '1123456789abcdef0123', '2123456789abcdef0123'].map((digest, i) => {
      const name = `cliMain.js.${digest}-v0.0.0-x64.bin`;
      writeFileSync(path.join(folder, name), 'old', { mode: 0o600 });
      utimesSync(path.join(folder, name), now - 3600 * (3 - i), now - 3600 * (3 - i)); // written 3 h, 2 h and 1 h ago
      return name;
    });
    const cut = 'cliMain.js.3123456789abcdef0123-v0.0.0-x64.bin.123.tmp';
    writeFileSync(path.join(folder, cut), 'a write cut short an hour ago');
    utimesSync(path.join(folder, cut), now - 3600, now - 3600);
    assert.equal((await run(['--version'])).code, 0);
    const left = cached();
    const mine = left.find((f) => f.startsWith('cliMain.js.') && !builds.includes(f));
    assert.ok(!readdirSync(folder).includes(cut), 'a temp file left by a cut write is gone');
    assert.ok(!left.includes(builds[0] as string), 'the least recently written build’s file is gone');
    assert.ok(left.includes(builds[1] as string) && left.includes(builds[2] as string), `the two newer builds keep theirs (left: ${left.join(', ')})`);
    assert.ok(mine, 'this build’s file is there');
    assert.equal(left.length, 3);
    // The other builds' runs read their own files and write nothing: this build's stays as it is.
    const bytes = readFileSync(path.join(folder, mine));
    assert.equal((await run(['--version'])).code, 0);
    assert.deepEqual(readFileSync(path.join(folder, mine)), bytes);
  });

  it('a sync, whose heap bound changes V8’s flags as it runs, leaves bytecode the next sync takes as it is', async () => {
    // A flag V8 reads is part of the hash a code cache must match (src/cli/heapBounds.ts): bytecode
    // written after the young generation's growth stopped was refused by the next run's start-up.
    const fx = await Fixture.create({ 'src/router.ts': 'export function createRouter(): void {}\n', 'README.md': '# Demo\n' });
    try {
      const report = reportV8Flags(root);
      const sync = (storage: string) => run(['sync', '--repo', fx.workspace.dir, '--storage', path.join(root, storage), '--branch', 'main', '--json'], report);
      const first = await sync('a');
      assert.equal(first.code, 0, first.stderr);
      assert.ok(v8FlagsSet(first.stderr).includes('--semi-space-growth-factor=1'), 'the growth stopped during the run: the case this test is about');
      const syncFolder = path.join(path.dirname(folder), 'sync');
      const files = readdirSync(syncFolder).filter((f) => f.endsWith('.bin'));
      assert.ok(['cliMain.js.', 'memoryAnalysis.js.'].every((p) => files.some((f) => f.startsWith(p))), `bytecode of the command and of its analysis (found: ${files.join(', ')})`);
      const written = new Map(files.map((f) => [f, statSync(path.join(syncFolder, f)).mtimeMs]));
      // Another first sync (into another storage) loads the same bundles at the same points.
      const second = await sync('b');
      assert.equal(second.code, 0, second.stderr);
      for (const [f, mtime] of written) assert.equal(statSync(path.join(syncFolder, f)).mtimeMs, mtime, `${f} was read, not refused and written again`);
    } finally {
      await fx.dispose();
    }
  });

  (posix ? it : it.skip)('a folder other users could write is never used (its bytecode would be their code)', async () => {
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o777);
    const r = await run(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), VERSION);
    assert.deepEqual(cached(), [], 'nothing was written to, or read from, a folder open to others');
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does in Node', async () => {
    const r = await run(['--version'], { NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(cached(), []);
  });

  it('a bundle that is not pure ASCII keeps its text through the cache, first run and cached', () => {
    const dir = path.join(root, 'bundles');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'wide.js'), "// a comment \u2014 non-ASCII\nmodule.exports = 'caf\u00e9 \u540d\u524d \u{1f600}';\n");
    writeFileSync(path.join(dir, 'ascii.js'), "module.exports = require('./wide.js') + ' and ' + 'caf\\u00e9';\n");
    const script = `require(${JSON.stringify(path.resolve(__dirname, '../../src/cli/compileCache.ts'))}).enableCompileCache(${JSON.stringify(dir)}, 'probe'); process.stdout.write(require(${JSON.stringify(path.join(dir, 'ascii.js'))}));`;
    for (const round of ['first run', 'from the cache']) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env: { ...process.env, TMPDIR: root, TEMP: root, TMP: root } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'caf\u00e9 \u540d\u524d \u{1f600} and caf\u00e9', round);
    }
    assert.equal(readdirSync(path.join(root, `project-sync-v8-${uid ?? os.userInfo().username}`, 'probe')).filter((f) => f.endsWith('.bin')).length, 2, 'both were compiled through the cache');
  });
});
