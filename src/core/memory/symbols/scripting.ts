// Python, Ruby, PHP and shell scripts.
import { byLineRegex, type SymbolExtractor } from './list';

const PY_DEF = /^(\s*)(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/;
/** A module-level block whose body is still module level: `if`, `else`, `try`, `except`, `with`… */
const PY_MODULE_BLOCK = /^(?:if|elif|else|try|except|finally|with)\b.*:\s*(?:#.*)?$/;

/**
 * Python: module-level `def`, `async def` and `class`: at column 0, or one level into a module-level
 * `if`/`try`/`with` block (`if sys.platform == 'win32':` / `    def getenvb(...)`), never in a class
 * or function (methods and nested functions are deeper in those).
 */
export const pythonSymbols: SymbolExtractor = (lines, out) => {
  let blockIndent: number | undefined; // the body indentation of the module-level block we are in
  let inModuleBlock = false;
  for (let i = 0; i < lines.length && !out.full; i++) {
    const line = lines[i] ?? '';
    const c = line.charCodeAt(0);
    if (c !== 32 && c !== 9) {
      if (line.trim() === '' || c === 35 /* # */) continue;
      inModuleBlock = PY_MODULE_BLOCK.test(line);
      blockIndent = undefined;
      const top = PY_DEF.exec(line);
      if (top) out.add(top[2]);
      continue;
    }
    if (!inModuleBlock) continue;
    const m = PY_DEF.exec(line);
    const indent = /^\s*/.exec(line)?.[0].length ?? 0;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    blockIndent ??= indent;
    if (m && indent === blockIndent) out.add(m[2]);
  }
};

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
