// Files named like the members every JavaScript object inherits (`constructor`, `__proto__`,
// `toString`, `x.hasOwnProperty`): a sync of them completes, and each gets the language its name
// and first line give (a name table lookup once returned Object.prototype's function for
// `constructor`, which made the memory entry invalid and failed the sync).
import { strict as assert } from 'node:assert';
import type { MemoryEntry } from '../../src/core/types';
import { extractFacts } from '../../src/core/memory';
import { Fixture, json } from './support/cliHarness';

const FILES: Record<string, string> = {
  constructor: 'A plain note.\n',
  ['__proto__']: 'Another note.\n', // computed: a literal __proto__ key would set the prototype
  'src/toString': '#!/usr/bin/env python3\nprint("hi")\n',
  'lib/x.constructor': 'data\n',
  'docs/hasOwnProperty.md': '# Own\n\nProperties that are our own.\n',
  'valueOf.js': 'export function valueOf() {}\n',
};

describe('files named like Object.prototype members', function () {
  this.timeout(60_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create(FILES);
  });
  after(() => fx?.dispose());

  it('the language of each is a language id, decided by its name or first line', () => {
    const bytes = (t: string) => new TextEncoder().encode(t);
    const language = (p: string) => extractFacts({ path: p, blobSha: 'a'.repeat(40), mode: '100644', size: bytes(FILES[p] as string).length, content: bytes(FILES[p] as string), maxFileSize: 1 << 20 })?.language;
    assert.deepEqual(Object.keys(FILES).map((p) => [p, language(p)]), [
      ['constructor', 'plaintext'],
      ['__proto__', 'plaintext'],
      ['src/toString', 'python'],
      ['lib/x.constructor', 'plaintext'],
      ['docs/hasOwnProperty.md', 'markdown'],
      ['valueOf.js', 'javascript'],
    ]);
  });

  it('a sync of them completes and every one has a memory entry', async () => {
    const r = await fx.sync('--branch', 'main');
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const listed = await import('./support/cliHarness').then((h) => h.cli(['memory', '--storage', fx.storage, '--json']));
    const entries = json<MemoryEntry[]>(listed);
    assert.deepEqual(entries.map((e) => [e.path, e.language]).sort(), [
      ['__proto__', 'plaintext'],
      ['constructor', 'plaintext'],
      ['docs/hasOwnProperty.md', 'markdown'],
      ['lib/x.constructor', 'plaintext'],
      ['src/toString', 'python'],
      ['valueOf.js', 'javascript'],
    ]);
  });
});
