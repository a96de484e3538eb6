// Memory facts in worker threads: the same answer as extractFacts with the parsers loaded.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createFactsPool, extractFacts, loadMemoryParsers, type FactsPool } from '../../src/core/memory';
import { loadCorpus } from '../fixtures/memory-corpus/corpus';

const DIST = path.resolve(__dirname, '../../dist');

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

  it('answers a batch whose files are views of one larger buffer, an empty file and one without content, file by file', async function () {
    this.timeout(60_000);
    const texts = ['export function alpha(): void {}\n', '', 'def beta():\n    """Beta."""\n', '# Gamma\n\nThe gamma tool.\n'];
    const whole = Buffer.from(texts.join(''));
    let at = 0;
    const names = ['src/alpha.ts', 'empty.txt', 'beta.py', 'README.md'];
    const inputs = texts.map((t, k) => {
      const content = whole.subarray(at, at + Buffer.byteLength(t));
      at += Buffer.byteLength(t);
      return { path: names[k] as string, blobSha: String(k).repeat(40), mode: '100644' as const, size: content.length, content, maxFileSize: 1_048_576 };
    });
    const submodule = { path: 'vendor/lib', blobSha: 'f'.repeat(40), mode: '160000' as const, size: null, maxFileSize: 1_048_576 };
    const batch = [...inputs, submodule];
    pool = createFactsPool(1, { parsers: false });
    const viaPool = await pool.extractMany(batch);
    assert.deepEqual(viaPool, batch.map((i) => extractFacts(i)));
    assert.ok(viaPool.slice(0, 4).every((f) => f !== undefined), 'every text file has facts');
    assert.equal(whole.toString(), texts.join(''), "the caller's buffer is left whole (not moved to the worker)");
  });

  it('a worker whose parsers cannot load says so once (then answers with the regexes), never silently', async function () {
    this.timeout(60_000);
    // The built bundles in a folder without dist/tree-sitter/ and without node_modules to fall back on.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-noparsers-'));
    try {
      for (const f of ['memoryAnalysis.js', 'memoryWorker.js']) copyFileSync(path.join(DIST, f), path.join(dir, f));
      const bundled = createRequire(__filename)(path.join(dir, 'memoryAnalysis.js')) as { createFactsPool: typeof createFactsPool };
      const warnings: string[] = [];
      pool = bundled.createFactsPool(1, { parsers: true, onWarning: (m) => warnings.push(m) });
      const input = { path: 'src/app.ts', blobSha: 'a'.repeat(40), mode: '100644' as const, size: 0, content: new TextEncoder().encode('export function start(): void {}\n'), maxFileSize: 1_048_576 };
      const first = await pool.extract(input);
      const second = await pool.extract(input);
      assert.deepEqual(first?.symbols, ['start'], 'answered, by the regexes');
      assert.deepEqual(second, first);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /memory parsers did not load .*regex extraction/);
    } finally {
      await pool?.close();
      pool = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects after close', async () => {
    pool = createFactsPool(1);
    await pool.close();
    await assert.rejects(pool.extract({ path: 'a.ts', blobSha: 'a'.repeat(40), mode: '100644', size: 1, content: new Uint8Array([97]), maxFileSize: 10 }), /closed/);
  });
});
