// A truncated tree that lists itself (issue 16, item 6), on the portable path (PROJECT_SYNC_GIT=none,
// the REST tree walk of src/github/tree.ts). It used to deadlock the walk on its own pending result:
// Node found nothing left to do and exited 0, with a `running` record and the lock left behind.
// Through the built CLI, behind a small front that serves the test server's answers but makes one
// tree list itself (or two trees list each other).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Fixture } from './support/cliHarness';
import { distCli, errorLine } from './support/distCli';

type Rewrite = (treeSha: string, recursive: boolean, body: { tree: { path: string; mode: string; type: string; sha: string }[]; truncated: boolean }) => void;

/** Forwards everything to `upstream`; a tree listing goes through `rewrite` first. */
async function front(upstream: string, rewrite: Rewrite): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const m = /\/git\/trees\/([0-9a-f]{40})(\?.*)?$/.exec(req.url ?? '');
    const rewriting = m !== null;
    // A connection of its own per request (see upstreamHeaders in support/cliProcess.ts).
    const headers = { ...req.headers, host: target.host, connection: 'close' };
    if (rewriting) {
      delete headers['if-none-match'];
      delete headers['accept-encoding'];
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      if (!rewriting || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Parameters<Rewrite>[2];
        rewrite((m as RegExpExecArray)[1] as string, /recursive=/.test(m?.[2] ?? ''), body);
        const text = JSON.stringify(body);
        const out = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
        delete out.etag;
        delete out['transfer-encoding'];
        res.writeHead(200, out);
        res.end(text);
      });
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('a self-listing truncated tree on the portable path (issue 16)', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let tmp: string;
  let root: string;
  let sub: string;
  let other: string;

  before(async () => {
    fx = await Fixture.create({ 'a/one.ts': 'export const one = 1;\n', 'b/two.ts': 'export const two = 2;\n', 'README.md': '# r\n' });
    fx.server.switches.truncateTreeOver = 1; // every recursive listing is cut: the walk descends
    root = execFileSync('git', ['-C', fx.repo.bareDir, 'rev-parse', 'HEAD^{tree}'], { encoding: 'utf8' }).trim();
    sub = execFileSync('git', ['-C', fx.repo.bareDir, 'rev-parse', 'HEAD:a'], { encoding: 'utf8' }).trim();
    other = execFileSync('git', ['-C', fx.repo.bareDir, 'rev-parse', 'HEAD:b'], { encoding: 'utf8' }).trim();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-treeloop-'));
  });
  after(async () => {
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const cases: [string, Rewrite][] = [
    ['the root lists itself', (sha, recursive, body) => {
      if (sha === root && !recursive) body.tree.push({ path: 'loop', mode: '040000', type: 'tree', sha: root });
    }],
    ['a subtree lists the root (a longer loop)', (sha, recursive, body) => {
      if (sha !== sub) return;
      body.truncated = true; // so the walk asks for its direct entries, where the loop is
      if (!recursive) body.tree.push({ path: 'up', mode: '040000', type: 'tree', sha: root });
    }],
    ['two sibling subtrees list each other (listed in parallel)', (sha, recursive, body) => {
      if (sha !== sub && sha !== other) return;
      body.truncated = true;
      if (!recursive) body.tree.push({ path: 'twin', mode: '040000', type: 'tree', sha: sha === sub ? other : sub });
    }],
  ];

  for (const [what, rewrite] of cases) {
    it(`${what}: the sync fails cleanly (exit 1, record failed, lock released), never exit 0 with a running record`, async () => {
      const proxy = await front(fx.server.url, rewrite);
      const ws = mkdtempSync(path.join(tmp, 'ws-'));
      const storage = path.join(tmp, `storage-${cases.findIndex((c) => c[0] === what)}`);
      try {
        execFileSync('git', ['init', '--quiet', ws]);
        execFileSync('git', ['-C', ws, 'remote', 'add', 'origin', `${proxy.url}/octo/repo.git`]);
        const run = await distCli(['sync', '--repo', ws, '--storage', storage, '--json'], { PROJECT_SYNC_GIT: 'none', PROJECT_SYNC_TIMEOUT_MS: '10000' }, 60_000);
        assert.ok(!run.hung, 'the CLI ended by itself');
        assert.equal(run.code, 1, `exit code; stdout: ${run.stdout.slice(-500)} stderr: ${run.stderr.slice(-500)}`);
        const err = errorLine(run);
        assert.equal(err.code, 'NETWORK');
        assert.match(String(err.message), /inside itself|which no git tree can do|does not match its sha/);
        assert.ok(!existsSync(path.join(storage, 'sync.lock')), 'the lock is released');
        const history = await distCli(['history', '--storage', storage, '--json']);
        const records = JSON.parse(history.stdout) as { status: string; error: { code: string } | null }[];
        assert.deepEqual(records.map((r) => [r.status, r.error?.code]), [['failed', 'NETWORK']]);
      } finally {
        await proxy.close();
      }
    });
  }

  it('any command whose work never settles exits 1 with an INTERNAL error, never 0 in silence', async () => {
    // A preload that makes every fs.promises.stat wait for ever: the CLI's first step never ends
    // and Node finds nothing left to do (what the tree loop used to cause).
    const preload = path.join(tmp, 'never-settles.cjs');
    writeFileSync(preload, "require('node:fs').promises.stat = () => new Promise(() => {});\n");
    const storage = path.join(tmp, 'settle-store');
    mkdirSync(storage);
    const run = await distCli(['history', '--storage', storage, '--json'], { NODE_OPTIONS: `--require ${preload}` }, 30_000);
    assert.ok(!run.hung);
    assert.equal(run.code, 1, `exit code; stdout: ${run.stdout} stderr: ${run.stderr}`);
    assert.equal(errorLine(run).code, 'INTERNAL');
    assert.match(String(errorLine(run).message), /stopped without finishing/);
    const human = await distCli(['history', '--storage', storage], { NODE_OPTIONS: `--require ${preload}` }, 30_000);
    assert.equal(human.code, 1);
    assert.match(human.stderr, /stopped without finishing/);
  });
});
