// Go, Rust, C and C++.
import { byLineRegex, type SymbolExtractor } from './list';

const GO_FUNC = /^func\s+(?:\(\s*(?:[A-Za-z_]\w*\s+)?(?:\*\s*)?([A-Za-z_]\w*)(?:\[[^\]]*\])?\s*\)\s*)?([A-Za-z_]\w*)/;
const GO_TYPE = /^type\s+([A-Za-z_]\w*)/;
const GO_TYPE_IN_GROUP = /^\t([A-Za-z_]\w*)\b/;

/**
 * Go: functions, methods and types. A method is named `Receiver.Method`
 * (`func (s *Server) Start()` -> `Server.Start`) so two types' `String` methods stay apart;
 * search also matches the part after the dot. Types in a `type ( ... )` group count.
 */
export const goSymbols: SymbolExtractor = (lines, out) => {
  let inTypeGroup = false;
  for (const line of lines) {
    if (out.full) return;
    if (inTypeGroup) {
      if (line.startsWith(')')) inTypeGroup = false;
      else out.add(GO_TYPE_IN_GROUP.exec(line)?.[1]);
      continue;
    }
    const f = GO_FUNC.exec(line);
    if (f) {
      out.add(f[1] ? `${f[1]}.${f[2]}` : f[2]);
      continue;
    }
    if (/^type\s*\(/.test(line)) inTypeGroup = true;
    else out.add(GO_TYPE.exec(line)?.[1]);
  }
};

/** Rust: top-level fn, struct, enum, trait, mod, type, union and macro_rules! (impl blocks are not names). */
export const rustSymbols: SymbolExtractor = byLineRegex(
  /^(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|default)\s+)*(?:extern\s+(?:"[^"]*"\s+)?)?(?:fn|struct|enum|trait|mod|type|union)\s+([A-Za-z_]\w*)/,
  /^macro_rules!\s*([A-Za-z_]\w*)/,
);

const C_TYPE =
  /^(?:typedef\s+)?(?:struct|class|union|enum(?:\s+(?:class|struct))?)\s+(?:[A-Z_][A-Z0-9_]*\s+)?([A-Za-z_]\w*)\s*(?:final\s*)?(?::[^;{]*)?(?:\{.*)?$/;
const C_TYPEDEF_OPEN = /^typedef\s+(?:struct|union|enum)\b[^;]*$/;
const C_TYPEDEF_CLOSE = /^\}\s*([A-Za-z_]\w*)\s*;/;
const C_NOT_START = /^(?:[\s#/*{}]|(?:return|if|else|for|while|do|switch|case|goto|typedef|using|namespace|template|extern|static_assert)\b)/;
const C_NAME_BEFORE_PAREN = /((?:[A-Za-z_]\w*::)*~?[A-Za-z_]\w*)\s*$/;
const C_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'defined', 'catch', 'decltype', 'alignof']);

/**
 * The name of a function defined at column 0 starting on line `i`: a name before `(`,
 * no `=` before it, and a `{` before any `;` within the next few lines (so prototypes and
 * calls are not definitions). ALL_CAPS names are macros and skipped.
 */
function cFunctionAt(lines: readonly string[], i: number): string | undefined {
  const line = lines[i] ?? '';
  const paren = line.indexOf('(');
  if (paren <= 0) return undefined;
  const head = line.slice(0, paren);
  if (/[=;"'(]/.test(head)) return undefined;
  const name = C_NAME_BEFORE_PAREN.exec(head)?.[1];
  if (!name || C_KEYWORDS.has(name) || !/[a-z]/.test(name)) return undefined;
  let rest = line.slice(paren);
  for (let j = i + 1; j < lines.length && j <= i + 8; j++) {
    if (/[{;]/.test(rest)) break;
    rest += '\n' + (lines[j] ?? '');
  }
  const brace = rest.indexOf('{');
  const semi = rest.indexOf(';');
  return brace >= 0 && (semi < 0 || brace < semi) ? name : undefined;
}

/** C and C++: functions defined at column 0 (`Class::method` kept qualified), structs, classes, unions, enums, typedef'd structs. */
export const cSymbols: SymbolExtractor = (lines, out) => {
  let pendingTypedef = false;
  for (let i = 0; i < lines.length && !out.full; i++) {
    const line = lines[i] ?? '';
    if (pendingTypedef) {
      const close = C_TYPEDEF_CLOSE.exec(line);
      if (close) {
        out.add(close[1]);
        pendingTypedef = false;
      }
      if (line.startsWith('}')) pendingTypedef = false;
      continue;
    }
    // `typedef struct [tag] {` ... `} name;`: the tag now, the alias at the closing brace.
    pendingTypedef = C_TYPEDEF_OPEN.test(line);
    const t = C_TYPE.exec(line);
    if (t && (!line.includes(';') || line.includes('{'))) out.add(t[1]);
    if (t || pendingTypedef) continue;
    if (!C_NOT_START.test(line)) out.add(cFunctionAt(lines, i));
  }
};
