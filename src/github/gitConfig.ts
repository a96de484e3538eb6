// A reader of git's config file format, as git's own parser (config.c) reads it: sections `[name]`,
// `[name "subsection"]` and the older `[name.subsection]`; names case-insensitive, subsections not;
// values with quotes, escapes, `#`/`;` comments, trailing whitespace trimmed and backslash-newline
// continuations. Only what remote detection needs is asked of it (remote URLs), so that finding the
// remote never loads isomorphic-git (a 560 KB part of the CLI that only the portable path runs).
// `include`/`includeIf` are not followed (neither were they by isomorphic-git's reader, used before).

export interface ConfigEntry {
  /** Lower-cased section name (`remote`). */
  section: string;
  /** The subsection as written (`origin`), undefined for `[section]`. */
  subsection: string | undefined;
  /** Lower-cased key (`url`). */
  key: string;
  /** The value, or null for a key written without `=` (a boolean true). */
  value: string | null;
}

/** A config file that git itself would refuse to read; `line` is 1-based. */
export class GitConfigError extends Error {
  constructor(readonly line: number, why: string) {
    super(`line ${line}: ${why}`);
    this.name = 'GitConfigError';
  }
}

// git's own isspace (sane_ctype): not \v or \f.
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isKeyChar = (c: string): boolean => isAlpha(c) || (c >= '0' && c <= '9') || c === '-';

/** The text as git's reader sees it: `\r\n` is `\n`, and the end of the text one more `\n`. */
class Reader {
  private i = 0;
  /** The line git names in its errors: counted as each `\n` (the last one too) is read. */
  line = 1;
  private readonly src: string;
  constructor(text: string) {
    this.src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n/g, '\n');
  }
  /** The next character; '\n' once past the end, then '' (nothing). */
  next(): string {
    const c = this.i < this.src.length ? this.src[this.i]! : this.i === this.src.length ? '\n' : '';
    this.i++;
    if (c === '\n') this.line++;
    return c;
  }
  /** The end of the text has been read. */
  get ended(): boolean {
    return this.i > this.src.length;
  }
  fail(why: string, line = this.line): never {
    throw new GitConfigError(line, why);
  }
}

/** Every entry of a config file's text, in file order. Throws GitConfigError where git would. */
export function parseGitConfig(text: string): ConfigEntry[] {
  const r = new Reader(text);
  const entries: ConfigEntry[] = [];
  // git accepts keys before any section (they belong to none, and none is a remote's).
  let section = '';
  let subsection: string | undefined;
  let comment = false;
  while (!r.ended) {
    const c = r.next();
    if (c === '\n') {
      comment = false;
      continue;
    }
    if (comment || isSpace(c)) continue;
    if (c === '#' || c === ';') {
      comment = true;
      continue;
    }
    if (c === '[') {
      ({ section, subsection } = header(r));
      continue;
    }
    if (!isAlpha(c)) r.fail(`unexpected ${JSON.stringify(c)}`);
    let key = c.toLowerCase();
    let d = r.next();
    while (isKeyChar(d)) {
      key += d.toLowerCase();
      d = r.next();
    }
    while (d === ' ' || d === '\t') d = r.next();
    let value: string | null = null;
    if (d !== '\n' && d !== '') {
      if (d !== '=') r.fail(`a key (${key}) followed by ${JSON.stringify(d)}`);
      value = parseValue(r);
    }
    entries.push({ section, subsection, key, value });
  }
  return entries;
}

/** After `[`: the section's name (and subsection) through `]`. */
function header(r: Reader): { section: string; subsection: string | undefined } {
  let name = '';
  for (;;) {
    const c = r.next();
    if (r.ended) r.fail('a section header without its ]');
    if (c === ']') break;
    if (isSpace(c)) return { section: name, subsection: extended(r, c) };
    if (!(isKeyChar(c) || c === '.')) r.fail(`a section name with ${JSON.stringify(c)}`);
    name += c.toLowerCase();
  }
  if (name === '') r.fail('a section without a name');
  // `[section.subsection]`, the older form: the subsection is lower-cased like the rest.
  const dot = name.indexOf('.');
  return dot < 0 ? { section: name, subsection: undefined } : { section: name.slice(0, dot), subsection: name.slice(dot + 1) };
}

/**
 * `[section "subsection"]` from the space after the name: the quoted subsection (`\x` is `x`) and
 * `]`. A line that ends first is named as git names it: the line it ended.
 */
function extended(r: Reader, space: string): string {
  const incomplete = (): never => r.fail('a section header that ends with its line', r.line - 1);
  let c = space;
  while (isSpace(c)) {
    if (c === '\n') incomplete();
    c = r.next();
  }
  if (c !== '"') r.fail('a subsection not in double quotes');
  let sub = '';
  for (;;) {
    c = r.next();
    if (c === '\n') incomplete();
    if (c === '"') break;
    if (c === '\\') {
      c = r.next();
      if (c === '\n') incomplete();
    }
    sub += c;
  }
  if (r.next() !== ']') r.fail('a section header without its ]');
  return sub;
}

/** After `=`, through the end of the line (and any line a trailing backslash continues it to). */
function parseValue(r: Reader): string {
  let value = '';
  let quote = false;
  let comment = false;
  // Where the value ends if only unquoted whitespace follows (0: no whitespace pending).
  let trim = 0;
  for (;;) {
    let c = r.next();
    if (c === '\n' || c === '') {
      // git names the line the value was on, not the next one.
      if (quote) r.fail('a value without its closing quote', r.line - 1);
      return trim ? value.slice(0, trim) : value;
    }
    if (comment) continue;
    if (isSpace(c) && !quote) {
      if (!trim) trim = value.length;
      if (value.length) value += c;
      continue;
    }
    if (!quote && (c === ';' || c === '#')) {
      comment = true;
      continue;
    }
    trim = 0;
    if (c === '\\') {
      c = r.next();
      if (c === '\n') continue;
      if (c === 't') c = '\t';
      else if (c === 'b') c = '\b';
      else if (c === 'n') c = '\n';
      else if (c !== '\\' && c !== '"') r.fail(`an unknown escape \\${c}`);
      value += c;
      continue;
    }
    if (c === '"') {
      quote = !quote;
      continue;
    }
    value += c;
  }
}

/**
 * Each remote, in the order the config first names it (any `remote.<name>.*` key; `git remote`
 * sorts the same names), with its first URL: the one git fetches from (later ones are extra push URLs). An
 * empty `url =` clears the URLs listed before it, as git 2.46 and later read it. A remote with no URL
 * (only a `pushurl`, say) has `url` undefined.
 */
export function remotesOf(entries: readonly ConfigEntry[]): { remote: string; url: string | undefined }[] {
  const urls = new Map<string, string[]>();
  for (const e of entries) {
    if (e.section !== 'remote' || e.subsection === undefined) continue;
    const list = urls.get(e.subsection) ?? [];
    urls.set(e.subsection, list);
    if (e.key !== 'url' || e.value === null) continue;
    if (e.value === '') list.length = 0;
    else list.push(e.value);
  }
  return [...urls].map(([remote, list]) => ({ remote, url: list[0] }));
}
