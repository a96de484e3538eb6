// Every bundle esbuild writes is made pure ASCII where that keeps its meaning, shared by esbuild.mjs
// and the benchmark's build (bench/lib/build.ts). esbuild escapes non-ASCII characters in strings and
// names but leaves them in comments, regular expressions and tagged templates; one such character
// makes Node read the whole file as a two-byte string, through UTF-8 decoding, at every start:
// dist/cliMain.js (1.3 MB, ten such lines) took 12-21 ms to read and 1.4-5.6 ms to hash for the code
// cache, and `project-sync --version` 10-30 ms longer (25 runs each). Where each character stands is
// told by acorn's tokens (a tokenizer of our own would have to tell a regular expression from a
// division as a parser does).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as acorn from 'acorn';

const NON_ASCII = /[\u0080-\u{10ffff}]/u;

/** `c` as escapes: `\u{…}` in a name (the only form a name takes above U+FFFF), else UTF-16 units. */
function escaped(c, inName) {
  const cp = c.codePointAt(0) ?? 0;
  if (inName && cp > 0xffff) return `\\u{${cp.toString(16)}}`;
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * `text` (a script) with each character above U+007F written as its escape where that means the same
 * character: in a comment, a string, a regular expression or a name (a character after a backslash,
 * `\é`, as the escape of itself; a line separator only in a string and not after a backslash, where
 * it continues the string). A regular expression's `.source` then shows the escape, which means the
 * same character. A template's characters stay as they are (a tagged template sees
 * its raw text), and so does a file acorn cannot parse: such a file is decoded as UTF-8 when loaded.
 * @param {string} text
 * @returns {string}
 */
export function asciiOnly(text) {
  if (!NON_ASCII.test(text)) return text;
  /** @type {[number, number, 'comment' | 'string' | 'regexp' | 'name'][]} */
  const spans = [];
  try {
    acorn.parse(text, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: true,
      onComment: (_block, _text, start, end) => void spans.push([start, end, 'comment']),
      onToken: (t) => {
        if (t.type === acorn.tokTypes.string) spans.push([t.start, t.end, 'string']);
        else if (t.type === acorn.tokTypes.regexp) spans.push([t.start, t.end, 'regexp']);
        else if (t.type === acorn.tokTypes.name || t.type === acorn.tokTypes.privateId) spans.push([t.start, t.end, 'name']);
      },
    });
  } catch (e) {
    process.emitWarning(`asciiOutput: a bundle left as it is (acorn: ${e instanceof Error ? e.message : String(e)}); it is decoded as UTF-8 when loaded`);
    return text;
  }
  spans.sort((a, b) => a[0] - b[0]);
  const spanAt = (offset) => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = spans[mid];
      if (offset < s[0]) hi = mid - 1;
      else if (offset >= s[1]) lo = mid + 1;
      else return s;
    }
    return undefined;
  };
  return text.replace(/(\\*)([\u0080-\u{10ffff}])/gu, (whole, slashes, c, offset) => {
    const span = spanAt(offset + slashes.length);
    if (!span) return whole;
    const odd = slashes.length % 2 === 1;
    // A line separator is one in a comment (a line break to semicolon insertion and to line numbers),
    // and after a backslash it continues a string onto the next line: escaped only as a string's character.
    if ((c === '\u2028' || c === '\u2029') && (span[2] !== 'string' || odd)) return whole;
    // An odd run of backslashes escapes the character itself: `\é` is `é`, and so is its escape.
    return (odd ? slashes.slice(1) : slashes) + escaped(c, span[2] === 'name');
  });
}

/**
 * Rewrites the build's JavaScript outputs with asciiOnly (after esbuild wrote them; their source
 * maps stay right to the line, and to the column before the first such character of a line).
 * @type {import('esbuild').Plugin}
 */
export const asciiOutput = {
  name: 'ascii-output',
  setup(build) {
    // A build that keeps its outputs in memory (tests) has no file to rewrite.
    if (build.initialOptions.write === false) return;
    build.initialOptions.metafile = true;
    const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
    build.onEnd((result) => {
      for (const out of Object.keys(result.metafile?.outputs ?? {})) {
        if (!out.endsWith('.js')) continue;
        const file = path.resolve(cwd, out);
        const text = readFileSync(file, 'utf8');
        const ascii = asciiOnly(text);
        if (ascii !== text) writeFileSync(file, ascii);
      }
    });
  },
};
