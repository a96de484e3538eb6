// Every bundle esbuild writes is made pure ASCII, shared by esbuild.mjs and the benchmark's build
// (bench/lib/build.ts). esbuild escapes non-ASCII characters in strings and names but leaves them in
// comments and regular expressions; one such character makes Node read the whole file as a two-byte
// string, through UTF-8 decoding, at every start: dist/cliMain.js (1.3 MB, ten such lines) took 12-21 ms
// to read and 1.4-5.6 ms to hash for the code cache, against ~3 and ~0.7 ms once ASCII, and
// `project-sync --version` took 10-30 ms less (25 runs each).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Each character above U+007F as its `\uXXXX` escape (a surrogate pair above U+FFFF): the same
 * character in a comment, a string, a template's value, a name or a regular expression.
 * @param {string} text
 * @returns {string}
 */
export function asciiOnly(text) {
  return text.replace(/[\u0080-\u{10ffff}]/gu, (c) => {
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
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
