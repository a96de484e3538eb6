// The follow poll's head check and force-push detection against the GitHub-compatible server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import { forcePushQuestion, isForcePushed } from '../../src/core/forcePush';
import type { SyncRecord } from '../../src/core/types';
import { createEngine, type Engine } from '../../src/engine';
import { createGitHubConnector } from '../../src/github/connector';
import { resolveRemote } from '../../src/github/localRepo';
import { runGit } from '../support/git';
import { commitChanges } from '../support/repos';
import { Fixture } from './support/cliHarness';

async function drain(gen: AsyncGenerator<unknown, SyncRecord>): Promise<SyncRecord> {
  for (;;) {
    const next = await gen.next();
    if (next.done) return next.value;
  }
}

describe('follow: head check and force-push detection', function () {
  this.timeout(30_000);
  let fx: Fixture;
  let engine: Engine;
  let storage: string;

  beforeEach(async () => {
    fx = await Fixture.create({ 'src/a.ts': 'export function alpha() {}\n' });
    storage = mkdtempSync(path.join(os.tmpdir(), 'ps-follow-'));
    engine = await createEngine({ storageDir: storage, logger: nullLogger, retryBaseMs: 1 });
  });
  afterEach(async () => {
    await engine.close();
    await fx.dispose();
    rmSync(storage, { recursive: true, force: true });
  });

  const refRequests = (since: number) => fx.server.requests.slice(since).filter((r) => r.kind === 'rest');

  it('logs the follow poll\'s 304 below error level (the extension\'s channel gets the engine\'s lines as they are)', async () => {
    const lines: Array<[string, string]> = [];
    const record = (level: string) => (m: string) => void lines.push([level, m]);
    const logDir = mkdtempSync(path.join(os.tmpdir(), 'ps-follow-log-'));
    const logged = await createEngine({
      storageDir: logDir,
      logger: { trace: record('trace'), debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      retryBaseMs: 1,
    });
    try {
      await logged.headOf(fx.workspace.dir, 'main');
      const check = await logged.headOf(fx.workspace.dir, 'main');
      assert.equal(check.notModified, true);
      assert.deepEqual(lines.filter(([level, m]) => level === 'error' && /304/.test(m)), [], 'no 304 at [error]');
      assert.ok(lines.some(([level, m]) => level !== 'error' && /304/.test(m)), 'the 304 is still in the log, below error');
    } finally {
      await logged.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('costs exactly one request per check, a 304 while the head has not moved', async () => {
    const first = await engine.headOf(fx.workspace.dir, 'main');
    assert.equal(first.notModified, false);
    const mark = fx.server.requests.length;
    const second = await engine.headOf(fx.workspace.dir, 'main');
    assert.equal(second.commitSha, first.commitSha);
    assert.equal(second.notModified, true);
    const seen = refRequests(mark);
    assert.deepEqual(seen.map((r) => [r.path.replace(/^\/api\/v3/, ''), r.status, r.ifNoneMatch]), [['/repos/octo/repo/git/ref/heads/main', 304, true]]);
    assert.equal(typeof second.rateLimitRemaining, 'number');

    const moved = await commitChanges(fx.repo, { 'src/b.ts': 'export const beta = 1;\n' });
    const third = await engine.headOf(fx.workspace.dir, 'main');
    assert.deepEqual([third.commitSha, third.notModified], [moved, false]);
  });

  it('marks a sync whose head rewrote history as force-pushed, and a fast-forward as not', async () => {
    const base = await drain(engine.sync({ workdir: fx.workspace.dir, branch: 'main' }));
    assert.equal(base.forcePushed, false);
    await commitChanges(fx.repo, { 'src/b.ts': 'export const beta = 1;\n' });
    await commitChanges(fx.repo, { 'src/c.ts': 'export const gamma = 1;\n' });
    const ahead = await drain(engine.sync({ workdir: fx.workspace.dir, branch: 'main' }));
    assert.equal(ahead.forcePushed, false, 'two commits ahead is a fast-forward');

    // Rewrite: main goes back to the first commit and gets a different one.
    await runGit(['--git-dir', fx.repo.bareDir, 'update-ref', 'refs/heads/main', base.commitSha ?? '']);
    const rewritten = await commitChanges(fx.repo, { 'src/d.ts': 'export function delta() {}\n' });
    const forced = await drain(engine.sync({ workdir: fx.workspace.dir, branch: 'main' }));
    assert.equal(forced.commitSha, rewritten);
    assert.equal(forced.forcePushed, true);
    const files = (await engine.store.readFiles(forced.id)).map((f) => f.path).sort();
    assert.deepEqual(files, ['src/a.ts', 'src/d.ts'], 'the snapshot is the rewritten head, not a merge');
    assert.deepEqual((await engine.store.memory({ query: 'gamma' })).map((m) => m.path), [], 'memory of the dropped commit is superseded');
  });

  it('answers compare with the relation GitHub reports', async () => {
    const repository = await resolveRemote(fx.workspace.dir);
    const connector = createGitHubConnector({ repository, logger: nullLogger });
    const a = (await runGit(['--git-dir', fx.repo.bareDir, 'rev-parse', 'main'])).toString().trim();
    const b = await commitChanges(fx.repo, { 'x.txt': 'x\n' });
    await runGit(['--git-dir', fx.repo.bareDir, 'update-ref', 'refs/heads/main', a]);
    const c = await commitChanges(fx.repo, { 'y.txt': 'y\n' });
    const compare = connector.compareCommits;
    assert.ok(compare);
    assert.equal(await compare(a, a), 'identical');
    assert.equal(await compare(a, b), 'ahead');
    assert.equal(await compare(b, a), 'behind');
    assert.equal(await compare(b, c), 'diverged');
  });
});

describe('follow: force-push classification', () => {
  const sha = (c: string) => c.repeat(40);
  const prev = { branch: 'main', commitSha: sha('a') };
  it('needs no request for a first sync, another branch, the same commit or a direct child', () => {
    assert.equal(forcePushQuestion(undefined, 'main', { commitSha: sha('b'), parents: [] }), 'first');
    assert.equal(forcePushQuestion(prev, 'dev', { commitSha: sha('b'), parents: [] }), 'other-branch');
    assert.equal(forcePushQuestion(prev, 'main', { commitSha: sha('a'), parents: [] }), 'same');
    assert.equal(forcePushQuestion(prev, 'main', { commitSha: sha('b'), parents: [sha('a')] }), 'fast-forward');
    assert.equal(forcePushQuestion(prev, 'main', { commitSha: sha('b'), parents: [sha('c')] }), 'unknown');
  });
  it('treats behind and diverged as rewritten history', () => {
    assert.deepEqual((['identical', 'ahead', 'behind', 'diverged'] as const).map(isForcePushed), [false, false, true, true]);
  });
});
