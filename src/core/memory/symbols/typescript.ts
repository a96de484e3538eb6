// TypeScript and JavaScript: top-level declarations (column 0) and everything a module exports.
import type { SymbolExtractor, SymbolList } from './list';

const ID = '[A-Za-z_$][\\w$]*';

const FUNCTION = new RegExp(`^(?:export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:async\\s+)?function\\b\\s*(?:\\*\\s*)?(${ID})`);
const TYPE_LIKE = new RegExp(
  `^(?:export\\s+)?(?:default\\s+)?(?:declare\\s+)?(?:abstract\\s+)?(?:const\\s+)?(?:class|interface|type|enum|namespace)\\s+(${ID})`,
);
const EXPORTED_VAR = new RegExp(`^export\\s+(?:declare\\s+)?(?:const|let|var)\\s+(${ID})`);
const VAR = new RegExp(`^(?:const|let|var)\\s+(${ID})`);
/** A function-valued initialiser, matched right after its `=`: `function`, `(...) =>`, `x =>`, or `(` closing on a later line. */
const FUNCTION_INIT = new RegExp(
  `\\s*(?:async\\s+)?(?:function\\b|(?:<[^>]*>\\s*)?\\([^)]*\\)\\s*(?::[^=]+)?=>|${ID}\\s*=>|(?:<[^>]*>\\s*)?\\(\\s*$)`,
  'y',
);

/** Assignments chained after the first `=`: `res.header = ` in `res.set = res.header = function …`. */
const CHAINED = new RegExp(`(?:\\s*${ID}(?:\\.${ID})+\\s*=(?![=>]))*`, 'y');

/**
 * Whether the variable declared by `line` (its name ending at `from`) is initialised with a
 * function; with `chained`, also through a chain of member assignments (`res.set = res.header =
 * function`: both are the method; `var proto = module.exports = function` names the export, not a method).
 */
function initialisedWithFunction(line: string, from: number, chained = false): boolean {
  // The initialiser's `=` is the first one that is not part of `=>` (a function type in the annotation) or `==`.
  for (let i = line.indexOf('=', from); i !== -1; i = line.indexOf('=', i + 2)) {
    const next = line.charCodeAt(i + 1);
    if (next === 62 /* > */ || next === 61 /* = */) continue;
    CHAINED.lastIndex = i + 1;
    FUNCTION_INIT.lastIndex = chained && CHAINED.test(line) ? CHAINED.lastIndex : i + 1;
    return FUNCTION_INIT.test(line);
  }
  return false;
}

const EXPORT_LIST = /^export\s+(?:type\s+)?\{([^}]*)(\})?/;
const COMMONJS = new RegExp(`^(?:module\\.)?exports\\.(${ID})\\s*=`);
/** `app.use = function …`, `View.prototype.render = (…) =>`: a method assigned at the top level, named `app.use`, `View.render`. */
const MEMBER_FUNCTION = new RegExp(`^(${ID})\\.(?:prototype\\.)?(${ID})\\s*=(?!=)`);
/** Words a regex may capture where a name would be, in `export default class extends X`. */
const NOT_NAMES = new Set(['extends', 'implements']);

/** Names in an `export { a, b as c, type D }` list: the exported names. */
function exportListNames(list: string, out: SymbolList): void {
  for (const part of list.split(',')) {
    const words = part.trim().split(/\s+/).filter((w) => w !== 'type');
    const name = words[words.length - 1];
    if (name && name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name)) out.add(name);
  }
}

/** An export list spanning lines, from `start` (the line with `{`) to the closing brace; returns the last line used. */
function multiLineExportList(lines: readonly string[], start: number, first: string, out: SymbolList): number {
  let list = first;
  let i = start + 1;
  for (; i < lines.length && i < start + 500; i++) {
    const line = lines[i] ?? '';
    const close = line.indexOf('}');
    list += ',' + (close >= 0 ? line.slice(0, close) : line);
    if (close >= 0) break;
  }
  exportListNames(list, out);
  return i;
}

/** `line` is `lines[i]`; the lines after it are read while a chain continues on them (`res.set =` / `res.header = function …`). */
function declarationName(line: string, lines: readonly string[], i: number): string | string[] | undefined {
  const m = FUNCTION.exec(line) ?? TYPE_LIKE.exec(line) ?? EXPORTED_VAR.exec(line) ?? COMMONJS.exec(line);
  if (m) return m[1] && !NOT_NAMES.has(m[1]) ? m[1] : undefined;
  const member = MEMBER_FUNCTION.exec(line);
  if (member) {
    if (member[1] === 'module') return undefined;
    let whole = line;
    for (let k = i + 1; k < lines.length && k <= i + 8 && whole.trimEnd().endsWith('=') && MEMBER_FUNCTION.test(lines[k] as string); k++) whole += ` ${lines[k] as string}`;
    if (!initialisedWithFunction(whole, member[0].length - 1, true)) return undefined;
    // The links of a chain on this line (`res.contentType = res.type = function`) are methods too;
    // one continued on the next line is read there.
    const links = line.slice(member[0].length).split('=').slice(0, -1);
    const names = [`${member[1]}.${member[2]}`];
    for (const link of links) {
      const m = MEMBER_FUNCTION.exec(`${link.trim()}=`);
      if (!m || m[1] === 'module') break;
      names.push(`${m[1]}.${m[2]}`);
    }
    return names;
  }
  const v = VAR.exec(line);
  return v && initialisedWithFunction(line, v[0].length) ? v[1] : undefined;
}

export const typescriptSymbols: SymbolExtractor = (lines, out) => {
  for (let i = 0; i < lines.length && !out.full; i++) {
    const line = lines[i] ?? '';
    const c = line.charCodeAt(0);
    // Top level only: indented lines, comments, closing braces and blank lines are skipped fast.
    // Every declaration starts with a lowercase keyword, a method assignment with its object's name.
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36)) continue;
    const list = EXPORT_LIST.exec(line);
    if (list) {
      if (list[2]) exportListNames(list[1] ?? '', out);
      else i = multiLineExportList(lines, i, list[1] ?? '', out);
      continue;
    }
    const name = declarationName(line, lines, i);
    if (Array.isArray(name)) for (const n of name) out.add(n);
    else out.add(name);
  }
};
