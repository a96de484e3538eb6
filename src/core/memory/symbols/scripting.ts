// Python, Ruby, PHP and shell scripts.
import { byLineRegex, type SymbolExtractor, type SymbolList } from './list';

const PY_DEF = /^(\s*)(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/;
/** A module-level block whose body is still module level: `if`, `else`, `try`, `except`, `with`… */
const PY_MODULE_BLOCK = /^(?:if|elif|else|try|except|finally|with)\b.*:\s*(?:#.*)?$/;
/** `NAME = …`, `NAME: type = …` (not `==`); further targets of a chain (`a = b = 1`) follow. */
/** `if __name__ == '__main__':`: a script's run, not the module's definitions. */
const PY_MAIN_GUARD = /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/;
const PY_ASSIGN = /^([A-Za-z_]\w*)\s*(?::[^=]*?)?=(?!=)/;
const PY_CHAINED = /\s*([A-Za-z_]\w*)\s*=(?!=)/y;
const PY_IMPORT = /^\s*(?:from\s+[\w.]+\s+)?import\s+(.*)$/;

/**
 * Python: module-level `def`, `async def` and `class`, and public module-level assignments
 * (`HIGHEST_PROTOCOL = 5`, `request_started = _signals.signal(...)`, `seed = _inst.seed`: what GitHub's
 * tags.scm for Python calls constants; names starting with `_` are the module's own and are left
 * out, as are names the module imports: `zlib = None` after a failed `import zlib` defines nothing).
 * At column 0, or one level into a module-level `if`/`try`/`with` block (`if sys.platform ==
 * 'win32':` / `    def getenvb(...)`), never in a class or function (methods and nested functions are
 * deeper in those), nor in the `if __name__ == '__main__':` block. Lines inside triple-quoted strings
 * and inside brackets are not statements.
 */
export const pythonSymbols: SymbolExtractor = (lines, out) => {
  let blockIndent: number | undefined; // the body indentation of the module-level block we are in
  let inModuleBlock = false;
  const imported = pythonImports(lines);
  const scan = pythonStatements(lines);
  for (let i = 0; i < lines.length && !out.full; i++) {
    if (!scan[i]) continue;
    const line = lines[i] ?? '';
    const c = line.charCodeAt(0);
    if (c !== 32 && c !== 9) {
      if (line.trim() === '' || c === 35 /* # */) continue;
      inModuleBlock = PY_MODULE_BLOCK.test(line) && !PY_MAIN_GUARD.test(line);
      blockIndent = undefined;
      moduleLevel(line, out, imported);
      continue;
    }
    if (!inModuleBlock) continue;
    const indent = /^\s*/.exec(line)?.[0].length ?? 0;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    blockIndent ??= indent;
    if (indent === blockIndent) moduleLevel(line.slice(indent), out, imported);
  }
};

/** The definition or public assignment a module-level statement makes, if any. */
function moduleLevel(line: string, out: SymbolList, imported: ReadonlySet<string>): void {
  const def = PY_DEF.exec(line);
  if (def) return out.add(def[2]);
  const assign = PY_ASSIGN.exec(line);
  if (!assign) return;
  const names = [assign[1]];
  PY_CHAINED.lastIndex = assign[0].length;
  for (let m = PY_CHAINED.exec(line); m; m = PY_CHAINED.exec(line)) names.push(m[1]);
  for (const n of names) if (n && !n.startsWith('_') && !imported.has(n)) out.add(n);
}

/** Names bound by the module's imports (`import a.b` binds `a`; `as` binds the alias), at any indentation. */
function pythonImports(lines: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.includes('import')) continue;
    const m = PY_IMPORT.exec(line);
    if (!m?.[1]) continue;
    let list = m[1].replace(/#.*/, '');
    // `from x import (a,\n b)`: the list goes on to the closing parenthesis.
    if (list.includes('(') && !list.includes(')')) {
      while (++i < lines.length && !(lines[i] ?? '').includes(')')) list += ',' + (lines[i] ?? '').replace(/#.*/, '');
      list += ',' + (lines[i] ?? '');
    }
    for (const part of list.replace(/[()\\]/g, '').split(',')) {
      const words = part.trim().split(/\s+/);
      const name = words.length === 3 && words[1] === 'as' ? words[2] : words[0]?.split('.')[0];
      if (name && /^[A-Za-z_]\w*$/.test(name)) names.add(name);
    }
  }
  return names;
}

/**
 * Which lines start a statement: false for a line inside a triple-quoted string (a docstring's
 * `x = 1` example) or inside an open bracket (a call's `key=value` continued at column 0).
 */
function pythonStatements(lines: readonly string[]): boolean[] {
  const starts: boolean[] = [];
  let quote: string | undefined; // the open triple quote
  let depth = 0;
  for (const line of lines) {
    starts.push(quote === undefined && depth === 0);
    let from = 0;
    if (quote !== undefined) {
      const end = line.indexOf(quote);
      if (end < 0) continue;
      quote = undefined;
      from = end + 3;
    }
    // An indented line outside brackets changes nothing that matters here unless it opens a
    // docstring: a bracket it opens closes before the next module-level line (Python's style).
    const c = line.charCodeAt(0);
    if (depth === 0 && (c === 32 || c === 9) && !line.includes('"""') && !line.includes("'''")) continue;
    // Token by token (a one-line string or a comment is one match): native scanning, no loop per character.
    PY_TOKEN.lastIndex = from;
    for (let m = PY_TOKEN.exec(line); m; m = PY_TOKEN.exec(line)) {
      const t = m[0];
      if (t === '"""' || t === "'''") {
        const end = line.indexOf(t, PY_TOKEN.lastIndex);
        if (end < 0) {
          quote = t;
          break;
        }
        PY_TOKEN.lastIndex = end + 3;
      } else if (t === '(' || t === '[' || t === '{') depth++;
      else if ((t === ')' || t === ']' || t === '}') && depth > 0) depth--;
    }
  }
  return starts;
}

/** A triple quote, a one-line string (an unclosed one runs to the line's end), a comment, a bracket. */
const PY_TOKEN = /"""|'''|"(?:[^"\\]|\\.)*(?:"|$)|'(?:[^'\\]|\\.)*(?:'|$)|#.*|[()[\]{}]/g;

/**
 * Ruby: classes and modules (at any depth, so `module A; class B` yields both) and
 * methods (`def name`, `def self.name` -> `name`; operator methods are skipped).
 */
export const rubySymbols: SymbolExtractor = byLineRegex(
  /^\s*(?:class|module)\s+([A-Z][\w:]*)/,
  /^\s*def\s+(?:self\.)?([A-Za-z_]\w*[?!=]?)/,
);

/** PHP: classes, interfaces, traits, enums and functions, methods included (any depth). */
export const phpSymbols: SymbolExtractor = byLineRegex(
  /^\s*(?:(?:abstract|final|readonly)\s+)*(?:class|interface|trait|enum)\s+([A-Za-z_]\w*)/,
  /^\s*(?:(?:public|private|protected|static|final|abstract)\s+)*function\s+(?:&\s*)?([A-Za-z_]\w*)/,
);

/** Shell: functions at column 0, `name() {` or `function name {`. */
export const shellSymbols: SymbolExtractor = byLineRegex(
  /^function\s+([\w:.-]+)(?:\s*\(\s*\))?\s*(?:\{|\(|$)/,
  /^([\w:.-]+)\s*\(\s*\)\s*(?:\{|\(|$)/,
);
