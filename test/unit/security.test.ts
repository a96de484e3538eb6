// Security review, automated: no token in any artefact of an authenticated run, stored content only
// under validated sha paths, and no dynamic code in src/.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blobSha, writeLooseBlob } from '../../src/engine/objects/store';
import { commitChanges } from '../support/repos';
import { bareWorkspace, cli, Fixture } from './support/cliHarness';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const TOKEN = 'ghp_SecurityAuditToken0123456789abcdef';
/** Every form the token could leak in: raw, as git's Basic credentials, and URL-encoded. */
const FORMS = [TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64'), encodeURIComponent(TOKEN)];

describe('security: an authenticated run leaves the token nowhere', function () {
  this.timeout(60_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  const outputs: string[] = [];

  before(async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
    fx = await Fixture.create(files);
    fx.server.addRepository('octo', 'repo', fx.repo.bareDir, { private: true });
    fx.server.tokens.add(TOKEN);
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
  });
  after(async () => {
    await ws?.cleanup();
    await fx?.dispose();
  });

  it('syncs a private repository by pack, then by REST blobs, with trace logging on', async () => {
    const env = { GITHUB_TOKEN: TOKEN, PROJECT_SYNC_LOG: 'trace' };
    const args = ['sync', '--repo', ws.dir, '--storage', fx.storage];
    const first = await cli([...args, '--json'], env);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.ok(fx.server.requests.some((r) => r.kind === 'git'), 'the first sync used a pack');
    await commitChanges(fx.repo, { 'src/new.ts': 'export const n = 1;\n' });
    // Without the previous commit in its cache (removed here), the portable path lists the tree and
    // brings a small change by REST (with it, it would take a thin pack, as the git path does).
    rmSync(path.join(fx.storage, 'objects.git'), { recursive: true, force: true });
    const second = await cli(args, { ...env, PROJECT_SYNC_GIT: 'none' });
    assert.equal(second.code, 0, second.stderr);
    assert.ok(fx.server.requests.some((r) => r.path.includes('/git/blobs/')), 'the second sync used REST blobs');
    const denied = await cli([...args, '--json'], { GITHUB_TOKEN: `${TOKEN}x`, PROJECT_SYNC_LOG: 'trace' });
    assert.equal(denied.code, 1);
    for (const run of [first, second, denied]) outputs.push(run.stdout, run.stderr);
    for (const cmd of [['history'], ['files'], ['memory']]) {
      const r = await cli([...cmd, '--storage', fx.storage, '--json'], env);
      outputs.push(r.stdout, r.stderr);
    }
    assert.ok(outputs.join('').includes('GET'), 'trace output was captured');
  });

  it('no token in stdout, stderr, logs, or any file of the storage folder (objects.git config included)', () => {
    for (const [i, text] of outputs.entries()) for (const form of FORMS) assert.ok(!text.includes(form), `output ${i} holds the token`);
    const files = walk(fx.storage);
    assert.ok(files.some((f) => f.endsWith(path.join('objects.git', 'config'))));
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const form of FORMS) assert.ok(!bytes.includes(form), `${file} holds the token`);
    }
  });
});

describe('security: stored content only under validated sha paths', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ps-sec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a blob whose content matches its sha under objects/xx/yyyy', async () => {
    const bytes = new TextEncoder().encode('hello\n');
    const sha = blobSha(bytes);
    await writeLooseBlob(dir, sha, bytes);
    assert.deepEqual(walk(dir).map((f) => path.relative(dir, f)), [path.join('objects', sha.slice(0, 2), sha.slice(2))]);
  });

  it('rejects content that does not match the sha, and shas that are not 40 hex digits', async () => {
    const bytes = new TextEncoder().encode('evil\n');
    await assert.rejects(writeLooseBlob(dir, blobSha(new TextEncoder().encode('good\n')), bytes), /does not match/);
    for (const bad of ['../../../../etc/passwd', `${'a'.repeat(38)}/x`, 'A'.repeat(40), '']) {
      await assert.rejects(writeLooseBlob(dir, bad, bytes));
    }
    assert.deepEqual(walk(dir), [], 'nothing written');
  });
});

describe('security: no dynamic code in src/', () => {
  it('has no eval, new Function, or string-bodied timers (src/ and webview/, comments aside)', () => {
    const root = path.resolve(__dirname, '../..');
    const offenders: string[] = [];
    const sources = [...walk(path.join(root, 'src')), ...walk(path.join(root, 'webview'))].filter((f) => /\.(ts|tsx|js)$/.test(f));
    assert.ok(sources.length > 20);
    for (const file of sources) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
      if (/\beval\s*\(|\bnew\s+Function\s*\(|\bFunction\s*\(\s*['"`]|set(Timeout|Interval)\s*\(\s*['"`]/.test(text)) offenders.push(path.relative(root, file));
    }
    assert.deepEqual(offenders, []);
  });
});
