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
const C_NOT_START = /^(?:[\s#/*{}]|(?:return|if|else|for|while|do|switch|case|goto|typedef|using|namespace|template|static_assert)\b)/;
/** `typedef __ino_t ino_t;`, `typedef unsigned long size_t;`, `typedef char name[16];`: the alias. */
const C_TYPEDEF_ALIAS = /^typedef\s+[^;(){}]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*;/;
/** `typedef int (*__compar_fn_t) (const void *, const void *);`: the function pointer type's name. */
const C_TYPEDEF_FUNCTION = /^typedef\s+[^;{}]*?\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/;
const C_NAME_BEFORE_PAREN = /((?:[A-Za-z_]\w*::)*~?[A-Za-z_]\w*)\s*$/;
const C_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'defined', 'catch', 'decltype', 'alignof']);

/**
 * The name of a function declared at column 0 starting on line `i`: a name before `(`, no `=`
 * before it, then its body or the `;` of a prototype within the next few lines (what a header
 * declares: `extern DIR *opendir (const char *__name) __nonnull ((1));`). ALL_CAPS names are
 * macros and skipped; so are lines a macro call continues (`)` before the `;` of a statement).
 */
function cFunctionAt(lines: readonly string[], i: number): string | undefined {
  const line = lines[i] ?? '';
  const paren = line.indexOf('(');
  if (paren <= 0) return undefined;
  const head = line.slice(0, paren).replace(/^extern\s+(?!")/, '');
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
  if (brace >= 0 && (semi < 0 || brace < semi)) return name;
  // A prototype names its return type before its name (a bare `name(...);` is a macro call).
  return semi >= 0 && /[\s*&]/.test(head.trim()) ? name : undefined;
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
    const alias = C_TYPEDEF_FUNCTION.exec(line) ?? (line.startsWith('typedef') && !C_TYPEDEF_OPEN.test(line) ? C_TYPEDEF_ALIAS.exec(line) : null);
    if (alias) {
      out.add(alias[1]);
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
