// A large sync commits its snapshot before its memory (browsable and restorable while its files are
// analysed); a failure in between keeps the snapshot and the branch's next sync completes the memory;
// facts the store already holds for a blob are reused instead of reading it again. The threshold
// (2,000 files to read) is lowered to 5 so a small real repository takes the large path.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractorId } from '../../src/core/memory/extractor';
import { commitChanges, createBranch } from '../support/repos';
import { bareWorkspace, cli, Fixture, last, type CliRun } from './support/cliHarness';

const files: Record<string, string> = {
  'README.md': '# Two steps\n\nA repository whose memory lands after its snapshot.\n',
  'src/server.ts': 'export function startServer(port: number): void {}\nexport class RequestRouter {}\n',
  'src/config.ts': 'export function loadConfig(file: string): object { return {}; }\n',
  'lib/util.js': 'exports.parseHeader = function (h) { return h; };\n',
  'tools/build.py': 'def build_all():\n    pass\n\nclass Builder:\n    pass\n',
  'docs/guide.md': '# Guide\n\nHow to run the two-step sync.\n\n## Install\n',
  'scripts/run.sh': '#!/bin/sh\nrun_all() {\n  echo run\n}\n',
  'include/api.h': 'int api_open(const char *name);\nvoid api_close(int fd);\n',
};

interface Rec {
  id: string;
  status: string;
  branch: string;
  memoryIncomplete?: boolean;
  memoryExtractor?: string;
  stats: { files: number; contentFiles: number; added: number; modified: number; removed: number };
}
interface Entry {
  path: string;
  blobSha: string;
  language: string;
  symbols: string[];
  summary: string;
}

const large = { largeChangeFiles: 5 };

/** Every record of the storage's blob index points at the facts of its blob in its commit's memory file; how many there are. */
function checkBlobIndex(storage: string): number {
  const index = readFileSync(path.join(storage, 'memory.blobs'));
  const { commits } = JSON.parse(readFileSync(path.join(storage, 'history.json'), 'utf8')) as { commits: { memoryFile: string | null }[] };
  let n = 0;
  for (let at = 8; at + 36 <= index.length; at += 36, n++) {
    const sha = index.toString('hex', at, at + 20);
    const [commit, offset, length] = [index.readUInt32LE(at + 24), index.readUInt32LE(at + 28), index.readUInt32LE(at + 32)];
    const file = readFileSync(path.join(storage, 'memory', commits[commit]?.memoryFile as string));
    assert.equal((JSON.parse(file.subarray(offset, offset + length).toString('utf8')) as Entry).blobSha, sha, `record ${n}`);
  }
  return n;
}
const facts = (entries: Entry[]) => entries.map((e) => `${e.path} ${e.blobSha} ${e.language} [${e.symbols.join(',')}] ${e.summary}`).sort();

describe('two-step commit of a large sync, and facts reused by blob sha', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let tmp: string;

  const syncInto = (storage: string, branch: string, engine: object = large, env: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    cli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--branch', branch, '--json'], { PROJECT_SYNC_LOG: 'info', ...env }, engine);
  const memoryOf = async (storage: string): Promise<Entry[]> => {
    const run = await cli(['memory', '--storage', storage, '--json']);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as Entry[];
  };
  const history = async (storage: string): Promise<Rec[]> => JSON.parse((await cli(['history', '--storage', storage, '--json'])).stdout) as Rec[];
  /** The memory a one-step sync of `branch` gives (the threshold left at its default). */
  const reference = async (branch: string): Promise<Entry[]> => {
    const storage = path.join(tmp, `ref-${branch.replace(/\W/g, '_')}`);
    const run = await syncInto(storage, branch, {});
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.lines.some((l) => l.type === 'saved'), 'a small sync commits once');
    return memoryOf(storage);
  };

  before(async () => {
    fx = await Fixture.create(files, { branch: 'main' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-twostep-'));
  });
  after(async () => {
    await fx.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('says the snapshot is saved (memory incomplete) before the result, whose memory is whole', async () => {
    const storage = path.join(tmp, 'two-step');
    const run = await syncInto(storage, 'main');
    assert.equal(run.code, 0, run.stderr);
    const kinds = run.lines.map((l) => l.type);
    const savedAt = kinds.indexOf('saved');
    assert.ok(savedAt > 0 && savedAt < kinds.lastIndexOf('progress'), `saved comes before the memory's progress: ${kinds.join(',')}`);
    const saved = run.lines[savedAt]?.sync as Rec;
    assert.equal(saved.status, 'completed');
    assert.equal(saved.memoryIncomplete, true);
    assert.equal(saved.stats.files, Object.keys(files).length);
    const result = last(run).sync as Rec;
    assert.equal(result.id, saved.id);
    assert.equal(result.memoryIncomplete, undefined, 'the returned record has its memory');
    assert.equal(result.stats.contentFiles, Object.keys(files).length);
    assert.deepEqual(facts(await memoryOf(storage)), facts(await reference('main')));
    assert.equal(checkBlobIndex(storage), Object.keys(files).length, 'the memory step indexed where each fact stands');
    const records = await history(storage);
    assert.equal(records.length, 1, 'one record for the two commits');
    assert.equal(records[0]?.memoryIncomplete, undefined);
  });

  it("a repository's first large sync into a workspace without its objects holds the listing as git's output: the snapshot, stats and memory a small sync stores", async () => {
    const ws = await bareWorkspace(fx.server, 'octo', 'repo');
    try {
      const storage = path.join(tmp, 'lean');
      const run = await cli(['sync', '--repo', ws.dir, '--storage', storage, '--branch', 'main', '--json'], { PROJECT_SYNC_LOG: 'info' }, large);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /listing of 8 file\(s\) is held as git's output/);
      const saved = run.lines.find((l) => l.type === 'saved')?.sync as Rec;
      assert.equal(saved.memoryIncomplete, true);
      const result = last(run).sync as Rec;
      for (const rec of [saved, result]) {
        assert.equal(rec.stats.files, Object.keys(files).length);
        assert.equal(rec.stats.added, Object.keys(files).length, 'all added');
      }
      assert.equal(result.stats.contentFiles, Object.keys(files).length);
      const listed = async (s: string) => (await cli(['files', '--storage', s, '--json'])).stdout;
      const ref = path.join(tmp, 'ref-lean');
      assert.equal((await syncInto(ref, 'main', {})).code, 0);
      assert.equal(await listed(storage), await listed(ref), 'the snapshot a small sync stores');
      assert.deepEqual(facts(await memoryOf(storage)), facts(await memoryOf(ref)));
      assert.equal(checkBlobIndex(storage), Object.keys(files).length);
    } finally {
      await ws.cleanup();
    }
  });

  it('keeps the snapshot when the memory step fails, and the next sync of the branch completes the memory', async () => {
    const storage = path.join(tmp, 'fails-midway');
    const run = await syncInto(storage, 'main', large, { PROJECT_SYNC_FAILPOINT: 'enospc@write memory/' });
    assert.equal(run.code, 1);
    const error = last(run);
    assert.equal(error.type, 'error');
    assert.match(String(error.message), /The snapshot of main is saved; its memory is incomplete until the next sync of main\./);
    const [left] = await history(storage);
    assert.equal(left?.status, 'completed', 'the snapshot step stands');
    assert.equal(left?.memoryIncomplete, true);
    const listed = JSON.parse((await cli(['files', '--storage', storage, '--json'])).stdout) as unknown[];
    assert.equal(listed.length, Object.keys(files).length, 'its files are listed');
    assert.deepEqual(await memoryOf(storage), [], 'no memory entry yet');
    const query = await cli(['memory', '--storage', storage, '--query', 'loadConfig']);
    assert.match(query.stderr, /note: the memory of main is incomplete/, 'an empty answer says why');

    // Nothing changed on the remote: the next sync reads what the memory lacks, and only that.
    const again = await syncInto(storage, 'main', {});
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /left incomplete; reading its 8 unindexed file\(s\) again/);
    const done = last(again).sync as Rec;
    assert.equal(done.memoryIncomplete, undefined);
    assert.doesNotMatch((await cli(['memory', '--storage', storage, '--query', 'loadConfig'])).stderr, /incomplete/);
    assert.deepEqual(facts(await memoryOf(storage)), facts(await reference('main')));
    const records = await history(storage);
    assert.equal(records.length, 2);
    assert.equal(records.find((r) => r.id === left?.id)?.memoryIncomplete, true, 'history is not rewritten');
  });

  it("reuses another branch's facts for the same blobs, but not under a name of another language", async () => {
    await createBranch(fx.repo, 'feature', 'main');
    await commitChanges(
      fx.repo,
      {
        'src/server.ts': 'export function startServer(port: number, host: string): void {}\n',
        // The same bytes as src/config.ts, named as plain text: other facts (no symbols).
        'notes/config.txt': files['src/config.ts'] as string,
        // The same bytes under another name of the same language: reused.
        'src/settings.ts': files['src/config.ts'] as string,
      },
      { branch: 'feature' },
    );
    const storage = path.join(tmp, 'reuse');
    assert.equal((await syncInto(storage, 'main')).code, 0);
    const run = await syncInto(storage, 'feature');
    assert.equal(run.code, 0, run.stderr);
    // 10 files to read: 7 unchanged blobs and src/settings.ts are known; src/server.ts and notes/config.txt are not.
    assert.match(run.stderr, /memory facts of 8 of 10 file\(s\) reused by blob sha/);
    assert.ok(!run.lines.some((l) => l.type === 'saved'), 'what is left to read is a small change: one commit');
    const mine = facts(await memoryOf(storage));
    assert.deepEqual(mine, facts(await reference('feature')));
    assert.ok(mine.some((f) => f.startsWith('notes/config.txt ') && f.includes(' plaintext [] ')), 'the .txt copy was analysed as plain text');
  });

  it('analyses every file again, once, after a base whose memory another extractor made, and never reuses its facts', async () => {
    const storage = path.join(tmp, 'extractor');
    assert.equal((await syncInto(storage, 'main', {})).code, 0);
    const [first] = await history(storage);
    assert.equal(first?.memoryExtractor, extractorId(false), 'a link names the extractor of its memory');

    // A history an earlier release wrote: its links name no extractor.
    const file = path.join(storage, 'history.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { records: { memoryExtractor?: string }[] };
    for (const r of data.records) delete r.memoryExtractor;
    writeFileSync(file, JSON.stringify(data));

    // A re-analysis cut short after its snapshot step: the old facts are still active, so the link
    // does not claim this extractor, and the next sync analyses everything again (not only what lacks an entry).
    const cut = await syncInto(storage, 'main', large, { PROJECT_SYNC_FAILPOINT: 'enospc@write memory/' });
    assert.equal(cut.code, 1);
    const interrupted = (await history(storage)).find((r) => r.id !== first?.id);
    assert.equal(interrupted?.memoryIncomplete, true);
    assert.equal(interrupted?.memoryExtractor, undefined, 'the snapshot step keeps its base\'s extractor');

    // Nothing changed on the remote; the large path (5 files) also looks for facts to reuse, and finds none of this extractor.
    const again = await syncInto(storage, 'main');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /was made by an earlier extractor; analysing its 8 unchanged file\(s\) again with regex\.\d+/);
    assert.doesNotMatch(again.stderr, /reused by blob sha/);
    assert.ok(again.lines.some((l) => l.type === 'saved'), 'a large re-analysis commits its snapshot first (the UI says it is indexing)');
    const redone = last(again).sync as Rec;
    assert.equal(redone.stats.contentFiles, 8);
    assert.equal(redone.stats.added + redone.stats.modified + redone.stats.removed, 0, 'what changed is still measured against the base');
    assert.equal(redone.memoryExtractor, extractorId(false));
    const entries = JSON.parse((await cli(['memory', '--storage', storage, '--json'])).stdout) as (Entry & { introducedBySyncId: string })[];
    assert.deepEqual(new Set(entries.map((e) => e.introducedBySyncId)), new Set([redone.id]), 'every active entry is the new link\'s');
    assert.deepEqual(facts(entries), facts(await reference('main')));

    // Once: the next sync reads nothing.
    const third = await syncInto(storage, 'main');
    assert.equal(third.code, 0, third.stderr);
    assert.doesNotMatch(third.stderr, /analysing its .* again/);
    assert.equal((last(third).sync as Rec).stats.contentFiles, 0);

    // The other mode is another extractor: switching to the parsers analyses every file again with them.
    const parsers = await syncInto(storage, 'main', { memoryParsers: true });
    assert.equal(parsers.code, 0, parsers.stderr);
    assert.match(parsers.stderr, new RegExp(`was made by extractor ${extractorId(false).replace('.', '\\.')}; analysing its 8 unchanged file\\(s\\) again with ${extractorId(true).replace('.', '\\.')}`));
    assert.equal((last(parsers).sync as Rec).memoryExtractor, extractorId(true));
  });

  it('reuses known facts for a small change too (a branch switched back), and a damaged blob index only costs the reuse', async () => {
    const storage = path.join(tmp, 'small-reuse');
    const damaged = path.join(tmp, 'small-reuse-damaged');
    for (const s of [storage, damaged]) {
      assert.equal((await syncInto(s, 'main', {})).code, 0);
      assert.equal((await syncInto(s, 'feature', {})).code, 0);
    }
    // main takes feature's src/server.ts: one file to read, whose blob feature's sync analysed.
    const featureServer = 'export function startServer(port: number, host: string): void {}\n';
    await commitChanges(fx.repo, { 'src/server.ts': featureServer }, { branch: 'main' });
    const run = await syncInto(storage, 'main', {});
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /memory facts of 1 of 1 file\(s\) reused by blob sha/);
    assert.equal(checkBlobIndex(storage), 8 + 3, 'each one-step commit indexed where its facts stand (main 8, feature 3; switching back introduces none: its one fact is already active)');
    assert.equal((last(run).sync as Rec).stats.modified, 1);
    assert.deepEqual(facts(await memoryOf(storage)), facts(await reference('main')));

    // An index far larger than what a change has to read is not read: analysing costs less.
    appendFileSync(path.join(storage, 'memory.blobs'), Buffer.alloc(36 * 1000));
    await commitChanges(fx.repo, { 'src/config.ts': files['src/config.ts'] as string, 'src/copy.ts': files['README.md'] as string }, { branch: 'main' });
    const padded = await syncInto(storage, 'main', {}, { PROJECT_SYNC_LOG: 'debug' });
    assert.equal(padded.code, 0, padded.stderr);
    assert.match(padded.stderr, /memory\.blobs \(\d+ bytes\) not read for 1 file\(s\)/);

    // A folder where the index should be: the file system refuses the cache, the syncs go on.
    const blocked = path.join(tmp, 'small-reuse-blocked');
    mkdirSync(path.join(blocked, 'memory.blobs'), { recursive: true });
    for (const branch of ['feature', 'main']) {
      const run = await syncInto(blocked, branch, {});
      assert.equal(run.code, 0, run.stderr);
    }
    assert.deepEqual(facts(await memoryOf(blocked)), facts(await reference('main')));

    // Every location of the index off by one byte (its blobs and commits right): what is read there
    // is not the facts of the blob, so nothing is reused and nothing is wrong.
    const index = readFileSync(path.join(damaged, 'memory.blobs'));
    assert.ok(index.length > 8 + 36 * 8, 'both syncs were indexed');
    for (let at = 8; at + 36 <= index.length; at += 36) index.writeUInt32LE(index.readUInt32LE(at + 28) + 1, at + 28);
    writeFileSync(path.join(damaged, 'memory.blobs'), index);
    const again = await syncInto(damaged, 'main', {});
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /reused by blob sha/);
    assert.deepEqual(facts(await memoryOf(damaged)), facts(await reference('main')));
  });
});
