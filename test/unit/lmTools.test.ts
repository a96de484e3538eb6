// The language-model tools' input checking and bounded output (plain Node, no vscode).
import assert from 'node:assert/strict';
import { gitBlobSha } from '../../src/extension/memory/blobSha';
import {
  decodeText,
  formatFileResult,
  formatSearchResult,
  parseReadInput,
  parseSearchInput,
  SEARCH_MAX_CHARS,
} from '../../src/extension/memory/lmToolFormat';
import type { MemoryEntry, SyncRecord } from '../../src/core/types';
import { syncRecordSchema } from '../../src/core/types';

const sha = (c: string) => c.repeat(40);
const active: SyncRecord = syncRecordSchema.parse({
  id: 's2',
  repository: { host: 'github.com', owner: 'octo', name: 'atlas' },
  branch: 'main',
  commitSha: sha('c'),
  treeSha: sha('d'),
  kind: 'sync',
  restoredFromSyncId: null,
  status: 'completed',
  phase: 'done',
  startedAt: '2025-01-01T00:00:00Z',
  completedAt: '2025-01-01T00:00:05Z',
  stats: { files: 2, added: 2, modified: 0, removed: 0 },
  error: null,
  previousSyncId: null,
});
const entry = (path: string, symbols: string[], summary = ''): MemoryEntry => ({
  path,
  blobSha: sha('a'),
  language: 'typescript',
  lines: 10,
  symbols,
  summary,
  introducedBySyncId: 's2',
  supersededBySyncId: null,
});

describe('language-model tools', () => {
  it('names the branch and commit, then each file with its symbols and summary', () => {
    const text = formatSearchResult('route', [entry('src/router.ts', ['route', 'Router'], 'Routes requests to handlers.')], active);
    assert.match(text, /branch main at commit c{40}/);
    assert.match(text, /- src\/router\.ts \(typescript, 10 lines/);
    assert.match(text, /symbols: route, Router/);
    assert.match(text, /summary: Routes requests to handlers\./);
  });

  it('keeps a search answer under its bound however many and large the entries are', () => {
    const many = Array.from({ length: 200 }, (_, i) => entry(`src/file${i}.ts`, Array.from({ length: 50 }, (_, j) => `symbol${j}`), 'x'.repeat(2000)));
    const text = formatSearchResult('file', many, active);
    assert.ok(text.length <= SEARCH_MAX_CHARS, String(text.length));
    assert.match(text, /more not shown/);
    assert.ok(!text.includes('symbol20'), 'symbols are capped per entry');
  });

  it('explains an empty history instead of returning nothing', () => {
    assert.match(formatSearchResult('x', [], undefined), /no active sync/);
    assert.match(formatSearchResult('nothing', [], active), /No file matches "nothing"/);
    assert.doesNotMatch(formatSearchResult('nothing', [], active), /incomplete/);
    // A large sync whose memory step has not come: an empty answer must not read as "no such file".
    assert.match(formatSearchResult('nothing', [], { ...active, memoryIncomplete: true }), /Its memory is incomplete \(still being indexed, or completed by the next sync of main\)/);
  });

  it('cuts a long file with a note and reports missing content without fetching', () => {
    const long = formatFileResult('a.txt', active, 'y'.repeat(50_000), 1000);
    assert.ok(long.length < 1200);
    assert.match(long, /first 1000 of 50000 characters/);
    assert.match(formatFileResult('a.bin', active, undefined), /not stored locally/);
    assert.equal(decodeText(new Uint8Array([104, 0, 105])), undefined);
    assert.equal(decodeText(new TextEncoder().encode('héllo')), 'héllo');
  });

  it('rejects model input without the required field and clamps the limit', () => {
    assert.equal(typeof parseSearchInput({}), 'string');
    assert.equal(typeof parseSearchInput(null), 'string');
    assert.deepEqual(parseSearchInput({ query: ' router ', limit: 1000 }), { query: 'router', limit: 25 });
    assert.deepEqual(parseSearchInput({ query: 'router' }), { query: 'router', limit: 10 });
    assert.equal(typeof parseReadInput({ path: '' }), 'string');
    assert.deepEqual(parseReadInput({ path: '/src/a.ts', syncId: 's1' }), { path: 'src/a.ts', syncId: 's1' });
  });

  it("computes git's blob id to tell an unchanged workspace file", () => {
    assert.equal(gitBlobSha(new Uint8Array()), 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    assert.equal(gitBlobSha(new TextEncoder().encode('hello\n')), 'ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
