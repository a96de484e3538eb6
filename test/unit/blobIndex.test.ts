// The blob index (storage/blobIndex.ts): where each blob's facts stand in the memory files. It is a
// cache nothing trusts, so what matters is that it finds what was recorded, newest first, and that
// a damaged or foreign file costs reuse and nothing else.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import type { MemoryFacts } from '../../src/core/types';
import { BLOB_INDEX_FILE, BlobIndex, FactLocations, historyEpoch } from '../../src/storage/blobIndex';
import { FileOps } from '../../src/storage/fsOps';
import { memoryFileText } from '../../src/storage/historyStore';

const sha = (n: number): string => n.toString(16).padStart(8, '0').repeat(5);
const located = (...entries: [number, number, number][]): FactLocations => {
  const l = new FactLocations();
  for (const [s, offset, length] of entries) l.add(sha(s), offset, length);
  return l;
};

describe('storage: the blob index', () => {
  let dir: string;
  let files: FileOps;
  let index: BlobIndex;
  const epoch = historyEpoch('first-sync');
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ps-blobs-'));
    files = new FileOps(dir);
    index = new BlobIndex(files, nullLogger);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds every recorded location of the blobs asked for, newest first, and nothing else', async () => {
    await index.append(epoch, 0, located([1, 10, 100], [2, 110, 50]));
    await index.append(epoch, 3, located([1, 7, 30], [3, 40, 20]));
    const found = await index.find(epoch, new Set([sha(1), sha(3), sha(9)]));
    assert.deepEqual([...found.keys()].sort(), [sha(1), sha(3)]);
    assert.deepEqual(found.get(sha(1)), [
      { commit: 3, offset: 7, length: 30 },
      { commit: 0, offset: 10, length: 100 },
    ]);
    assert.deepEqual(found.get(sha(3)), [{ commit: 3, offset: 40, length: 20 }]);
  });

  it('keeps every location of a memory file of thousands of facts', async () => {
    const many = Array.from({ length: 3000 }, (_, i): [number, number, number] => [i + 1, i * 10, 9]);
    await index.append(epoch, 2, located(...many));
    const found = await index.find(epoch, new Set(many.map(([s]) => sha(s))));
    assert.equal(found.size, 3000);
    assert.deepEqual(found.get(sha(1)), [{ commit: 2, offset: 0, length: 9 }]);
    assert.deepEqual(found.get(sha(3000)), [{ commit: 2, offset: 29990, length: 9 }]);
  });

  it('screens by the first four bytes but answers only exact shas', async () => {
    const a = `${'ab'.repeat(4)}${'0'.repeat(32)}`;
    const b = `${'ab'.repeat(4)}${'1'.repeat(32)}`;
    const l = new FactLocations();
    l.add(a, 1, 2);
    await index.append(epoch, 0, l);
    assert.deepEqual([...(await index.find(epoch, new Set([b]))).keys()], []);
    assert.deepEqual([...(await index.find(epoch, new Set([a]))).keys()], [a]);
  });

  it('leaves out a record cut short by a crash mid-append, and appends after it safely', async () => {
    await index.append(epoch, 0, located([1, 10, 100], [2, 110, 50]));
    const abs = path.join(dir, BLOB_INDEX_FILE);
    truncateSync(abs, readFileSync(abs).length - 5);
    assert.deepEqual([...(await index.find(epoch, new Set([sha(1), sha(2)]))).keys()], [sha(1)]);
    await index.append(epoch, 1, located([3, 1, 2]));
    const found = await index.find(epoch, new Set([sha(1), sha(2), sha(3)]));
    assert.deepEqual([...found.keys()].sort(), [sha(1), sha(3)]);
    assert.deepEqual(found.get(sha(3)), [{ commit: 1, offset: 1, length: 2 }]);
  });

  it("ignores another history's records and starts the file again on the first append that sees them", async () => {
    await index.append(historyEpoch('an older history'), 0, located([1, 10, 100]));
    assert.equal((await index.find(epoch, new Set([sha(1)]))).size, 0);
    await index.append(epoch, 0, located([2, 5, 6]));
    assert.equal(readFileSync(path.join(dir, BLOB_INDEX_FILE)).length, 8 + 36, 'the older records are gone');
    assert.deepEqual((await index.find(epoch, new Set([sha(2)]))).get(sha(2)), [{ commit: 0, offset: 5, length: 6 }]);
  });

  it('answers nothing from a missing, foreign or garbage file, and a garbage file is started again', async () => {
    assert.equal((await index.find(epoch, new Set([sha(1)]))).size, 0);
    writeFileSync(path.join(dir, BLOB_INDEX_FILE), 'not an index at all, but long enough to hold records');
    assert.equal((await index.find(epoch, new Set([sha(1)]))).size, 0);
    await index.append(epoch, 2, located([1, 3, 4]));
    appendFileSync(path.join(dir, BLOB_INDEX_FILE), Buffer.alloc(3));
    assert.deepEqual((await index.find(epoch, new Set([sha(1)]))).get(sha(1)), [{ commit: 2, offset: 3, length: 4 }]);
  });

  it("a memory file's text is JSON.stringify's, and each location holds exactly its fact (names and summaries beyond ASCII)", () => {
    const facts: MemoryFacts[] = [
      { path: 'docs/café.md', blobSha: sha(1), language: 'markdown', lines: 3, symbols: ['Résumé', '日本語'], summary: 'Ünïcode “quoted” \\ text' },
      { path: 'src/a.ts', blobSha: sha(2), language: 'typescript', lines: 1, symbols: [], summary: '' },
    ];
    const change = { supersede: ['old/ä.txt'], introduce: facts };
    const l = new FactLocations();
    const text = memoryFileText('sync-1', change, l);
    assert.equal(text, JSON.stringify({ syncId: 'sync-1', ...change }));
    const bytes = Buffer.from(text, 'utf8');
    facts.forEach((f, i) => {
      const { blobSha, offset, length } = l.at(i);
      assert.equal(blobSha, f.blobSha);
      assert.deepEqual(JSON.parse(bytes.subarray(offset, offset + length).toString('utf8')), f);
    });
  });
});
