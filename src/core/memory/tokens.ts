// The words of memory search, shared by the index builder and the query: how a field's text becomes
// index terms, how a query becomes query terms, and the tie order of paths.

/** Words of an identifier or text: `parseConfigFile` → parse, config, file; `HTTPServer` → http, server. */
function words(text: string): string[] {
  return text
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Index terms of a field, before lowercasing: its words, plus each whole identifier (`runSync` is found as `runsync` too). */
export function tokenize(text: string, field?: string): string[] {
  if (field === 'summary') return summaryWords(text);
  const out: string[] = [];
  const wholes = text.split(/[\s/]+/);
  for (const whole of wholes) {
    const bare = whole.replace(/^[^\p{L}\p{N}_$]+|[^\p{L}\p{N}_$]+$/gu, '');
    if (bare) out.push(bare);
    // `res.cookie`, `Server.Start`, `Store::path`: the last part alone is a name too.
    const last = whole.split(/\.|::/).pop();
    if (last && last !== whole) out.push(last);
  }
  for (const w of words(text)) out.push(w);
  return [...new Set(out)];
}

/** Words of a summary, at most the first 40 (a summary is one sentence or two). */
function summaryWords(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u, 41).filter(Boolean);
}

/**
 * A query's words: split on spaces, slashes and punctuation, never on case (a camelCase query
 * matches a whole identifier). A word joined by `.` or `::` (`a.ts`, `res.cookie`, `Store::path`) is
 * looked for whole; one joined by `_` or `-` also by its parts. The little words of a question
 * (`where is the request context`: two of them or more) are left out, unless the query has no
 * other word.
 */
export function queryTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[^\p{L}\p{N}_$.:-]+/u)) {
    const w = raw.replace(/^[^\p{L}\p{N}_$]+|[^\p{L}\p{N}_$]+$/gu, '');
    if (!w) continue;
    out.push(w);
    if (/[_-]/.test(w) && !/[.:]/.test(w)) out.push(...w.split(/[_-]+/).filter(Boolean));
  }
  // Only a query that reads like a question (two little words or more): `from operator` looks for `from`.
  const content = out.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  return content.length > 0 && out.length - content.length >= 2 ? content : out;
}

/**
 * The singulars a plural query word may have (`hooks` → hook, `libraries` → library or librarie,
 * `caches` → cache or cach, `branches` → branch or branche): English plural endings only, letters
 * only, each 3 letters or more; a candidate the index lacks finds nothing. Matched exactly, in every
 * field, at STEM_WEIGHT (engine.ts), as the word: the index keeps words as written, so `hook.h` is
 * found for "hooks". (-ing and -ed endings are not undone: `formatting` → format and `started` →
 * start brought more noise than finds.)
 */
export function stems(word: string): string[] {
  if (word.length < 4 || !/^\p{L}+$/u.test(word) || !word.endsWith('s') || /(?:ss|us|is)$/.test(word)) return [];
  const out: string[] = [];
  const add = (s: string): void => {
    if (s.length >= 3 && !out.includes(s)) out.push(s);
  };
  if (word.endsWith('ies')) add(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) add(word.slice(0, -2));
  add(word.slice(0, -1));
  return out;
}

/**
 * English words a question is made of that name nothing in code: matched, they only count as
 * words found (files matching `the` and `is` came before the one matching `request context`).
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an the and or of to in on at by for from with into about as is are was were be been it its this that these those what where which who how why when does do did can could should would i we you my our your there here'.split(' '),
);

/** The query's terms, lowercased, in order (a repeated word counts twice in the score, once as a matched word). */
export function queryTerms(text: string): string[] {
  return queryTokens(text).map((t) => t.toLowerCase()).filter((t) => t.length > 0);
}

/** A file that stands for its folder: `router/index.js`, `json/__init__.py`, `store/mod.rs`. */
const FOLDER_FILE = /^(?:index\.(?:[cm]?[jt]sx?|d\.[cm]?ts)|__init__\.pyi?|mod\.rs)$/;

/**
 * The file name field: `router.ts` is indexed as `router.ts` and `router`; a file that stands for
 * its folder (`lib/router/index.js`, `json/__init__.py`, `mod.rs`) by the folder's name too.
 */
export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const dot = name.indexOf('.', 1);
  const own = dot > 0 ? `${name} ${name.slice(0, dot)}` : name;
  if (slash <= 0 || !FOLDER_FILE.test(name)) return own;
  return `${own} ${path.slice(path.lastIndexOf('/', slash - 1) + 1, slash)}`;
}

/** Shallower first, then shorter, then path order: `src/router.ts` before `src/deep/nested/router.ts`. */
export function comparePaths(a: string, b: string): number {
  const depth = depthOf(a) - depthOf(b);
  if (depth !== 0) return depth;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function depthOf(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) n++;
  return n;
}

/**
 * The first `max` of a file's symbols as a search result shows them: the ones a query word names
 * (a word of the symbol is the query word or, for a word of 3 letters or more, begins with it) first,
 * then the rest, each group in file order. Without a query, the first `max`. The CLI, Search Memory
 * and the language-model tool show these: the symbol that made a file match is not cut off.
 */
export function shownSymbols(symbols: readonly string[], query: string | undefined, max: number): string[] {
  const terms = query === undefined ? [] : queryTerms(query);
  if (terms.length === 0) return symbols.slice(0, max);
  const names = (s: string): string[] => tokenize(s).map((t) => t.toLowerCase());
  // A word of the query, or a singular of it (see stems): what the engine matched the file by.
  const words = [...new Set(terms.flatMap((q) => [q, ...stems(q)]))];
  const matches = (s: string): boolean => names(s).some((n) => words.some((q) => n === q || (q.length >= 3 && n.startsWith(q))));
  const first = symbols.filter(matches);
  if (first.length === 0) return symbols.slice(0, max);
  const named = new Set(first);
  return [...first, ...symbols.filter((s) => !named.has(s))].slice(0, max);
}
