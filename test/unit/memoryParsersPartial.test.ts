// Issue 14: with the parsers on, a grammar that does not load leaves its languages to the regexes,
// and the sync says so in the extractor it records (`parsers.N+partial`): those facts are never taken
// for parser facts, an install where the grammar never loads does not analyse its branch again at
// every sync, and the first sync whose parsers all load analyses it again, once.
// The grammars come from a folder where one .wasm is damaged (the packaged files are left alone).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../src/core/logger';
import { createFactsPool, extractFacts, loadMemoryParsers, type FactsPool } from '../../src/core/memory';
import { extractorId } from '../../src/core/memory/extractor';
import { parserFailures, wasmDirs } from '../../src/core/memory/parsers';
import { createEngine } from '../../src/engine';
import { commitChanges } from '../support/repos';
import { Fixture } from './support/cliHarness';

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (m: string) => void lines.push(m);
  return { logger: { trace: at, debug: at, info: at, warn: at, error: at }, lines };
}

/** The packaged grammars, linked into a new folder, Python's replaced by bytes that are no WebAssembly. */
function grammarsWithoutPython(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-grammars-'));
  const packaged = wasmDirs().grammars;
  for (const f of readdirSync(packaged)) if (f.endsWith('.wasm') && f !== 'tree-sitter-python.wasm') symlinkSync(path.join(packaged, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'tree-sitter-python.wasm'), 'not a grammar\n');
  return dir;
}

const PY = 'tools/build.py';
const python = { path: PY, blobSha: 'a'.repeat(40), mode: '100644' as const, size: null, content: new TextEncoder().encode("def build():\n    pass\n\nwith open('x') as f:\n    def helper():\n        pass\n"), maxFileSize: 1_000_000 };
// The regexes read a definition inside a module-level `with` block; Python's tags query does not.
const BY_REGEXES = ['build', 'helper'];

describe('memory parsers that did not all load', function () {
  this.timeout(120_000);
  let grammars: string;
  let fx: Fixture;
  let pool: FactsPool | undefined;
  before(async () => {
    grammars = grammarsWithoutPython();
    fx = await Fixture.create({
      'src/router.ts': '/** Routes requests to handlers. */\nexport function createRouter(): void {}\nexport class RouteTable {}\n',
      [PY]: '"""Builds the release."""\n\ndef build():\n    pass\n',
      'README.md': '# Demo\n\nA small demo repository.\n',
    });
  });
  after(async () => {
    await pool?.close();
    fx?.dispose();
    rmSync(grammars, { recursive: true, force: true });
    // Other tests of this process get the packaged grammars again.
    await loadMemoryParsers();
  });

  it('leave the damaged language to the regexes, the others to their parsers, and say which', async () => {
    await loadMemoryParsers(grammars);
    assert.deepEqual(parserFailures().map((f) => f.split(':')[0]), ['python']);
    assert.deepEqual(extractFacts(python)?.symbols, BY_REGEXES, 'Python by the regexes');
    // JavaScript still by its parser: what only the parser reads (an exported object's members) comes in.
    const js = extractFacts({ ...python, path: 'lib/index.js', content: new TextEncoder().encode('function start() {}\nmodule.exports = {\n  start,\n  stop: function stop() {},\n};\n') })?.symbols ?? [];
    assert.ok(js.includes('stop'), js.join(', '));
    await loadMemoryParsers();
    assert.deepEqual(parserFailures(), []);
    const warnings: string[] = [];
    pool = createFactsPool(1, { parsers: true, grammarsDir: grammars, onWarning: (m) => warnings.push(m) });
    assert.deepEqual((await pool.extract(python))?.symbols, BY_REGEXES);
    assert.equal(pool.degraded(), true, 'a worker without the Python grammar makes the pool degraded');
    assert.match(warnings.join('\n'), /some memory parsers did not load \(python: /);
  });

  it('record parsers.N+partial, keep it without analysing everything again, and the first sync with whole parsers analyses the branch again once', async () => {
    const partial = extractorId(true, false);
    const whole = extractorId(true);
    assert.notEqual(partial, whole);
    const storageDir = path.join(fx.storage, 'partial');
    const sync = async (grammarsDir: string | undefined) => {
      const log = recording();
      const engine = await createEngine({ storageDir, logger: log.logger, memoryParsers: true, ...(grammarsDir ? { memoryGrammarsDir: grammarsDir } : {}) });
      try {
        const gen = engine.sync({ workdir: fx.workspace.dir, branch: 'main' });
        let step = await gen.next();
        while (!step.done) step = await gen.next();
        const py = (await engine.store.memory({})).find((e) => e.path === PY);
        return { record: step.value, log: log.lines.join('\n'), python: py?.symbols };
      } finally {
        await engine.close();
      }
    };

    const first = await sync(grammars);
    assert.equal(first.record.memoryExtractor, partial);
    assert.match(first.log, new RegExp(`some memory parsers did not load \\(python: .*recorded as extractor ${partial.replace(/[.+]/g, '\\$&')}`));
    assert.deepEqual(first.python, ['build']);

    // The grammar still does not load: the next sync analyses what changed, not the branch.
    await commitChanges(fx.repo, { 'src/router.ts': 'export function createRouter(): void {}\nexport function mount(): void {}\n' });
    const second = await sync(grammars);
    assert.equal(second.record.memoryExtractor, partial);
    assert.match(second.log, /memory facts of 1 file\(s\)/);
    assert.doesNotMatch(second.log, /again with/);

    // Whole parsers: the partial memory is analysed again, once, and recorded as theirs.
    const third = await sync(undefined);
    assert.equal(third.record.memoryExtractor, whole);
    assert.match(third.log, new RegExp(`was made by extractor ${partial.replace(/[.+]/g, '\\$&')}; analysing its 3 unchanged file\\(s\\) again with ${whole.replace(/[.+]/g, '\\$&')}`));
    const fourth = await sync(undefined);
    assert.equal(fourth.record.memoryExtractor, whole);
    assert.doesNotMatch(fourth.log, /again with|memory facts of/);
  });
});
