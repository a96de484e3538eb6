// Python, Ruby, PHP and shell scripts.
import { byLineRegex, type SymbolExtractor } from './list';

/** Python: module-level `def`, `async def` and `class` (column 0; methods are indented). */
export const pythonSymbols: SymbolExtractor = byLineRegex(/^(?:async\s+)?def\s+([A-Za-z_]\w*)/, /^class\s+([A-Za-z_]\w*)/);

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
