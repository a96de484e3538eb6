// The storage folder under attack, through the CLI: every file truncated, emptied or replaced by
// garbage; two processes syncing one storage at once. Nothing may be lost or wedge later syncs.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitChanges } from '../support/repos';
import { bareWorkspace, cli, Fixture, last, type CliRun } from './support/cliHarness';
import { buildCli, chainProblems, spawnCli, storeState } from './support/faultKit';

const ENV = { PROJECT_SYNC_TIMEOUT_MS: '5000', PROJECT_SYNC_RETRY_BASE_MS: '5' };
type Damage = 'truncated' | 'emptied' | 'garbage';
const DAMAGES: Damage[] = ['truncated', 'emptied', 'garbage'];

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p, base) : [path.relative(base, p)];
  });
}

/** The files worth attacking: all of ours, and the cache repository's HEAD, config, shallow and packs. */
function targets(storage: string): string[] {
  return walk(storage).filter((rel) => {
    if (!rel.startsWith('objects.git')) return true;
    return /^objects\.git\/(HEAD|config|shallow)$/.test(rel) || /\.(pack|idx)$/.test(rel);
  });
}

function damage(file: string, how: Damage): void {
  const bytes = readFileSync(file);
  if (how === 'truncated') writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  else if (how === 'emptied') writeFileSync(file, '');
  else writeFileSync(file, Buffer.from('\u0000garbage{{{not json, not git]]]\u00ff'.repeat(8), 'latin1'));
}

function noInternal(run: CliRun, what: string): void {
  const l = run.lines.at(-1);
  assert.ok(!l || l.code !== 'INTERNAL', `${what}: an internal error instead of a clear message: ${JSON.stringify(l)}`);
  assert.ok(!/\n\s+at /.test(run.stderr), `${what}: a stack trace`);
}

describe('storage folder damage through the CLI', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  let tmp: string;
  let pristine: string;
  let pristineIds: string[];
  let files: string[];

  before(async () => {
    const spec: Record<string, string> = {};
    for (let i = 0; i < 60; i++) spec[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
    fx = await Fixture.create(spec);
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-damage-'));
    pristine = path.join(tmp, 'pristine');
    const first = await cli(['sync', '--repo', ws.dir, '--storage', pristine, '--json'], ENV);
    assert.equal(first.code, 0, first.stdout.slice(-600));
    pristineIds = (await storeState(pristine)).history.map((r) => r.id);
    files = targets(pristine);
    // The next sync needs content again: 60 new blobs (a pack into the possibly damaged cache).
    const next: Record<string, string> = {};
    for (let i = 0; i < 60; i++) next[`next/n${i}.md`] = `# next ${i}\n`;
    await commitChanges(fx.repo, next);
  });
  after(async () => {
    await ws?.cleanup();
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('attacks every storage file (a sanity check of the list)', () => {
    for (const expected of ['history.json', 'etags.json']) assert.ok(files.includes(expected), `${expected} in ${files.join(', ')}`);
    assert.ok(files.some((f) => f.startsWith('snapshots/')) && files.some((f) => f.startsWith('memory/')));
    assert.ok(files.some((f) => f.endsWith('.pack')), 'the cache repository holds a pack');
  });

  for (const how of DAMAGES) {
    it(`every file ${how}: a clear message or a clean load, nothing deleted, and the next sync completes`, async () => {
      for (const rel of files) {
        const storage = path.join(tmp, `${how}-${rel.replace(/[/.]/g, '_')}`);
        cpSync(pristine, storage, { recursive: true });
        damage(path.join(storage, rel), how);
        const what = `${rel} ${how}`;

        const first = await cli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], ENV);
        noInternal(first, what);
        if (first.code !== 0) {
          const err = last(first);
          assert.ok(['STORAGE_CORRUPT', 'STORAGE_ERROR'].includes(String(err.code)), `${what}: ${JSON.stringify(err)}`);
          if (err.code === 'STORAGE_CORRUPT') {
            assert.ok(typeof err.path === 'string' && existsSync(err.path), `${what}: the damaged file is kept at the path named (${String(err.path)})`);
          }
        }
        const again = await cli(['sync', '--repo', ws.dir, '--storage', storage, '--json'], ENV);
        assert.equal(again.code, 0, `${what}: a sync after the damage completes: ${again.stdout.slice(-600)}`);
        const state = await storeState(storage);
        assert.deepEqual(chainProblems(state.history), [], what);
        if (rel !== 'history.json' && !rel.startsWith('snapshots/') && !rel.startsWith('memory/')) {
          for (const id of pristineIds) assert.ok(state.history.some((r) => r.id === id), `${what}: record ${id} lost`);
        } else {
          const aside = readdirSync(path.dirname(path.join(storage, rel))).filter((n) => n.includes('.corrupt-'));
          assert.ok(aside.length > 0 || state.history.some((r) => r.id === pristineIds[0]), `${what}: neither kept nor moved aside`);
        }
        rmSync(storage, { recursive: true, force: true });
      }
    });
  }
});

describe('two processes syncing one storage at once', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let tmp: string;
  let cliJs: string;
  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-twice-'));
    [fx, cliJs] = await Promise.all([Fixture.create({ 'a.txt': 'a\n' }), buildCli(tmp)]);
  });
  after(async () => {
    await fx.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('one waits for the other (or says LOCKED); every attempt is recorded and the chain stays linear', async () => {
    for (let round = 0; round < 3; round++) {
      await commitChanges(fx.repo, { [`r${round}.txt`]: `round ${round}\n` });
      const before = existsSync(path.join(fx.storage, 'history.json')) ? (await storeState(fx.storage)).history.length : 0;
      const args = ['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--json'];
      const runs = await Promise.all([spawnCli(cliJs, args, ENV).done, spawnCli(cliJs, args, ENV).done]);
      const codes = runs.map((r) => (r.code === 0 ? 'ok' : String(r.lines.at(-1)?.code)));
      assert.ok(codes.includes('ok'), `at least one completes: ${codes.join(', ')} ${runs.map((r) => r.stderr).join(' ')}`);
      for (const c of codes) assert.ok(c === 'ok' || c === 'LOCKED', `only LOCKED may fail: ${c}`);
      const after = await storeState(fx.storage);
      const attempts = runs.filter((r) => r.lines.some((l) => l.type === 'progress')).length;
      assert.equal(after.history.length, before + attempts, 'every attempt that started is recorded');
      assert.deepEqual(chainProblems(after.history), []);
      assert.ok(after.history.every((r) => r.status === 'completed' || r.status === 'failed'), JSON.stringify(after.history.map((r) => r.status)));
    }
  });
});
