// Tags queries (the tags.scm convention of GitHub's code navigation, narrowed to what the memory keeps:
// top-level definitions) for each language that has a tree-sitter grammar in `tree-sitter-wasms`.
// Each pattern captures the definition as @def and its name as @name; a definition counts when every
// node between it and the root is one of the grammar's `transparent` types (export statements,
// preprocessor conditionals, `extern "C"` blocks, ...), so nested functions and methods stay out.

export interface TagsGrammar {
  /** File name of the grammar in tree-sitter-wasms/out. */
  wasm: string;
  query: string;
  transparent: readonly string[];
  /** Rewrites the text before parsing (C: calling-convention and K&R prototype macros). */
  prepare?: (text: string) => string;
  /** Name of a @def from its @name capture text(s); undefined drops the definition. */
  name?: (text: string, def: string) => string | undefined;
  /**
   * A node of a transparent type that is not transparent after all, by its type and text (Python's
   * `if __name__ == '__main__':`). Names captured as @imported are never symbols of an assignment.
   */
  opaque?: (type: string, text: string) => boolean;
}

const JS_FUNCTION_VALUE = '[(arrow_function) (function_expression) (generator_function) (class)]';

const JS_QUERY = `
(function_declaration name: (identifier) @name) @def
(generator_function_declaration name: (identifier) @name) @def
(class_declaration name: (_) @name) @def
(lexical_declaration (variable_declarator name: (identifier) @name value: ${JS_FUNCTION_VALUE})) @def
(variable_declaration (variable_declarator name: (identifier) @name value: ${JS_FUNCTION_VALUE})) @def
(export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name))) @def
(export_statement declaration: (variable_declaration (variable_declarator name: (identifier) @name))) @def
(export_statement (export_clause (export_specifier name: (_) @name !alias))) @def
(export_statement (export_clause (export_specifier alias: (_) @name))) @def
(assignment_expression left: (member_expression) @name right: ${JS_FUNCTION_VALUE}) @def
(assignment_expression left: (member_expression object: (identifier) @_o) @name (#eq? @_o "exports")) @def
(assignment_expression left: (member_expression object: (member_expression) @_o) @name (#eq? @_o "module.exports")) @def
(assignment_expression
  left: (member_expression) @_m (#eq? @_m "module.exports")
  right: (object [(pair key: (property_identifier) @name) (shorthand_property_identifier) @name (method_definition name: (property_identifier) @name)])) @def
(assignment_expression left: (member_expression) @_m (#eq? @_m "module.exports") right: (function_expression name: (identifier) @name)) @def
(assignment_expression left: (member_expression) @_m (#eq? @_m "module.exports") right: (class name: (_) @name)) @def
`;

const TS_EXTRA = `
(interface_declaration name: (_) @name) @def
(type_alias_declaration name: (_) @name) @def
(enum_declaration name: (_) @name) @def
(abstract_class_declaration name: (_) @name) @def
(function_signature name: (identifier) @name) @def
(internal_module name: (identifier) @name) @def
(ambient_declaration (lexical_declaration (variable_declarator name: (identifier) @name))) @def
(ambient_declaration (variable_declaration (variable_declarator name: (identifier) @name))) @def
`;

/** `exports.x` and `module.exports.x` are `x`; `X.prototype.m` is `X.m`; deeper or computed members are dropped. */
function jsName(text: string): string | undefined {
  const name = text.replace(/^(?:module\.)?exports\./, '').replace(/\.prototype\./, '.');
  if (name === 'module.exports' || name === 'exports') return undefined;
  return /^[\w$]+(?:\.[\w$]+)?$/.test(name) ? name : undefined;
}

const JS_TRANSPARENT = ['export_statement', 'expression_statement', 'assignment_expression', 'ambient_declaration'];

const C_QUERY = `
(function_definition declarator: (_) @name) @def
(declaration declarator: (function_declarator) @name) @def
(declaration declarator: (pointer_declarator) @name) @def
(type_definition declarator: (_) @name) @def
(struct_specifier name: (_) @name body: (_)) @def
(union_specifier name: (_) @name body: (_)) @def
(enum_specifier name: (_) @name body: (_)) @def
`;
const CPP_EXTRA = `
(class_specifier name: (_) @name body: (_)) @def
(namespace_definition name: (_) @name) @def
`;

/** The declared name inside a C declarator: `*f(int)` is `f`, `(*cb)(void)` is `cb`, `A::b(...)` is `A::b`. */
function cName(text: string, def: string): string | undefined {
  const head = text.replace(/^[\s*&]+/, '');
  // A variable (a function pointer included), not a prototype.
  if (def === 'declaration' && (!text.includes('(') || /^\(\s*[*&]/.test(head))) return undefined;
  const m =
    /^\(\s*[*&]+\s*([A-Za-z_]\w*)\s*\)/.exec(head) ?? /^((?:[A-Za-z_~][\w]*::)*operator\s*(?:\(\)|[^\s(]+))/.exec(head) ?? /^((?:[A-Za-z_~][\w]*::)*~?[A-Za-z_]\w*)/.exec(head);
  // glibc's __REDIRECT(name, proto, alias) and similar reserved macros are not declarations.
  return m?.[1] && !/^__[A-Z]/.test(m[1]) ? m[1] : undefined;
}

/**
 * Macros that hide declarations from a parser that does not preprocess: zlib's `ZEXTERN int ZEXPORT f OF((args));`
 * and Windows calling conventions. Blanked out (or `OF((args))` made `(args)`) before parsing.
 */
function cPrepare(text: string): string {
  if (!/\b(?:ZEXTERN|ZEXPORT|WINAPI|OF\s*\(\()/.test(text)) return text;
  return text
    .replace(/\b(?:ZEXTERN|ZEXPORTVA|ZEXPORT|WINAPI|APIENTRY|CALLBACK)\b/g, '')
    .replace(/\bOF\s*\(\(([^;]*?)\)\)(\s*;)/g, '($1)$2');
}

const C_TRANSPARENT = [
  'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'linkage_specification', 'declaration_list',
  'namespace_definition', 'template_declaration', 'type_definition', 'declaration',
];

/** Kotlin: `fun interface` (Kotlin 1.4) is not in the packaged grammar; read as the `interface` it declares. */
function kotlinPrepare(text: string): string {
  return text.includes('fun interface') ? text.replace(/\bfun(?=\s+interface\b)/g, '   ') : text;
}

export const TAGS: Readonly<Record<string, TagsGrammar>> = {
  javascript: { wasm: 'tree-sitter-javascript.wasm', query: JS_QUERY, transparent: JS_TRANSPARENT, name: jsName },
  javascriptreact: { wasm: 'tree-sitter-javascript.wasm', query: JS_QUERY, transparent: JS_TRANSPARENT, name: jsName },
  typescript: { wasm: 'tree-sitter-typescript.wasm', query: JS_QUERY + TS_EXTRA, transparent: JS_TRANSPARENT, name: jsName },
  typescriptreact: { wasm: 'tree-sitter-tsx.wasm', query: JS_QUERY + TS_EXTRA, transparent: JS_TRANSPARENT, name: jsName },
  python: {
    wasm: 'tree-sitter-python.wasm',
    // Public module-level assignments too (GitHub's tags.scm: constants), never of a name the module
    // imports (`zlib = None` after a failed `import zlib`): the imports are captured as @imported.
    query: `(function_definition name: (identifier) @name) @def
(class_definition name: (identifier) @name) @def
(expression_statement (assignment left: (identifier) @name)) @def
(expression_statement (assignment right: (assignment left: (identifier) @name))) @def
(import_statement name: [(dotted_name . (identifier) @imported) (aliased_import alias: (identifier) @imported)])
(import_from_statement name: [(dotted_name . (identifier) @imported) (aliased_import alias: (identifier) @imported)])`,
    transparent: ['decorated_definition', 'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'finally_clause', 'block'],
    name: (text, def) => (def === 'expression_statement' && text.startsWith('_') ? undefined : text),
    // `if __name__ == '__main__':` is a script's run, not the module's definitions.
    opaque: (type, text) => type === 'if_statement' && /^if\s+__name__\s*==\s*(['"])__main__\1\s*:/.test(text),
  },
  c: { wasm: 'tree-sitter-c.wasm', query: C_QUERY, transparent: C_TRANSPARENT, name: cName, prepare: cPrepare },
  cpp: { wasm: 'tree-sitter-cpp.wasm', query: C_QUERY + CPP_EXTRA, transparent: C_TRANSPARENT, name: cName, prepare: cPrepare },
  go: {
    wasm: 'tree-sitter-go.wasm',
    query: `(function_declaration name: (identifier) @name) @def
(method_declaration receiver: (parameter_list (parameter_declaration type: [(type_identifier) @recv (pointer_type (type_identifier) @recv) (generic_type type: (type_identifier) @recv) (pointer_type (generic_type type: (type_identifier) @recv))])) name: (field_identifier) @name) @def
(type_declaration (type_spec name: (type_identifier) @name)) @def`,
    transparent: [],
  },
  rust: {
    wasm: 'tree-sitter-rust.wasm',
    query: `(function_item name: (identifier) @name) @def
(struct_item name: (type_identifier) @name) @def
(enum_item name: (type_identifier) @name) @def
(trait_item name: (type_identifier) @name) @def
(type_item name: (type_identifier) @name) @def
(union_item name: (type_identifier) @name) @def
(mod_item name: (identifier) @name) @def
(macro_definition name: (identifier) @name) @def
(const_item name: (identifier) @name) @def
(static_item name: (identifier) @name) @def`,
    transparent: [],
  },
  java: {
    wasm: 'tree-sitter-java.wasm',
    query: `(class_declaration name: (identifier) @name) @def
(interface_declaration name: (identifier) @name) @def
(enum_declaration name: (identifier) @name) @def
(record_declaration name: (identifier) @name) @def
(annotation_type_declaration name: (identifier) @name) @def`,
    transparent: [],
  },
  php: {
    wasm: 'tree-sitter-php.wasm',
    query: `(class_declaration name: (name) @name) @def
(interface_declaration name: (name) @name) @def
(trait_declaration name: (name) @name) @def
(enum_declaration name: (name) @name) @def
(function_definition name: (name) @name) @def
(method_declaration name: (name) @name) @def`,
    transparent: ['program', 'namespace_definition', 'compound_statement', 'declaration_list', 'class_declaration', 'interface_declaration', 'trait_declaration', 'enum_declaration', 'enum_declaration_list'],
  },
  kotlin: {
    wasm: 'tree-sitter-kotlin.wasm',
    // Classes, interfaces and enum classes are all class_declaration; an extension function's receiver
    // is a user_type before its name (`fun String.shout()` is `shout`, as the regexes read it).
    query: `(class_declaration (type_identifier) @name) @def
(object_declaration (type_identifier) @name) @def
(function_declaration (simple_identifier) @name) @def
(type_alias (type_identifier) @name) @def
(property_declaration (variable_declaration (simple_identifier) @name)) @def`,
    transparent: [],
    prepare: kotlinPrepare,
  },
  swift: {
    wasm: 'tree-sitter-swift.wasm',
    // class_declaration is also struct, enum, actor and extension; an extension's functions are
    // `Type.name` (as Go's methods are), the extension itself names no new type.
    query: `(class_declaration name: (type_identifier) @name) @def
(protocol_declaration name: (type_identifier) @name) @def
(function_declaration name: (simple_identifier) @name) @def
(typealias_declaration name: (type_identifier) @name) @def
(property_declaration name: (pattern (simple_identifier) @name)) @def
(class_declaration name: (user_type . (type_identifier) @recv) body: (class_body (function_declaration name: (simple_identifier) @name))) @def`,
    transparent: [],
  },
  ruby: {
    wasm: 'tree-sitter-ruby.wasm',
    query: `(class name: (_) @name) @def
(module name: (_) @name) @def
(method name: (_) @name) @def
(singleton_method name: (_) @name) @def`,
    transparent: ['body_statement', 'class', 'module'],
    name: (text) => (/^[A-Za-z_]/.test(text) ? text : undefined), // operator methods (`==`, `[]`) are not looked for by name
  },
};

/** The language ids that have a grammar here: the rest use regex extraction. */
export const TREE_SITTER_LANGUAGES = Object.keys(TAGS);
