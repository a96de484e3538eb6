// A tampered history.json (issue 16, items 1 and 6): stored names that climb out of the storage
// folder, and parent chains that loop. Through the built CLI: STORAGE_CORRUPT at load, the damaged
// file moved aside, nothing outside the storage touched, no hang.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitChanges } from '../support/repos';
import { Fixture } from './support/cliHarness';
import { distCli, errorLine } from './support/distCli';

interface StoredHistory {
  records: { id: string; status: string; previousSyncId: string | null }[];
  commits: { syncId: string; treeSha: string; memoryFile: string | null }[];
  snapshots: Record<string, { file: string; parent: string | null }>;
}

const MARKER = 'VICTIM-SECRET-4242 do not touch';

describe('a tampered storage (issue 16: names outside the storage, looping chains)', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let tmp: string;

  before(async () => {
    fx = await Fixture.create({ 'src/a.ts': 'export const a = 1;\n', 'README.md': '# demo\n' });
    assert.equal((await fx.sync()).code, 0);
    await commitChanges(fx.repo, { 'src/b.ts': 'export const b = 2;\n' });
    assert.equal((await fx.sync()).code, 0);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-tamper-'));
  });
  after(async () => {
    await fx?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A copy of the pristine store in `<case>/storage`, history.json edited by `edit`; the victim beside it. */
  function tampered(name: string, edit: (h: StoredHistory, victim: string) => void): { dir: string; storage: string; victim: string } {
    const dir = path.join(tmp, name);
    const storage = path.join(dir, 'storage');
    mkdirSync(dir, { recursive: true });
    cpSync(fx.storage, storage, { recursive: true });
    const victim = path.join(dir, 'victim.txt');
    writeFileSync(victim, MARKER);
    const file = path.join(storage, 'history.json');
    const h = JSON.parse(readFileSync(file, 'utf8')) as StoredHistory;
    edit(h, victim);
    writeFileSync(file, JSON.stringify(h));
    return { dir, storage, victim };
  }

  const outside: [string, (victim: string) => string][] = [
    ['a relative name climbing out (../../victim.txt)', () => '../../victim.txt'],
    ['an absolute path', (victim) => victim],
    ['a name with a separator (x/../../../victim.txt)', () => 'x/../../../victim.txt'],
  ];

  for (const command of ['history', 'files'] as const) {
    for (const [what, name] of outside) {
      for (const field of ['snapshot file', 'memoryFile'] as const) {
        it(`${command}: a ${field} that is ${what} is STORAGE_CORRUPT and nothing outside the storage is touched`, async () => {
          const c = tampered(`${command}-${field.replace(' ', '')}-${outside.findIndex((o) => o[0] === what)}`, (h, victim) => {
            if (field === 'memoryFile') {
              const withMemory = h.commits.find((x) => x.memoryFile !== null);
              assert.ok(withMemory, 'the fixture has a memory file');
              withMemory.memoryFile = name(victim);
            } else {
              const node = Object.values(h.snapshots)[0];
              assert.ok(node);
              node.file = name(victim);
            }
          });
          const run = await distCli([command, '--storage', c.storage, '--json']);
          assert.equal(run.code, 1, run.stdout + run.stderr);
          assert.equal(errorLine(run).code, 'STORAGE_CORRUPT');
          assert.ok(existsSync(c.victim), 'the file outside the storage is still there');
          assert.equal(readFileSync(c.victim, 'utf8'), MARKER, 'and unchanged');
          assert.deepEqual(readdirSync(c.dir).sort(), ['storage', 'victim.txt'], 'nothing else appeared beside the storage');
          assert.ok(!run.stdout.includes('VICTIM') && !run.stderr.includes('VICTIM'), 'its bytes are never printed');
          assert.ok(readdirSync(c.storage).some((n) => n.startsWith('history.json.corrupt-')), 'the damaged history is moved aside');
          const again = await distCli(['history', '--storage', c.storage, '--json']);
          assert.equal(again.code, 0, 'a fresh history starts');
        });
      }
    }
  }

  it('a snapshot parent cycle is STORAGE_CORRUPT at load (no hang at 100% CPU)', async () => {
    const c = tampered('snapshot-cycle', (h) => {
      const [a, b] = Object.entries(h.snapshots);
      assert.ok(a && b, 'the fixture has two snapshot nodes');
      a[1].parent = b[0];
      b[1].parent = a[0];
    });
    for (const command of ['files', 'history'] as const) {
      const run = await distCli([command, '--storage', c.storage, '--json'], {}, 20_000);
      assert.ok(!run.hung, `${command} ended by itself`);
      if (command === 'files') {
        assert.equal(run.code, 1);
        assert.equal(errorLine(run).code, 'STORAGE_CORRUPT');
        assert.match(String(errorLine(run).message), /loops|own ancestor/);
      }
    }
  });

  it('a previousSyncId cycle is STORAGE_CORRUPT at load', async () => {
    const c = tampered('sync-cycle', (h) => {
      const [first, second] = h.records.filter((r) => r.status === 'completed');
      assert.ok(first && second);
      first.previousSyncId = second.id;
    });
    const run = await distCli(['history', '--storage', c.storage, '--json'], {}, 20_000);
    assert.equal(run.code, 1, run.stdout);
    assert.equal(errorLine(run).code, 'STORAGE_CORRUPT');
    assert.match(String(errorLine(run).message), /loops|own ancestor/);
  });
});
