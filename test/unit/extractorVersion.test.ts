// The extractor's version names the facts it gives (src/core/memory/extractor.ts): a link records
// it, facts of another version are never reused by blob sha, and a base whose memory another version
// made has its files analysed again by the branch's next sync. That only holds if every change to
// extraction comes with a new version. This test holds the facts (regexes and parsers) of every file
// of the real-file corpus, as digests recorded for the current version in
// test/fixtures/memory-corpus/extractor.json: change what any file gives, and it fails until the
// version is bumped and the digests are recorded again (with a digest of the language tables, which
// decide the facts of files of every extension, the corpus's or not):
//   PROJECT_SYNC_RECORD_EXTRACTOR=1 npx mocha --no-config --import=tsx test/unit/extractorVersion.test.ts
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractFacts, loadMemoryParsers } from '../../src/core/memory';
import { linguistTables } from '../../src/core/memory/linguist';
import { EXTRACTOR_VERSION, extractorId } from '../../src/core/memory/extractor';
import { loadCorpus, type CorpusFile } from '../fixtures/memory-corpus/corpus';

const RECORD = path.join(__dirname, '../fixtures/memory-corpus/extractor.json');

interface Recorded {
  version: number;
  /** Digest of the language tables (every extension, file name and interpreter → language id): they decide facts of files the corpus does not hold. */
  tables?: string;
  /** Corpus label id → digest of the file's facts (regexes, then parsers). */
  facts: Record<string, string>;
}

function tablesDigest(): string {
  const tables = Object.entries(linguistTables()).map(([kind, map]) => [kind, [...(map as Map<string, string>)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  return createHash('sha256').update(JSON.stringify(tables)).digest('hex').slice(0, 16);
}

function digest(f: CorpusFile): string {
  const input = { path: f.repoPath, blobSha: 'a'.repeat(40), mode: '100644' as const, size: f.bytes.length, content: f.bytes, maxFileSize: 1_048_576 };
  const both = [extractFacts(input, { parsers: false }) ?? null, extractFacts(input) ?? null];
  return createHash('sha256').update(JSON.stringify(both)).digest('hex').slice(0, 16);
}

describe('memory: the extractor version names its facts', () => {
  it('gives, on every corpus file, the facts recorded for its version (a change needs a new version)', async function () {
    this.timeout(120_000);
    await loadMemoryParsers();
    const corpus = loadCorpus();
    for (const s of corpus.skipped) process.stdout.write(`      skipped: ${s}\n`);
    const now = new Map(corpus.files.map((f) => [f.label.id, digest(f)]));
    const recorded = JSON.parse(readFileSync(RECORD, 'utf8')) as Recorded;
    const changed = [...now].filter(([id, d]) => recorded.facts[id] !== undefined && recorded.facts[id] !== d).map(([id]) => id);
    const unrecorded = [...now.keys()].filter((id) => recorded.facts[id] === undefined);
    const tables = tablesDigest();
    if (recorded.tables !== undefined && recorded.tables !== tables) changed.push('the language tables');

    if (process.env.PROJECT_SYNC_RECORD_EXTRACTOR === '1') {
      if (changed.length > 0 && recorded.version === EXTRACTOR_VERSION) {
        assert.fail(`${changed.length} file(s) give other facts than version ${EXTRACTOR_VERSION} recorded: bump EXTRACTOR_VERSION before recording`);
      }
      // Files absent here keep their recorded digest unless the version changed (then they are unknown).
      const kept = recorded.version === EXTRACTOR_VERSION ? recorded.facts : {};
      const facts = Object.fromEntries(Object.entries({ ...kept, ...Object.fromEntries(now) }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      writeFileSync(RECORD, `${JSON.stringify({ version: EXTRACTOR_VERSION, tables, facts }, null, 1)}\n`);
      process.stdout.write(`      recorded ${now.size} file(s) for ${extractorId(false)} / ${extractorId(true)}\n`);
      return;
    }

    assert.ok(now.size >= 100, `only ${now.size} corpus files on this machine (npm ci installs the npm ones)`);
    assert.equal(recorded.version, EXTRACTOR_VERSION, `extractor.json was recorded for version ${recorded.version}: record it again for ${EXTRACTOR_VERSION}`);
    assert.deepEqual(
      changed,
      [],
      `${changed.length} corpus file(s) give other facts than version ${EXTRACTOR_VERSION} gave: bump EXTRACTOR_VERSION in ` +
        'src/core/memory/extractor.ts (each branch\'s next sync then analyses its files again) and record the digests (see this file\'s head)',
    );
    assert.deepEqual(unrecorded, [], 'corpus files without a recorded digest: record them (see this file\'s head)');
    assert.ok(recorded.tables !== undefined, 'the language tables have no recorded digest: record it (see this file\'s head)');
  });

  it("the bundles' language tables are the source's, entry for entry and in the same order (the bundles carry linguist-languages slimmed, scripts/linguistData.mjs)", () => {
    const entries = (t: object) => JSON.stringify(Object.entries(t).map(([kind, map]) => [kind, [...(map as Map<string, string>)]]));
    const dist = path.resolve(__dirname, '../../dist');
    for (const bundle of ['memoryAnalysis.js', 'memoryWorker.js']) {
      const text = readFileSync(path.join(dist, bundle), 'utf8');
      assert.ok(!text.includes('codemirrorMode'), `${bundle} carries only the fields the tables read`);
    }
    const bundled = (createRequire(__filename)(path.join(dist, 'memoryAnalysis.js')) as { linguistTables: typeof linguistTables }).linguistTables();
    assert.equal(entries(bundled), entries(linguistTables()));
  });
});
