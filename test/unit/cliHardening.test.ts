// Issue 16, round two, through the built CLI (dist/cli.js as a child process): terminal escapes in
// every human output, a 304 logged at debug, the HTTP stack loaded only when needed, and the CLI's words.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProgressRenderer } from '../../src/cli/render';
import type { SyncEvent } from '../../src/core/syncEvents';
import { cli, Fixture } from './support/cliHarness';
import { runCli, sendJson, startHttp, type TestHttp } from './support/cliProcess';

const ESC = '\x1b';
/** Anything a terminal acts on that must never reach it raw from repository or server text. */
// eslint-disable-next-line no-control-regex -- the very characters this suite hunts for
const RAW_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE_HEADING = `Title ${ESC}]0;pwned\x07 ${ESC}[2J`;
const SHA = 'a'.repeat(40);

function assertNoControls(text: string, what: string): void {
  const m = RAW_CONTROLS.exec(text);
  assert.equal(m, null, `${what} holds U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text)}`);
}

describe('CLI hardening: terminal escapes never reach the terminal raw', function () {
  this.timeout(60_000);
  let fx: Fixture;
  const BIDI = 'evil\u202Etxt.md';
  const C1 = 'next\u0085line.txt';
  before(async () => {
    fx = await Fixture.create({
      'README.md': `# ${HOSTILE_HEADING}\n\nA summary ${ESC}[31mred${ESC}[0m and ${ESC}]8;;http://x${ESC}\\\\link.\n`,
      [BIDI]: 'one line\n',
      [C1]: 'x\n',
    });
    const run = await fx.sync();
    assert.equal(run.code, 0, run.stderr + run.stdout);
  });
  after(() => fx?.dispose());

  it('memory, files and history escape C0, DEL, C1 and bidi controls; their JSON stays exact', async () => {
    for (const cmd of ['memory', 'files', 'history']) {
      const human = await runCli([cmd, '--storage', fx.storage]);
      assert.equal(human.code, 0, human.stderr);
      assertNoControls(human.stdout, `${cmd} stdout`);
      assertNoControls(human.stderr, `${cmd} stderr`);
    }
    const memory = await runCli(['memory', '--storage', fx.storage]);
    assert.match(memory.stdout, /\\x1b\]0;pwned\\x07/, 'the escape is shown, visibly');
    const files = await runCli(['files', '--storage', fx.storage]);
    assert.ok(files.stdout.includes('evil\\u202etxt.md') && files.stdout.includes('next\\x85line.txt'), files.stdout);
    const json = JSON.parse((await runCli(['memory', '--storage', fx.storage, '--json'])).stdout) as { path: string; symbols: string[] }[];
    assert.ok(JSON.stringify(json).includes('\\u001b]0;pwned'), 'JSON keeps the exact text');
    const paths = (JSON.parse((await runCli(['files', '--storage', fx.storage, '--json'])).stdout) as { path: string }[]).map((f) => f.path);
    assert.ok(paths.includes(BIDI) && paths.includes(C1), 'JSON keeps the exact paths');
  });

  it('the progress renderer escapes warnings, on a TTY and off it', () => {
    for (const isTTY of [true, false]) {
      let out = '';
      const r = new ProgressRenderer({ isTTY, columns: 80, write: (t: string) => void (out += t) });
      r.event({ type: 'warning', message: `Skipping ${ESC}]0;pwned\x07\u202Eexe.txt: too large`, syncId: 's' } as SyncEvent);
      r.finish();
      assert.ok(out.includes('\\x1b]0;pwned\\x07\\u202eexe.txt'), JSON.stringify(out));
      assertNoControls(out.split('\r\x1b[2K').join(''), 'progress output (its own line clearing aside)');
    }
  });

  describe('hostile API answers', () => {
    let api: TestHttp;
    let ws: string;
    let answer: 'branches' | 'error' = 'branches';
    before(async () => {
      api = await startHttp('127.0.0.1', (req, res) => {
        const url = req.url ?? '';
        if (answer === 'error') return sendJson(res, 400, { message: `Nope ${ESC}]0;pwned\x07${ESC}[2J\u202Egnp.exe` });
        if (url === '/api/v3/repos/o/r') return sendJson(res, 200, { default_branch: 'main', private: false, html_url: 'http://x/o/r', full_name: 'o/r', name: 'r', owner: { login: 'o' } });
        if (url.startsWith('/api/v3/repos/o/r/branches')) {
          return sendJson(res, 200, [
            { name: 'main', commit: { sha: SHA, url: 'http://x' }, protected: false },
            { name: `${ESC}[2J${ESC}]0;owned\x07\u202Eevil\u009b`, commit: { sha: SHA, url: 'http://x' }, protected: false },
          ]);
        }
        sendJson(res, 404, { message: 'Not Found' });
      });
      ws = mkdtempSync(path.join(os.tmpdir(), 'ps-hostile-ws-'));
      execFileSync('git', ['init', '-q', ws]);
      execFileSync('git', ['-C', ws, 'remote', 'add', 'origin', `${api.url}/o/r.git`]);
    });
    after(async () => {
      await api?.close();
      rmSync(ws, { recursive: true, force: true });
    });

    it('branches: a branch name with ESC, C1 and bidi controls is escaped; --json keeps it exact', async () => {
      answer = 'branches';
      const human = await runCli(['branches', '--repo', ws]);
      assert.equal(human.code, 0, human.stderr);
      assertNoControls(human.stdout, 'branches stdout');
      assert.match(human.stdout, /\\x1b\[2J/);
      const json = JSON.parse((await runCli(['branches', '--repo', ws, '--json'])).stdout) as { name: string }[];
      assert.ok(json.some((b) => b.name.startsWith(`${ESC}[2J`)), 'JSON keeps the exact name');
    });

    it('errors: a server message with escapes is escaped on stderr, debug log included; --json keeps it exact', async () => {
      answer = 'error';
      const human = await runCli(['branches', '--repo', ws], { PROJECT_SYNC_LOG: 'trace' });
      assert.equal(human.code, 1);
      assert.match(human.stderr, /Nope \\x1b\]0;pwned/);
      assertNoControls(human.stderr, 'error stderr');
      const json = await runCli(['branches', '--repo', ws, '--json']);
      assert.ok((JSON.parse(json.stdout.trim()) as { message: string }).message.includes(`${ESC}]0;pwned`));
    });
  });
});

describe('CLI hardening: a 304 is a normal answer, logged at debug', function () {
  this.timeout(60_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create({ 'a.txt': 'a\n' });
  });
  after(() => fx?.dispose());

  it('a resync of an unchanged branch logs its 304 below error level', async () => {
    assert.equal((await fx.sync()).code, 0);
    const again = await runCli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage], { PROJECT_SYNC_LOG: 'debug' });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /304/, 'the 304 is logged');
    assert.deepEqual(again.stderr.split('\n').filter((l) => l.startsWith('error:')), []);
  });
});

describe('CLI hardening: the HTTP stack loads only for commands that need the network', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ps-ulimit-'));
    // An existing (empty) storage folder: the read commands refuse a path that does not exist.
    mkdirSync(path.join(dir, 'storage'));
    execFileSync('git', ['init', '-q', path.join(dir, 'ws')]);
    execFileSync('git', ['-C', path.join(dir, 'ws'), 'remote', 'add', 'origin', 'http://127.0.0.1:9/o/r.git']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const limited = 'ulimit -v 1048576; {cli}';

  it('history, files and memory work under ulimit -v 1048576', async () => {
    for (const cmd of ['history', 'files', 'memory']) {
      const run = await runCli([cmd, '--storage', path.join(dir, 'storage')], {}, { shell: limited });
      assert.doesNotMatch(run.stderr, /WebAssembly|RangeError|\n\s+at /, `${cmd}: ${run.stderr}`);
      assert.ok(run.code === 0 || (cmd === 'files' && run.code === 1), `${cmd} exit ${run.code}: ${run.stderr}`);
    }
  });

  it('a network command that cannot load its HTTP client fails with a clean error, no stack trace', async () => {
    const run = await runCli(['branches', '--repo', path.join(dir, 'ws')], { PROJECT_SYNC_RETRY_BASE_MS: '1' }, { shell: limited });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^project-sync: /);
    assert.doesNotMatch(run.stderr, /\n\s+at |node:internal/);
    const json = await runCli(['branches', '--repo', path.join(dir, 'ws'), '--json'], { PROJECT_SYNC_RETRY_BASE_MS: '1' }, { shell: limited });
    assert.equal((JSON.parse(json.stdout.trim()) as { type: string }).type, 'error');
  });
});

describe('CLI hardening: the CLI words', function () {
  this.timeout(60_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create({ 'one.ts': 'export const one = 1;\n' });
    assert.equal((await fx.sync()).code, 0);
  });
  after(() => fx?.dispose());

  it('an unknown option is named in our words, with the usage, exit 2', async () => {
    const run = await runCli(['history', '--storage', fx.storage, '--x']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^project-sync: Unknown option --x\.\n\nUsage:/);
    assert.doesNotMatch(run.stderr, /positional|'--x'/);
    assert.match((await runCli(['history', '--storage'])).stderr, /^project-sync: --storage needs a value\./);
  });

  it('a value that starts with a dash is not called "no value": the CLI says how to write it, and that way works', async () => {
    const run = await runCli(['memory', '--storage', fx.storage, '--query', '-C']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^project-sync: --query needs a value; one that starts with "-" is written --query=-VALUE\./);
    const attached = await runCli(['memory', '--storage', fx.storage, '--query=-C']);
    assert.equal(attached.code, 0, attached.stderr);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['history', '--version']]) {
      const run = await runCli(args);
      assert.deepEqual([run.code, run.stdout], [0, `${version}\n`]);
    }
  });

  it('an unknown sync id is worded one way by restore and files, with a hint naming history', async () => {
    const restore = await runCli(['restore', 'nope', '--storage', fx.storage]);
    const files = await runCli(['files', '--sync', 'nope', '--storage', fx.storage]);
    for (const run of [restore, files]) {
      assert.equal(run.code, 1);
      assert.equal(run.stderr, 'project-sync: There is no sync with id nope.\nList the syncs with `project-sync history --storage DIR`.\n');
    }
  });

  it('hints name the CLI commands, never extension wording', async () => {
    const branch = await cli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'no-such-branch']);
    assert.equal(branch.code, 1);
    assert.match(branch.stderr, /project-sync branches --repo DIR/);
    const plain = mkdtempSync(path.join(os.tmpdir(), 'ps-nogit-'));
    try {
      for (const run of [await runCli(['branches', '--repo', plain]), await runCli(['branches', '--repo', plain, '--json'])]) {
        assert.equal(run.code, 1);
        assert.doesNotMatch(run.stdout + run.stderr, /Open a folder|Sign in/);
        assert.match(run.stdout + run.stderr, /--repo/);
      }
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it('a --repo that does not exist is said to be missing', async () => {
    const missing = path.join(os.tmpdir(), 'ps-no-such-folder-16');
    const run = await runCli(['branches', '--repo', missing]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^project-sync: The folder ${missing.replace(/[/\\.]/g, '\\$&')} does not exist\\.`));
  });

  it('memory: "1 line", and a query with no match says so (JSON prints [])', async () => {
    const all = await runCli(['memory', '--storage', fx.storage]);
    assert.match(all.stdout, /one\.ts {2}\S+ · 1 line\n/);
    const none = await runCli(['memory', '--storage', fx.storage, '--query', 'zzzqqq']);
    assert.deepEqual([none.code, none.stdout], [0, 'No file matched "zzzqqq".\n']);
    const json = await runCli(['memory', '--storage', fx.storage, '--query', 'zzzqqq', '--json']);
    assert.equal(json.stdout, '[]\n');
  });

  it('memory --limit N prints the best N (with a query) or the first N (without); a bad N is a usage error', async () => {
    const names = ['alpha.ts', 'beta.ts', 'gamma.ts'];
    const three = await Fixture.create(Object.fromEntries(names.map((n) => [n, `export function ${n.split('.')[0]}Sync() {}\n`])));
    try {
      assert.equal((await three.sync()).code, 0);
      const first = await runCli(['memory', '--storage', three.storage, '--limit', '2']);
      assert.equal(first.code, 0, first.stderr);
      assert.deepEqual(first.stdout.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(' ')[0]), ['alpha.ts', 'beta.ts']);
      const best = JSON.parse((await runCli(['memory', '--storage', three.storage, '--query', 'gamma', '--limit', '1', '--json'])).stdout) as { path: string }[];
      assert.deepEqual(best.map((e) => e.path), ['gamma.ts']);
      for (const bad of ['0', '-1', '1.5', 'x', '0x10', '1e3', ' 2']) {
        const run = await runCli(['memory', '--storage', three.storage, `--limit=${bad}`]);
        assert.deepEqual([run.code, run.stderr.split('\n')[0]], [2, 'project-sync: --limit takes a whole number of 1 or more.'], bad);
      }
    } finally {
      three.dispose();
    }
  });

  it('memory says when an older extractor made the facts it shows, and that the next sync analyses them again', async () => {
    const stale = await Fixture.create({ 'one.ts': 'export const one = 1;\n' });
    try {
      assert.equal((await stale.sync()).code, 0);
      const fresh = await runCli(['memory', '--storage', stale.storage]);
      assert.doesNotMatch(fresh.stderr, /extractor/);
      const file = path.join(stale.storage, 'history.json');
      const text = readFileSync(file, 'utf8');
      assert.match(text, /"memoryExtractor":"regex\.\d+"/);
      writeFileSync(file, text.replace(/"memoryExtractor":"regex\.\d+"/g, '"memoryExtractor":"regex.1"'));
      const run = await runCli(['memory', '--storage', stale.storage]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^note: this memory was made by extractor regex\.1; the next sync of \S+ analyses its files again with regex\.\d+\n/);
      assert.match(run.stdout, /^one\.ts /);
      // A memory whose extractor was not recorded is analysed again by the next sync too: said so.
      writeFileSync(file, text.replace(/,?"memoryExtractor":"regex\.\d+"/g, ''));
      assert.match((await runCli(['memory', '--storage', stale.storage])).stderr, /^note: this memory was made by an extractor it did not record; the next sync/);
    } finally {
      stale.dispose();
    }
  });

  it('memory --query, read through a pipe, shows the symbols the query names first, even past the twelve it prints', async () => {
    const names = Array.from({ length: 20 }, (_, i) => (i === 16 ? 'renderTemplate' : `helper${i}`));
    const many = await Fixture.create({ 'lib/view.ts': names.map((n) => `export function ${n}() {}\n`).join('') });
    try {
      assert.equal((await many.sync()).code, 0);
      const run = await runCli(['memory', '--storage', many.storage, '--query', 'template']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^lib\/view\.ts {2}typescript · 20 lines\n {4}renderTemplate, helper0, helper1, .*helper10, …\n/);
      // Without a query, file order.
      assert.match((await runCli(['memory', '--storage', many.storage])).stdout, /\n {4}helper0, helper1, /);
    } finally {
      many.dispose();
    }
  });
});
