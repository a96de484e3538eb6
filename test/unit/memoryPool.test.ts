// Memory facts in worker threads: the same answer as extractFacts with the parsers loaded.
import assert from 'node:assert/strict';
import { createFactsPool, extractFacts, loadMemoryParsers, type FactsPool } from '../../src/core/memory';
import { loadCorpus } from '../fixtures/memory-corpus/corpus';

describe('memory: facts pool (worker threads)', () => {
  let pool: FactsPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('extracts in workers exactly what extractFacts gives, for many files at once', async function () {
    this.timeout(60_000);
    await loadMemoryParsers();
    const files = loadCorpus().files.filter((_, i) => i % 8 === 0);
    const inputs = files.map((f) => ({ path: f.repoPath, blobSha: 'a'.repeat(40), mode: '100644' as const, size: f.bytes.length, content: f.bytes, maxFileSize: 1_048_576 }));
    pool = createFactsPool(1);
    const viaPool = await Promise.all(inputs.map((i) => pool?.extract(i)));
    assert.deepEqual(viaPool, inputs.map((i) => extractFacts(i)));
    assert.ok(inputs.every((i, k) => i.content === files[k]?.bytes && i.content.byteLength > 0), "the caller's bytes are left alone");
  });

  it('rejects after close', async () => {
    pool = createFactsPool(1);
    await pool.close();
    await assert.rejects(pool.extract({ path: 'a.ts', blobSha: 'a'.repeat(40), mode: '100644', size: 1, content: new Uint8Array([97]), maxFileSize: 10 }), /closed/);
  });
});
