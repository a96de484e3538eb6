// Go, Rust, C and C++.
import { byLineRegex, type SymbolExtractor, type SymbolList } from './list';

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
  /^(?:typedef\s+)?(?:struct|class|union|enum(?:\s+(?:class|struct))?)\s+(?:[A-Z_][A-Z0-9_]*\s+)?([A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)\s*(?:final\s*)?(?::[^;{]*)?(?:\{.*)?$/;
/** `typedef [qualifiers] struct|union|enum …`: a body follows, on this line or a later one. */
const C_TYPEDEF_BODY = /^typedef\s+(?:(?:const|volatile|_Atomic)\s+)*(?:struct|union|enum)\b/;
/**
 * The alias after a typedef'd body's closing brace, the last name before `;`, `,` or `[`: `} name;`,
 * `  } name;`, `} __packed name;`, `} ALIGN(8) name;`, `} name, *name_ptr;` (attributes removed first).
 */
const C_TYPEDEF_CLOSE = /^\s*\}\s*(?:[A-Za-z_]\w*(?:\s*\([^)]*\))?\s+)*\**\s*([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?[;,]/;
/** `__attribute__ ((…))`, one level of parentheses inside (`((aligned (8)))`). */
const C_ATTRIBUTE = /__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)/g;
/** The alias alone on the line after the closing brace (`  }` then `ACTION;`). */
const C_TYPEDEF_NAME_LINE = /^\s*([A-Za-z_]\w*)\s*;/;
/**
 * A prototype written through a K&R-compatibility macro, `ZEXTERN int ZEXPORT deflate OF((z_streamp strm, int flush));`
 * (zlib's `OF` and `Z_ARG`, BSD's `__P`, GNU's `PARAMS`): the name is the word before the macro.
 */
const C_PROTOTYPE_MACRO = /^\s*[A-Za-z_][^=;"'(]*?\b([A-Za-z_]\w*)\s+(?:OF|Z_ARG|__P|_PARAMS|PARAMS|_PROTO|__PROTO|ARGS|_ARGS)\s*\(\(/;
const C_NOT_START = /^(?:[\s#/*{}]|(?:return|if|else|for|while|do|switch|case|goto|typedef|using|namespace|template|static_assert)\b)/;
/** `typedef __ino_t ino_t;`, `typedef unsigned long size_t;`, `typedef char name[16];`: the alias. */
const C_TYPEDEF_ALIAS = /^typedef\s+[^;(){}]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*;/;
/** A deprecation macro after a typedef's alias (`typedef int asn1_retCode _ASN1_GCC_ATTR_DEPRECATED;`, `G_GNUC_DEPRECATED`). */
const C_DEPRECATION_MACRO = /\s+[A-Z0-9_]*(?:DEPRECATED|_ATTR_)[A-Z0-9_]*(?:\s*\([^)]*\))?\s*;/;
/** `typedef int Function ();`, `typedef void handler_t (int);`: a function type's name. */
const C_TYPEDEF_FUNCTION_TYPE = /^typedef\s+[^;(){}]*?[\s*]([A-Za-z_]\w*)\s*\([^()]*\)\s*;/;
/** `__attribute__((` left open at the line's end (`typedef unsigned int name __attribute__((` then `deprecated("…")));`). */
const C_OPEN_ATTRIBUTE = /\s*__attribute__\s*\(\(.*$/;

/**
 * A typedef line without its GNU attributes, wherever they stand (`typedef int name
 * __attribute__((deprecated));`, `typedef __attribute__((aligned(8))) int name;`); one left open
 * at the end of the line ends the declaration there.
 */
function withoutAttributes(line: string): string {
  const closed = line.replace(C_ATTRIBUTE, ' ');
  return closed.includes('__attribute__') ? closed.replace(C_OPEN_ATTRIBUTE, ';') : closed;
}
/** `typedef int (*__compar_fn_t) (const void *, const void *);`: the function pointer type's name. */
const C_TYPEDEF_FUNCTION = /^typedef\s+[^;{}]*?\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/;
const C_NAME_BEFORE_PAREN = /((?:[A-Za-z_]\w*::)*~?[A-Za-z_]\w*)\s*$/;
const C_KEYWORDS = new Set([
  ...['if', 'for', 'while', 'switch', 'return', 'sizeof', 'defined', 'catch', 'decltype', 'alignof'],
  // What stands before a `(` that does not follow a function's name: `int (*f(…))(…)`, `__attribute__((weak))`.
  ...['int', 'void', 'char', 'short', 'long', 'float', 'double', 'signed', 'unsigned', 'bool', '_Bool', 'const', 'volatile', 'struct', 'union', 'enum'],
  ...['__attribute__', '__declspec', '__extension__', 'alignas', '_Alignas', 'static_assert', '_Static_assert'],
]);
/** A line that is only a declaration's return type, its name on the next line (`extern int` / `static struct node *`). */
const C_RETURN_TYPE_LINE = /^(?:(?:extern|static|inline|const|unsigned|signed|struct|enum|union)\s+)*[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*[\s*&]*$/;
/** Blocks whose contents are still the file's top level: `extern "C" {`, `namespace x {`. */
const C_TRANSPARENT_BLOCK = /^\s*(?:extern\s+"C(?:\+\+)?"|(?:inline\s+)?namespace(?:\s+[\w:]+)?)\s*\{\s*$/;
/** The same, its brace on the next line (Allman style: `namespace x` then `{`). */
const C_TRANSPARENT_HEAD = /^\s*(?:extern\s+"C(?:\+\+)?"|(?:inline\s+)?namespace(?:\s+[\w:]+)?)\s*$/;
/** A comment ending the line (`struct _obstack_chunk  /* Lives at front of each chunk. *\/`). */
const C_TRAILING_COMMENT = /\s*(?:\/\*.*?\*\/|\/\/.*)\s*$/;
/** `__extension__ typedef struct …` (GNU headers): the keyword changes nothing a reader looks for. */
const C_EXTENSION = /^__extension__\s+/;

/**
 * The name of a function declared at column 0 starting on line `i`: a name before `(`, no `=`
 * before it, then its body or the `;` of a prototype within the next few lines (what a header
 * declares: `extern DIR *opendir (const char *__name) __nonnull ((1));`). ALL_CAPS names are
 * macros and skipped; so are lines a macro call continues (`)` before the `;` of a statement).
 * A prototype's return type may stand alone on the line before (`extern int` then `name (…);`).
 */
function cFunctionAt(lines: readonly string[], i: number, line = lines[i] ?? ''): string | undefined {
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
  if (semi < 0) return undefined;
  if (/[\s*&]/.test(head.trim())) return name;
  const previous = (lines[i - 1] ?? '').trimEnd();
  return previous !== '' && !/^\s/.test(previous) && C_RETURN_TYPE_LINE.test(previous) && !/^(?:return|else|do|case|goto)\b/.test(previous) ? name : undefined;
}

/**
 * C and C++: functions declared or defined at the top level (`Class::method` kept qualified),
 * structs, classes, unions, enums, typedef'd types. Lines inside block comments are not read (a
 * header documents macros as prototypes there); the top level is brace depth 0, `extern "C" {` and
 * `namespace … {` blocks included, where a line indented under `#if` is read too.
 */
export const cSymbols: SymbolExtractor = (lines, out) => {
  // Inside a typedef'd struct/union/enum: the brace depth of its body (its fields are not top-level
  // names; its closing brace, at whatever indentation, names the alias). A `}` at column 0 closes it
  // whatever the count; a body that still seems never to close ends at a line at column 0 that
  // opens a new definition.
  let pendingTypedef = false;
  let typedefDepth = 0;
  let awaitingAlias = false;
  // The brace depth outside transparent blocks: indented declarations count at depth 0 only.
  let depth = 0;
  let transparent = 0;
  // The line before was `namespace x` or `extern "C"` without its brace.
  let transparentNext = false;
  let inComment = false;
  // `#if` nesting: braces are counted in the first branch only (an `#else` often repeats an opening
  // line with other arguments); lines continuing a `#define` are not declarations.
  const branches: boolean[] = [];
  const skipping = (): boolean => branches.includes(true);
  let continuesMacro = false;
  // Whether the last line of code ended a statement or opened/closed a block: an indented line
  // after one starts a declaration; after anything else it continues one (`     __THROW __nonnull ((1));`).
  let atStatementStart = true;
  // Where the open block comment started: at column 0, the code after its `*/` is read as a line at
  // column 0 (`/* … */ int foo(void);`); indented, as an indented one.
  let commentAtColumn0 = false;
  for (let i = 0; i < lines.length && !out.full; i++) {
    let raw = lines[i] ?? '';
    if (inComment) {
      const end = raw.indexOf('*/');
      if (end < 0) continue;
      inComment = false;
      const rest = raw.slice(end + 2);
      if (rest.trim() === '') continue;
      raw = commentAtColumn0 ? rest.trimStart() : ' ' + rest;
    }
    if (raw.includes('/*')) raw = withoutLeadingComments(raw);
    if (continuesMacro) {
      continuesMacro = raw.trimEnd().endsWith('\\');
      continue;
    }
    if (raw.charCodeAt(0) === 35 /* # */ || (raw.includes('#') && /^\s*#/.test(raw))) {
      const directive = /^\s*#\s*(\w+)/.exec(raw)?.[1];
      if (directive === 'if' || directive === 'ifdef' || directive === 'ifndef') branches.push(false);
      else if ((directive === 'else' || directive === 'elif') && branches.length > 0) branches[branches.length - 1] = true;
      else if (directive === 'endif') branches.pop();
      continuesMacro = raw.trimEnd().endsWith('\\');
      const open = raw.includes('/*') ? openCommentAt(raw) : -1;
      inComment = open >= 0;
      commentAtColumn0 = open === 0;
      continue;
    }
    const openAt = raw.includes('/*') ? openCommentAt(raw) : -1;
    const opensComment = openAt >= 0;
    if (opensComment) commentAtColumn0 = openAt === 0;
    const line = raw.startsWith('__extension__') ? raw.replace(C_EXTENSION, '') : raw;
    if (awaitingAlias) {
      awaitingAlias = false;
      const alias = C_TYPEDEF_NAME_LINE.exec(line);
      if (alias) {
        out.add(alias[1]);
        inComment = opensComment;
        continue;
      }
    }
    if (pendingTypedef) {
      const opened = typedefDepth > 0;
      if (opened && /^[A-Za-z_]/.test(line) && line.trimEnd().endsWith('{')) {
        pendingTypedef = false; // read as a new top-level line below
      } else {
        if (!skipping()) typedefDepth += braceBalance(line);
        // Closed when the count returns to 0, or by a `}` at column 0 whatever the count (braces
        // that differ between `#if` branches).
        if (opened && (typedefDepth <= 0 || /^\}.*[;,]/.test(line))) {
          const alias = C_TYPEDEF_CLOSE.exec(line.includes('__attribute__') ? line.replace(C_ATTRIBUTE, '') : line)?.[1];
          if (alias) out.add(alias);
          else awaitingAlias = true;
          pendingTypedef = false;
          typedefDepth = 0;
        } else if (!opened && typedefDepth <= 0 && line.includes(';')) {
          pendingTypedef = false; // `typedef struct tag` then `alias;`: no body
        }
        inComment = opensComment;
        continue;
      }
    }
    const topLevel = depth <= transparent;
    // The line without a comment ending it, worked out once for the checks below.
    const bare = line.includes('/') ? line.replace(C_TRAILING_COMMENT, '') : line;
    const opensTransparent = line.includes('{') && (C_TRANSPARENT_BLOCK.test(bare) || (transparentNext && /^\s*\{\s*$/.test(bare)));
    transparentNext = false;
    if (opensTransparent) {
      if (topLevel) transparent++;
      depth++;
      continue;
    }
    if (C_TRANSPARENT_HEAD.test(bare)) {
      transparentNext = true;
      continue;
    }
    // Read at column 0 (at any depth, as before), or indented (under `#if`) at the top level.
    const indented = /^\s/.test(line);
    const startsStatement = atStatementStart;
    // Only the top level's lines matter (a body's last line is its closing brace, below).
    if (topLevel) {
      const code = bare.trimEnd();
      if (code !== '' && !/^\s*(?:\/[/*]|\*)/.test(code)) atStatementStart = /[;{}]$/.test(code);
    }
    if (!indented || (topLevel && !/^\s*(?:#|\/[/*]|\*)/.test(line))) {
      readDeclaration(lines, i, indented ? line.trimStart() : line, indented ? bare.trimStart() : bare, indented && !startsStatement, out, (open) => {
        pendingTypedef = true;
        typedefDepth = open;
      });
    }
    // A typedef's body is counted apart (above); anything else moves the depth.
    if (!pendingTypedef && !skipping()) {
      depth = Math.max(0, depth + braceBalance(line));
      if (depth < transparent) transparent = depth;
      if (!topLevel && depth <= transparent) atStatementStart = true; // a body closed
    }
    inComment = opensComment;
  }
};

/**
 * One line at the top level: a typedef, a type, a prototype or a function. `continuing`: an indented
 * line after one that did not end a statement (only a typedef, a type or an OF(()) prototype is read).
 */
function readDeclaration(lines: readonly string[], i: number, line: string, bare: string, continuing: boolean, out: SymbolList, openTypedef: (depth: number) => void): void {
  const typedef = line.startsWith('typedef');
  // `typedef struct [tag] {` ... `} name;`: the tag now, the alias at the closing brace (on this
  // line for a one-line body, else on a later one); `typedef struct tag name;` is an alias.
  const body = typedef && C_TYPEDEF_BODY.test(line) && (line.includes('{') || !line.includes(';'));
  // A deprecation macro is taken off before the attributes: `typedef int NAME_DEPRECATED
  // __attribute__((deprecated));` names `NAME_DEPRECATED`.
  const plain = typedef && !body ? line.replace(C_DEPRECATION_MACRO, ';') : line;
  const bareTypedef = plain.includes('__attribute__') ? withoutAttributes(plain) : plain;
  const alias = typedef ? (C_TYPEDEF_FUNCTION.exec(line) ?? (!body ? (C_TYPEDEF_ALIAS.exec(bareTypedef) ?? C_TYPEDEF_FUNCTION_TYPE.exec(bareTypedef)) : null)) : null;
  if (alias) return out.add(alias[1]);
  let opensTypedef = false;
  if (body) {
    const balance = braceBalance(line);
    const close = line.lastIndexOf('}');
    if (balance <= 0 && close > line.indexOf('{')) {
      const rest = line.slice(close);
      const oneLine = C_TYPEDEF_CLOSE.exec(rest.includes('__attribute__') ? rest.replace(C_ATTRIBUTE, '') : rest)?.[1];
      const t = C_TYPE.exec(line.slice(0, line.indexOf('{') + 1));
      if (t) out.add(t[1]);
      return out.add(oneLine);
    }
    opensTypedef = true;
    openTypedef(Math.max(0, balance));
  }
  const t = C_TYPE.exec(bare);
  if (t && (!bare.includes(';') || bare.includes('{'))) out.add(t[1]);
  if (t || opensTypedef) return;
  const viaMacro = line.includes('((') ? C_PROTOTYPE_MACRO.exec(line) : null;
  if (viaMacro && /[a-z]/.test(viaMacro[1] as string)) return out.add(viaMacro[1]);
  if (!continuing && !C_NOT_START.test(line)) out.add(cFunctionAt(lines, i, line));
}

/** Where a `/*` left open at the line's end starts (outside string literals), or -1. */
function openCommentAt(line: string): number {
  let open = -1;
  for (let k = 0; k < line.length; k++) {
    const ch = line.charCodeAt(k);
    if (open >= 0) {
      if (ch === 42 && line.charCodeAt(k + 1) === 47) {
        open = -1;
        k++;
      }
    } else if (ch === 34 || ch === 39) {
      for (k++; k < line.length && line.charCodeAt(k) !== ch; k++) if (line.charCodeAt(k) === 92) k++;
    } else if (ch === 47 && line.charCodeAt(k + 1) === 47) {
      return -1;
    } else if (ch === 47 && line.charCodeAt(k + 1) === 42) {
      open = k;
      k++;
    }
  }
  return open;
}

/** Block comments closed on the line before its code (`/*__owur*\/ int f(…);`). */
const C_LEADING_COMMENTS = /^(\s*)(?:\/\*.*?\*\/\s*)+/;

/**
 * A line whose code follows block comments closed on it, read as that code: at column 0 when the
 * first comment is (`/* … *\/ int foo(void);` is a prototype at the top level), else indented.
 * A line of comments only is returned as it is.
 */
function withoutLeadingComments(line: string): string {
  const m = C_LEADING_COMMENTS.exec(line);
  if (!m || m[0].length === line.length) return line;
  return (m[1] === '' ? '' : ' ') + line.slice(m[0].length);
}

/** `{` minus `}` on a line, outside string and character literals and comments that start on it. */
function braceBalance(line: string): number {
  if (!line.includes('{') && !line.includes('}')) return 0;
  let n = 0;
  for (let k = 0; k < line.length; k++) {
    const ch = line.charCodeAt(k);
    if (ch === 123) n++; // {
    else if (ch === 125) n--; // }
    else if (ch === 34 || ch === 39) {
      // a literal: skip to its closing quote
      for (k++; k < line.length && line.charCodeAt(k) !== ch; k++) if (line.charCodeAt(k) === 92) k++;
    } else if (ch === 47 && (line.charCodeAt(k + 1) === 47 || line.charCodeAt(k + 1) === 42)) {
      const end = line.charCodeAt(k + 1) === 42 ? line.indexOf('*/', k + 2) : -1;
      if (end < 0) break;
      k = end + 1;
    }
  }
  return n;
}
