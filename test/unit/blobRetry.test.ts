// A blob rejected because its bytes do not hash to its sha (issue 16): the sync says which file, the
// record remembers it, and the next sync of the branch fetches it again, even when nothing changed,
// until its memory entry exists. The fault is a man in the middle altering one REST blob answer; the
// GitHub-compatible server itself answers correctly.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import { createEngine } from '../../src/engine';
import { lsTree } from '../support/repos';
import { cli, Fixture, json, last, type CliRun } from './support/cliHarness';
import { relayTo, startHttp, type TestHttp } from './support/cliProcess';

const ENV = { PROJECT_SYNC_TIMEOUT_MS: '5000', PROJECT_SYNC_RETRY_BASE_MS: '5', PROJECT_SYNC_GIT: 'none' };

type MemoryJson = { path: string; blobSha: string; symbols: string[]; supersededBySyncId: string | null };
type SyncJson = { id: string; status: string; stats: { files: number; modified: number; contentFiles: number }; missingContent?: { path: string; blobSha: string }[] };

function result(run: CliRun): SyncJson {
  const l = last(run);
  assert.equal(l.type, 'result', `expected a result: ${run.stdout.slice(-2000)} ${run.stderr}`);
  return l.sync as SyncJson;
}

const warnings = (run: CliRun): string[] => run.lines.filter((l) => l.type === 'warning').map((l) => String(l.message));

describe('a blob rejected for a sha mismatch is fetched again by the next sync', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let mitm: TestHttp;
  let tmp: string;
  let workdir: string;
  let target = '';
  let corrupt = true;
  let firstId = '';

  before(async () => {
    fx = await Fixture.create({ 'README.md': '# Readme\n', 'src/alpha.ts': 'export function alpha() {}\n', 'src/beta.ts': 'export function beta() {}\n' });
    target = (await lsTree(fx.repo.bareDir, 'main')).find((e) => e.path === 'src/alpha.ts')?.sha ?? '';
    mitm = await startHttp(
      '127.0.0.1',
      relayTo(fx.server.url, (url, body) => {
        if (!corrupt || !url.includes(`/git/blobs/${target}`)) return undefined;
        const altered = Buffer.from(body);
        altered[0] = (altered[0] ?? 0) ^ 0x20; // `export` → `Export`: one bit, same length
        return altered;
      }),
    );
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-blob-retry-'));
    workdir = path.join(tmp, 'ws');
    execFileSync('git', ['init', '-q', workdir]);
    execFileSync('git', ['-C', workdir, 'remote', 'add', 'origin', `${mitm.url}/octo/repo.git`]);
  });
  after(async () => {
    await mitm?.close();
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const sync = () => cli(['sync', '--repo', workdir, '--storage', fx.storage, '--json'], ENV);
  const memory = async () => json<MemoryJson[]>(await cli(['memory', '--storage', fx.storage, '--json'], ENV));
  const blobRequests = (from: number) => mitm.requests.slice(from).filter((r) => r.url.includes('/git/blobs/')).map((r) => r.url.slice(r.url.lastIndexOf('/') + 1));

  it('the first sync completes, says which file it could not fetch, and has no memory entry for it', async () => {
    const run = await sync();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const first = result(run);
    firstId = first.id;
    assert.equal(first.stats.files, 3);
    assert.deepEqual(first.missingContent?.map((f) => f.path), ['src/alpha.ts'], 'the record remembers the file');
    const said = warnings(run);
    assert.equal(said.length, 1, JSON.stringify(run.lines.filter((l) => l.type === 'warning')));
    assert.match(said[0] ?? '', /src\/alpha\.ts/);
    assert.match(said[0] ?? '', /next sync/);
    const human = await cli(['sync', '--repo', workdir, '--storage', fx.storage], ENV);
    assert.match(human.stderr, /warning: .*src\/alpha\.ts/, 'a person sees it too (a no-change resync retries, and fails again)');
    assert.deepEqual((await memory()).map((m) => m.path), ['README.md', 'src/beta.ts']);
  });

  it('reading the file on demand (the extension\'s diff, Browse and API) refuses the altered bytes', async () => {
    const engine = await createEngine({ storageDir: fx.storage, logger: nullLogger, gitPath: 'none', retryBaseMs: 5 });
    try {
      await engine.resolveRemote(workdir);
      const id = engine.store.activeSync()?.id as string;
      await assert.rejects(engine.readFile(id, 'src/alpha.ts'), (e: Error & { code?: string }) => e.code === 'NETWORK' && /does not match its sha/.test(e.message));
      assert.equal(Buffer.from((await engine.readFile(id, 'src/beta.ts')) ?? []).toString(), 'export function beta() {}\n');
    } finally {
      await engine.close();
    }
  });

  it('a no-change resync while the fault lasts asks for that blob only, and keeps it remembered', async () => {
    const before = mitm.requests.length;
    const run = await sync();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(blobRequests(before), [target], 'O(missing): one blob request, for the missing blob');
    assert.deepEqual(result(run).missingContent?.map((f) => f.path), ['src/alpha.ts']);
    assert.equal(warnings(run).length, 1);
  });

  it('with the fault gone, the next (no-change) sync fetches it and completes its memory entry', async () => {
    corrupt = false;
    const before = mitm.requests.length;
    const run = await sync();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const done = result(run);
    assert.equal(done.stats.modified, 0, 'nothing changed on the branch');
    assert.deepEqual(done.missingContent ?? [], []);
    assert.deepEqual(warnings(run), []);
    assert.deepEqual(blobRequests(before), [target]);
    const entries = await memory();
    const alpha = entries.find((m) => m.path === 'src/alpha.ts');
    assert.ok(alpha, `memory has src/alpha.ts: ${JSON.stringify(entries.map((m) => m.path))}`);
    assert.equal(alpha.blobSha, target);
    assert.deepEqual(alpha.symbols, ['alpha']);
    assert.deepEqual(entries.map((m) => m.path), ['README.md', 'src/alpha.ts', 'src/beta.ts']);
    const again = await sync();
    assert.deepEqual(blobRequests(before).length, 1, 'nothing is fetched again once it is complete');
    assert.deepEqual(result(again).missingContent ?? [], []);
  });

  it('restoring the first sync brings its gap back, and the next sync fills it again', async () => {
    const restored = await cli(['restore', firstId, '--storage', fx.storage, '--json'], ENV);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.deepEqual(result(restored).missingContent?.map((f) => f.path), ['src/alpha.ts'], 'the restore link carries what its memory lacks');
    assert.deepEqual((await memory()).map((m) => m.path), ['README.md', 'src/beta.ts']);
    const run = await sync();
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(result(run).missingContent ?? [], []);
    assert.deepEqual((await memory()).map((m) => m.path), ['README.md', 'src/alpha.ts', 'src/beta.ts']);
  });
});
