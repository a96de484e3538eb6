// Remotes and hosts that are not what the sync expects: none, several off GitHub, credentials in the
// URL, a host answering HTML, an empty repository on github.com (409).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { classifyFailure } from '../../src/github/errors';
import { cli, Fixture, last } from './support/cliHarness';

const ENV = { PROJECT_SYNC_TIMEOUT_MS: '3000', PROJECT_SYNC_RETRY_BASE_MS: '5' };

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('hostile remotes and hosts through the CLI', function () {
  this.timeout(60_000);
  let fx: Fixture;
  let tmp: string;
  const workspaces: string[] = [];
  before(async () => {
    fx = await Fixture.create({ 'a.txt': 'a\n' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-remotes-'));
  });
  after(async () => {
    await fx.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  function workspace(remotes: Record<string, string>): string {
    const dir = path.join(tmp, `ws${workspaces.length}`);
    workspaces.push(dir);
    execFileSync('git', ['init', '-q', dir]);
    for (const [name, url] of Object.entries(remotes)) execFileSync('git', ['-C', dir, 'remote', 'add', name, url]);
    return dir;
  }
  const sync = (dir: string, env: NodeJS.ProcessEnv = {}, ...extra: string[]) =>
    cli(['sync', '--repo', dir, '--storage', path.join(tmp, 'storage'), ...extra], { ...ENV, ...env });

  it('no remotes: NO_REMOTE saying how to add one', async () => {
    const run = await sync(workspace({}), {}, '--json');
    assert.deepEqual([run.code, last(run).code], [1, 'NO_REMOTE']);
    assert.match(String(last(run).hint ?? last(run).message), /git remote add/);
  });

  it('several remotes, none on GitHub: the message lists every one of them', async () => {
    const run = await sync(workspace({ origin: 'https://gitlab.com/a/b.git', backup: 'git@bitbucket.org:a/b.git' }), {}, '--json');
    assert.equal(run.code, 1);
    assert.equal(last(run).code, 'UNSUPPORTED_REMOTE');
    assert.match(String(last(run).message), /origin/);
    assert.match(String(last(run).message), /backup/);
  });

  it('credentials in the remote URL are used for nothing we print or store', async () => {
    const secret = 'ghp_InUrlSecret0123456789';
    const url = fx.server.url.replace('http://', `http://someone:${secret}@`) + '/octo/repo.git';
    const dir = workspace({ origin: url });
    const storage = path.join(tmp, 'creds-storage');
    const run = await cli(['sync', '--repo', dir, '--storage', storage, '--json'], { ...ENV, PROJECT_SYNC_LOG: 'trace' });
    const human = await cli(['sync', '--repo', dir, '--storage', storage], { ...ENV, PROJECT_SYNC_LOG: 'debug' });
    const branches = await cli(['branches', '--repo', dir], { ...ENV, PROJECT_SYNC_LOG: 'trace' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    for (const text of [run.stdout, run.stderr, human.stdout, human.stderr, branches.stdout, branches.stderr]) {
      assert.ok(!text.includes(secret) && !text.includes('someone:'), 'never printed');
    }
    for (const file of allFiles(storage)) assert.ok(!readFileSync(file).includes(secret), `not stored in ${file}`);
  });

  it('a host answering HTML instead of JSON: NETWORK naming a proxy or wrong address, no retry storm', async () => {
    let hits = 0;
    const html: Server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>Sign in to the captive portal</body></html>');
    });
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const port = (html.address() as { port: number }).port;
      const dir = workspace({ origin: `http://127.0.0.1:${port}/octo/repo.git` });
      const run = await sync(dir, {}, '--json');
      assert.deepEqual([run.code, last(run).code], [1, 'NETWORK']);
      assert.match(String(last(run).message), /JSON/);
      assert.match(String(last(run).hint), /proxy|remote URL/i);
      assert.ok(hits <= 2, `an HTML answer is not retried (${hits} requests)`);
    } finally {
      await new Promise<void>((resolve) => html.close(() => resolve()));
    }
  });
});

describe('an empty repository on GitHub (409 "Git Repository is empty.")', () => {
  it('is EMPTY_REPOSITORY saying to push a first commit, not a network failure', () => {
    const d = classifyFailure(
      { status: 409, headers: {}, message: 'Git Repository is empty.' },
      { hasToken: false, target: 'branch', repoLabel: 'o/r on github.com', host: 'github.com', retryAttempt: 0, rateLimitAttempt: 0, retries: 3, maxWaitSeconds: 60, retryBaseMs: 1, nowMs: 0 },
    );
    assert.equal(d.kind, 'fail');
    if (d.kind === 'fail') {
      assert.equal(d.error.code, 'EMPTY_REPOSITORY');
      assert.match(d.error.details.hint ?? '', /push/i);
    }
  });
});
