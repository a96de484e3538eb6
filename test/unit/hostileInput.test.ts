// Hostile and unusual repositories through the CLI: awkward names and shapes, a 50 MB file,
// an empty repository, renamed/deleted/force-pushed branches.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGit } from '../support/git';
import { commitChanges, createBranch, lsTree, type FileSpec } from '../support/repos';
import { bareWorkspace, cli, Fixture, json, last, type CliRun } from './support/cliHarness';

type FileJson = { path: string; blobSha: string; mode: string; size: number | null };
const ENV = { PROJECT_SYNC_TIMEOUT_MS: '5000', PROJECT_SYNC_RETRY_BASE_MS: '5' };

function result(run: CliRun): { id: string; status: string; branch: string; previousSyncId: string | null; stats: { files: number; contentFiles: number } } {
  const l = last(run);
  assert.equal(l.type, 'result', `expected a result: ${run.stdout.slice(-2000)} ${run.stderr}`);
  return l.sync as ReturnType<typeof result>;
}

async function assertSameAsGit(storage: string, bareDir: string, rev: string): Promise<FileJson[]> {
  const listed = json<FileJson[]>(await cli(['files', '--storage', storage, '--json']));
  const expected = await lsTree(bareDir, rev);
  const key = (mode: string, sha: string, p: string) => `${mode} ${sha} ${p}`;
  assert.deepEqual(listed.map((f) => key(f.mode, f.blobSha, f.path)).sort(), expected.map((e) => key(e.mode, e.sha, e.path)).sort());
  return listed;
}

const NFC = 'caf\u00e9.md';
const NFD = 'cafe\u0301.md';
const BIG = 50 * 1024 * 1024;

describe('hostile repositories through the CLI', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  const hostile: Record<string, FileSpec> = {
    'names/new\nline.txt': 'n\n',
    'names/"double" and \'single\'.txt': 'q\n',
    'names/back\\slash.txt': 'b\n',
    'names/a..b': 'dots inside a name are legal\n',
    'names/...': 'three dots\n',
    'names/-rf': 'leading dash\n',
    'names/--help': 'looks like a flag\n',
    [`names/${NFC}`]: '# NFC twin\n',
    [`names/${NFD}`]: '# NFD twin\n',
    'names/<script>alert(1)</script>.js': 'export const x = "<script>";\n',
    'names/<img src=x onerror=alert(1)>.md': '# <img src=x onerror=alert(1)>\n',
    [`${Array.from({ length: 100 }, (_, i) => `d${i}`).join('/')}/deep.txt`]: 'deep\n',
    'big/blob.bin': new Uint8Array(BIG).fill(97),
  };

  before(async () => {
    const files: Record<string, FileSpec> = { ...hostile };
    for (let i = 0; i < 10_000; i++) files[`flat/file${i}.txt`] = `file ${i}\n`;
    fx = await Fixture.create(files);
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
  });
  after(async () => {
    await ws?.cleanup();
    await fx?.dispose();
  });

  const sync = (...extra: string[]) => cli(['sync', '--repo', ws.dir, '--storage', fx.storage, '--json', ...extra], ENV);

  it('syncs 10k files in one folder, a 100-level path and hostile names to exactly git’s tree', async () => {
    const run = await sync();
    assert.equal(run.code, 0, run.stderr);
    const listed = await assertSameAsGit(fx.storage, fx.repo.bareDir, 'main');
    assert.ok(listed.some((f) => f.path === `names/${NFC}`) && listed.some((f) => f.path === `names/${NFD}`), 'NFC and NFD twins both kept, byte-exact');
    assert.ok(listed.some((f) => f.path.split('/').length === 101));
    assert.equal(listed.filter((f) => f.path.startsWith('flat/')).length, 10_000);
    const memory = json<{ path: string; summary: string | null }[]>(await cli(['memory', '--storage', fx.storage, '--query', 'onerror', '--json']));
    assert.ok(memory.some((m) => m.path === 'names/<img src=x onerror=alert(1)>.md'), 'a payload name is plain data in memory');
  });

  it('lists the 50 MB file with its size but never fetches or indexes its content', async () => {
    const listed = json<FileJson[]>(await cli(['files', '--storage', fx.storage, '--json']));
    const big = listed.find((f) => f.path === 'big/blob.bin');
    assert.equal(big?.size, BIG);
    assert.ok(!fx.server.requests.some((r) => r.path.includes(`/git/blobs/${big?.blobSha}`)), 'no REST request for the big blob');
    const memory = json<{ path: string }[]>(await cli(['memory', '--storage', fx.storage, '--query', 'blob.bin', '--json']));
    assert.ok(!memory.some((m) => m.path === 'big/blob.bin'), 'no memory entry built from 50 MB of content');
  });

  it('prints hostile names escaped in human output (one line per file)', async () => {
    const run = await cli(['files', '--storage', fx.storage]);
    assert.equal(run.code, 0);
    assert.ok(run.stdout.includes('names/new\\nline.txt'), 'the newline is escaped');
    assert.equal(run.stdout.trimEnd().split('\n').length, json<FileJson[]>(await cli(['files', '--storage', fx.storage, '--json'])).length);
  });

  it('a force-pushed branch (history rewritten) gives exactly ls-tree’s set, chained to the previous sync', async () => {
    const before = result(await sync('--branch', 'main'));
    // An orphan commit with a different tree replaces main: no common history.
    const tree = (await runGit(['--git-dir', fx.repo.bareDir, 'mktree'], { input: Buffer.from('') })).toString().trim();
    const orphan = (await runGit(['--git-dir', fx.repo.bareDir, 'commit-tree', tree, '-m', 'rewritten'])).toString().trim();
    await runGit(['--git-dir', fx.repo.bareDir, 'update-ref', 'refs/heads/main', orphan]);
    await commitChanges(fx.repo, { 'only.txt': 'after the force push\n', 'names/-rf': 'kept\n' }, { branch: 'main' });
    const after = result(await sync('--branch', 'main'));
    assert.equal(after.previousSyncId, before.id);
    const listed = await assertSameAsGit(fx.storage, fx.repo.bareDir, 'main');
    assert.deepEqual(listed.map((f) => f.path).sort(), ['names/-rf', 'only.txt']);
  });
});

describe('unusual branches and repositories through the CLI', function () {
  this.timeout(60_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create({ 'a.txt': 'a\n' });
  });
  after(() => fx.dispose());
  const sync = (...extra: string[]) => cli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--json', ...extra], ENV);

  it('a branch deleted between listing and syncing: BRANCH_NOT_FOUND naming it, recorded, and what to do', async () => {
    await createBranch(fx.repo, 'doomed');
    const list = json<{ name: string }[]>(await cli(['branches', '--repo', fx.workspace.dir, '--json']));
    assert.ok(list.some((b) => b.name === 'doomed'));
    await runGit(['--git-dir', fx.repo.bareDir, 'update-ref', '-d', 'refs/heads/doomed']);
    const run = await sync('--branch', 'doomed');
    assert.equal(run.code, 1);
    assert.equal(last(run).code, 'BRANCH_NOT_FOUND');
    assert.match(String(last(run).message), /doomed/);
    const human = await cli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'doomed'], ENV);
    assert.match(human.stderr, /branches/, 'the hint says how to list branches');
    const history = json<{ status: string; error: { code: string } | null }[]>(await cli(['history', '--storage', fx.storage, '--json']));
    assert.deepEqual([history[0]?.status, history[0]?.error?.code], ['failed', 'BRANCH_NOT_FOUND']);
  });

  it('a default branch renamed on the server: no --branch follows the new default; the old name is BRANCH_NOT_FOUND', async () => {
    await runGit(['--git-dir', fx.repo.bareDir, 'branch', '-m', 'main', 'trunk']);
    await runGit(['--git-dir', fx.repo.bareDir, 'symbolic-ref', 'HEAD', 'refs/heads/trunk']);
    try {
      const run = await sync();
      assert.equal(result(run).branch, 'trunk');
      const old = await sync('--branch', 'main');
      assert.deepEqual([old.code, last(old).code], [1, 'BRANCH_NOT_FOUND']);
    } finally {
      await runGit(['--git-dir', fx.repo.bareDir, 'branch', '-m', 'trunk', 'main']);
      await runGit(['--git-dir', fx.repo.bareDir, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
    }
  });

  it('an empty repository (no commits): a clear EMPTY_REPOSITORY or BRANCH_NOT_FOUND, nothing recorded as completed', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-empty-'));
    try {
      const bare = path.join(tmp, 'empty.git');
      execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', bare]);
      fx.server.addRepository('octo', 'empty', bare);
      const ws = await bareWorkspace(fx.server, 'octo', 'empty');
      const storage = path.join(tmp, 'storage');
      try {
        const run = await cli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], ENV);
        assert.equal(run.code, 1, run.stdout);
        const err = last(run);
        assert.ok(['EMPTY_REPOSITORY', 'BRANCH_NOT_FOUND'].includes(String(err.code)), JSON.stringify(err));
        assert.match(String(err.message), /empty|no commits|does not exist/i);
        const human = await cli(['sync', '--repo', ws.dir, '--storage', storage], ENV);
        assert.ok(!/\n\s+at /.test(human.stderr), 'no stack trace');
        const history = json<{ status: string }[]>(await cli(['history', '--storage', storage, '--json']));
        assert.ok(!history.some((r) => r.status === 'completed'));
      } finally {
        await ws.cleanup();
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
