import assert from 'node:assert/strict';
import { decodeGitPath, displayGitPath, encodeGitPath, fromUriPath, hasEscapedByte, splitEscapedBytes, toUriPath } from '../../src/core/paths';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('git names as bytes (surrogateescape)', () => {
  it('decodes valid UTF-8 as usual, a BOM and astral characters included', () => {
    for (const name of ['a/b.txt', 'docs/ünïcödé/naïve café.md', 'cafe\u0301.md', '\ufeffbom.txt', 'emoji \u{1f4a9}.md', 'new\nline']) {
      assert.equal(decodeGitPath(Buffer.from(name, 'utf8')), name);
      assert.deepEqual(Buffer.from(encodeGitPath(name)), Buffer.from(name, 'utf8'));
      assert.equal(hasEscapedByte(name), false);
    }
  });

  it('keeps caf\\xe8.txt and caf\\xe9.txt apart (a lossy decoder gives both caf\\ufffd.txt)', () => {
    const e8 = decodeGitPath(bytes('caf', [0xe8], '.txt'));
    const e9 = decodeGitPath(bytes('caf', [0xe9], '.txt'));
    assert.equal(e8, 'caf\udce8.txt');
    assert.equal(e9, 'caf\udce9.txt');
    assert.notEqual(e8, e9);
    assert.deepEqual(Buffer.from(encodeGitPath(e8)), Buffer.from(bytes('caf', [0xe8], '.txt')));
    assert.ok(hasEscapedByte(e8));
  });

  it('escapes every byte of an invalid sequence: truncated, overlong, surrogate and out-of-range forms', () => {
    const cases: number[][] = [
      [0xe8, 0x80], // a 3-byte lead cut short
      [0xc0, 0xaf], // overlong '/'
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate in UTF-8 (CESU)
      [0xed, 0xb3, 0xa8], // the "UTF-8" of U+DCE8 itself: must not decode to an escape
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
      [0xff],
      [0x80],
    ];
    for (const c of cases) {
      const name = decodeGitPath(bytes('x', c, 'y'));
      assert.equal(name, `x${c.map((b) => String.fromCharCode(0xdc00 + b)).join('')}y`, `bytes ${c.map((b) => b.toString(16)).join(' ')}`);
      assert.deepEqual(Buffer.from(encodeGitPath(name)), Buffer.from(bytes('x', c, 'y')));
    }
  });

  it('round-trips any bytes exactly, and distinct bytes give distinct names (random names)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const seen = new Map<string, string>();
    for (let n = 0; n < 5000; n++) {
      const len = 1 + (rand() % 12);
      // Mostly high bytes, with some valid sequences mixed in.
      const raw = Buffer.from(Array.from({ length: len }, () => (rand() % 3 === 0 ? 0x61 : 0x80 + (rand() % 0x80))));
      const mixed = rand() % 2 ? Buffer.concat([raw, Buffer.from('é\u{1f4a9}', 'utf8'), raw]) : raw;
      const name = decodeGitPath(mixed);
      assert.deepEqual(Buffer.from(encodeGitPath(name)), mixed);
      const hex = mixed.toString('hex');
      const prior = seen.get(name);
      assert.ok(prior === undefined || prior === hex, `two byte strings gave one name: ${prior} ${hex}`);
      seen.set(name, hex);
    }
  });

  it('survives JSON (the store) exactly', () => {
    const name = decodeGitPath(bytes('d', [0xe8], '/caf', [0xe9], '.txt \u{1f4a9}'));
    assert.equal(JSON.parse(JSON.stringify({ path: name })).path, name);
    assert.match(JSON.stringify(name), /\\udce8/);
  });

  it('shows escaped bytes as \\xNN for people, never a real surrogate pair', () => {
    assert.equal(displayGitPath('caf\udce8.txt'), 'caf\\xe8.txt');
    assert.equal(displayGitPath('emoji \u{1f4a9}'), 'emoji \u{1f4a9}', 'the low half of a pair is not a byte');
    assert.deepEqual(splitEscapedBytes('a\udce8b\udcffc'), ['a', 0xe8, 'b', 0xff, 'c']);
    assert.deepEqual(splitEscapedBytes('\udce8'), [0xe8]);
    assert.deepEqual(splitEscapedBytes('plain'), ['plain']);
  });
});

describe('git names in URIs (toUriPath / fromUriPath)', () => {
  it('gives a URI-safe string for escaped bytes, and the exact path back', () => {
    const names = ['caf\udce8.txt', 'caf\udce9.txt', 'caf\ufffde8.txt', 'caf\ufffd\udce8.txt', '\ufffd', '\ufffd\ufffd', 'd\udcff/\udc80x', 'plain/a.ts', 'emoji \u{1f4a9}'];
    const seen = new Set<string>();
    for (const name of names) {
      const uri = toUriPath(name);
      assert.doesNotThrow(() => encodeURIComponent(uri), `URI-safe: ${JSON.stringify(uri)}`);
      assert.equal(fromUriPath(uri), name);
      assert.ok(!seen.has(uri), `injective: ${JSON.stringify(uri)}`);
      seen.add(uri);
    }
    assert.equal(toUriPath('caf\udce8.txt'), 'caf\ufffde8.txt');
    assert.equal(toUriPath('src/a.ts'), 'src/a.ts');
    assert.throws(() => encodeURIComponent('caf\udce8.txt'), URIError, 'why: a lone surrogate cannot be percent-encoded');
  });
});
