// The CLI's public contract, end to end against the GitHub-compatible server.
import assert from 'node:assert/strict';
import { commitChanges, createBranch, lsTree } from '../support/repos';
import { cli, Fixture, json, last } from './support/cliHarness';

const files = {
  'README.md': '# Hello\n\nA test repository.\n',
  'src/index.ts': 'export function greet(name: string): string {\n  return `hi ${name}`;\n}\n',
  'src/deep/nested/dir/util.py': 'def helper():\n    return 1\n',
  'link-to-readme': { symlink: 'README.md' },
  'vendor/lib': { submodule: 'a'.repeat(40) },
  'bin/run.sh': { executable: '#!/bin/sh\necho run\n' },
  'docs/ünïcödé/naïve café.md': '# Café\n',
  'hostile/<img src=x onerror=alert(1)>.md': '# payload\n',
  'hostile/-leading-dash': 'x\n',
  'hostile/quote"and\\backslash': 'y\n',
  'hostile/new\nline': 'z\n',
};

interface SyncJson {
  id: string;
  status: string;
  kind: string;
  branch: string;
  commitSha: string;
  treeSha: string;
  previousSyncId: string | null;
  restoredFromSyncId: string | null;
  stats: { files: number; added: number; modified: number; removed: number; requests: number };
}
type FileJson = { path: string; blobSha: string; mode: string; size: number | null };

const result = (run: Awaited<ReturnType<typeof cli>>) => {
  const l = last(run);
  assert.equal(l.type, 'result', `expected a result, got ${JSON.stringify(l)} ${run.stderr}`);
  return l.sync as SyncJson;
};

describe('project-sync sync (CLI contract)', function () {
  this.timeout(60_000);
  let fx: Fixture;
  const branch = 'feature/ünï-code#1';

  before(async () => {
    fx = await Fixture.create(files);
    await createBranch(fx.repo, branch);
  });
  after(() => fx.dispose());

  it('syncs a branch with an awkward name to exactly the tree git has', async () => {
    const run = await fx.sync('--branch', branch);
    assert.equal(run.code, 0, run.stderr);
    const sync = result(run);
    assert.equal(sync.status, 'completed');
    assert.equal(sync.branch, branch);
    assert.equal(sync.previousSyncId, null);
    assert.ok(run.lines.some((l) => l.type === 'progress' && l.phase === 'fetchingTree'));
    const listed = json<FileJson[]>(await cli(['files', '--storage', fx.storage, '--json']));
    const expected = await lsTree(fx.repo.bareDir, branch);
    const key = (x: { path: string; mode: string }, sha: string) => `${x.mode} ${sha} ${x.path}`;
    assert.deepEqual(listed.map((f) => key(f, f.blobSha)).sort(), expected.map((e) => key(e, e.sha)).sort());
    assert.equal(sync.stats.files, expected.length);
    assert.equal(sync.stats.added, expected.length, 'a first sync counts every file as added');
    const sub = listed.find((f) => f.path === 'vendor/lib');
    assert.deepEqual([sub?.mode, sub?.size], ['160000', null]);
    assert.equal(listed.find((f) => f.path === 'link-to-readme')?.mode, '120000');
    assert.equal(listed.find((f) => f.path === 'bin/run.sh')?.mode, '100755');
  });

  it('defaults to the remote default branch, and a pushed change gives +2 ~3 −1 chained to the previous sync', async () => {
    const first = result(await fx.sync());
    assert.equal(first.branch, 'main');
    await commitChanges(fx.repo, {
      'README.md': '# Hello\n\nChanged.\n',
      'src/index.ts': 'export function greet(name: string): string {\n  return name;\n}\nexport function wave(): void {}\n',
      'bin/run.sh': { executable: '#!/bin/sh\necho changed\n' },
      'src/new.ts': 'export const added = 1;\n',
      'docs/new.md': '# New doc\n',
      'hostile/-leading-dash': null,
    });
    const second = result(await fx.sync());
    assert.deepEqual([second.stats.added, second.stats.modified, second.stats.removed], [2, 3, 1]);
    assert.equal(second.previousSyncId, first.id);

    const memory = json<{ path: string; symbols: string[]; supersededBySyncId: string | null }[]>(
      await cli(['memory', '--storage', fx.storage, '--json']),
    );
    const index = memory.filter((m) => m.path === 'src/index.ts');
    assert.equal(index.length, 1, 'only the active entry without --include-superseded');
    assert.deepEqual(index[0]?.symbols, ['greet', 'wave']);
    const all = json<{ path: string; supersededBySyncId: string | null }[]>(
      await cli(['memory', '--storage', fx.storage, '--include-superseded', '--json']),
    );
    assert.ok(all.some((m) => m.path === 'src/index.ts' && m.supersededBySyncId === second.id));
    assert.ok(!all.some((m) => m.path === 'hostile/-leading-dash' && m.supersededBySyncId === null));
  });

  it('records a no-change resync of a named branch with zero changes after one conditional request', async () => {
    const before = result(await fx.sync('--branch', 'main'));
    fx.server.clearRequests();
    const again = result(await fx.sync('--branch', 'main'));
    assert.deepEqual([again.stats.added, again.stats.modified, again.stats.removed], [0, 0, 0]);
    assert.equal(again.previousSyncId, before.id);
    const rest = fx.server.requests.filter((r) => r.kind === 'rest');
    assert.deepEqual(rest.map((r) => r.status), [304]);
  });

  it('restores an older sync: files equal that sync, history keeps every record', async () => {
    const history = json<SyncJson[]>(await cli(['history', '--storage', fx.storage, '--json']));
    const oldest = history.at(-1) as SyncJson;
    const restoreRun = await cli(['restore', oldest.id, '--storage', fx.storage, '--json']);
    assert.equal(restoreRun.code, 0, restoreRun.stderr);
    const restored = result(restoreRun);
    assert.equal(restored.kind, 'restore');
    assert.equal(restored.restoredFromSyncId, oldest.id);
    assert.equal(restored.commitSha, oldest.commitSha);
    assert.equal(restored.previousSyncId, history[0]?.id);
    const now = json<FileJson[]>(await cli(['files', '--storage', fx.storage, '--json']));
    const then = json<FileJson[]>(await cli(['files', '--storage', fx.storage, '--sync', oldest.id, '--json']));
    assert.deepEqual(now, then);
    const after = json<SyncJson[]>(await cli(['history', '--storage', fx.storage, '--json']));
    assert.equal(after.length, history.length + 1);
    assert.equal(after[0]?.id, restored.id, 'newest first');
  });

  it('finds a TypeScript function and a Markdown heading in memory', async () => {
    const ts = json<{ path: string }[]>(await cli(['memory', '--storage', fx.storage, '--query', 'GREET', '--json']));
    assert.equal(ts[0]?.path, 'src/index.ts');
    const md = json<{ path: string }[]>(await cli(['memory', '--storage', fx.storage, '--query', 'café', '--json']));
    assert.ok(md.some((m) => m.path === 'docs/ünïcödé/naïve café.md'));
  });
});

describe('project-sync errors and usage (CLI contract)', function () {
  this.timeout(60_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create({ 'a.txt': 'a\n' });
  });
  after(() => fx.dispose());

  it('exits 2 on usage errors', async () => {
    assert.equal((await cli(['sync', '--storage', fx.storage])).code, 2);
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['restore', '--storage', fx.storage])).code, 2);
    assert.equal((await cli(['--help'])).code, 0);
  });

  it('reports an unknown sync id as SYNC_NOT_FOUND', async () => {
    const run = await cli(['restore', 'nope', '--storage', fx.storage, '--json']);
    assert.equal(run.code, 1);
    assert.equal(last(run).code, 'SYNC_NOT_FOUND');
    const files = await cli(['files', '--storage', fx.storage, '--sync', 'nope', '--json']);
    assert.deepEqual([files.code, last(files).code], [1, 'SYNC_NOT_FOUND']);
  });

  it('says AUTH_REQUIRED differently for a missing and a rejected token on a private repository', async () => {
    fx.server.addRepository('octo', 'secret', fx.repo.bareDir, { private: true });
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['-C', fx.workspace.dir, 'remote', 'add', 'private', `${fx.server.url}/octo/secret.git`]);
    const missing = await cli(['sync', '--repo', fx.workspace.dir, '--remote', 'private', '--storage', fx.storage, '--json']);
    const rejected = await cli(['sync', '--repo', fx.workspace.dir, '--remote', 'private', '--storage', fx.storage, '--json'], { GITHUB_TOKEN: 'ghp_wrongwrongwrongwrong' });
    assert.deepEqual([missing.code, last(missing).code], [1, 'AUTH_REQUIRED']);
    assert.deepEqual([rejected.code, last(rejected).code], [1, 'AUTH_REQUIRED']);
    assert.notEqual(last(missing).message, last(rejected).message);
    assert.ok(!rejected.stdout.includes('ghp_wrong') && !rejected.stderr.includes('ghp_wrong'), 'the token is never printed');
    fx.server.tokens.add('ghp_goodgoodgoodgoodgood');
    const ok = await cli(['sync', '--repo', fx.workspace.dir, '--remote', 'private', '--storage', fx.storage, '--json'], { GITHUB_TOKEN: 'ghp_goodgoodgoodgoodgood' });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  });

  it('refuses a remote that is not on a GitHub host with UNSUPPORTED_REMOTE', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['-C', fx.workspace.dir, 'remote', 'add', 'lab', 'https://gitlab.com/o/r.git']);
    const run = await cli(['sync', '--repo', fx.workspace.dir, '--remote', 'lab', '--storage', fx.storage, '--json']);
    assert.deepEqual([run.code, last(run).code], [1, 'UNSUPPORTED_REMOTE']);
    const human = await cli(['sync', '--repo', fx.workspace.dir, '--remote', 'lab', '--storage', fx.storage]);
    assert.equal(human.code, 1);
    assert.ok(!/\n\s+at /.test(human.stderr), 'no stack trace');
  });

  it('lists branches with the default flagged', async () => {
    await createBranch(fx.repo, 'dev');
    const list = json<{ name: string; isDefault: boolean; commitSha: string }[]>(await cli(['branches', '--repo', fx.workspace.dir, '--json']));
    assert.deepEqual(list.map((b) => [b.name, b.isDefault]).sort(), [['dev', false], ['main', true]]);
  });

  it('fails a rate-limited sync past --max-wait with RATE_LIMITED and the reset time, recording the attempt', async () => {
    fx.server.switches.rateLimit = { limit: 60, remaining: 0, resetAt: Math.floor(Date.now() / 1000) + 3600 };
    const run = await fx.sync('--max-wait', '5');
    fx.server.switches.rateLimit = { limit: 5000, remaining: 5000, resetAt: Math.floor(Date.now() / 1000) + 3600 };
    assert.equal(run.code, 1);
    assert.equal(last(run).code, 'RATE_LIMITED');
    assert.ok(typeof last(run).resetAt === 'string');
    const history = json<{ status: string; error: { code: string } | null; previousSyncId: string | null }[]>(await cli(['history', '--storage', fx.storage, '--json']));
    assert.equal(history[0]?.status, 'failed');
    assert.equal(history[0]?.error?.code, 'RATE_LIMITED');
    assert.equal(history[0]?.previousSyncId, null);
  });
});
