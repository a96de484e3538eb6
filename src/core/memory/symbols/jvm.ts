// Java, C#, Kotlin and Swift type declarations.
import { byLineRegex, type SymbolExtractor } from './list';

/** Java: top-level (column 0) classes, interfaces, enums, records and annotation types. */
export const javaSymbols: SymbolExtractor = byLineRegex(
  /^(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:(?:public|protected|private|abstract|static|final|sealed|non-sealed|strictfp)\s+)*(?:class|interface|enum|record|@interface)\s+([A-Za-z_$][\w$]*)/,
);

/**
 * C#: classes, interfaces, structs, enums and records declared at column 0 (file-scoped
 * namespace) or one level in (inside a `namespace { }` block).
 */
export const csharpSymbols: SymbolExtractor = byLineRegex(
  /^(?:\t| {0,4})(?:\[[^\]]*\]\s*)*(?:(?:public|internal|protected|private|abstract|static|sealed|partial|readonly|unsafe|new|file|ref)\s+)*(?:class|interface|struct|enum|record(?:\s+(?:struct|class))?)\s+([A-Za-z_]\w*)/,
);

const KOTLIN_MODIFIERS =
  '(?:(?:public|private|internal|protected|open|abstract|sealed|data|enum|annotation|inline|value|inner|expect|actual|suspend|tailrec|operator|infix|external)\\s+)*';

/**
 * Kotlin: top-level classes, interfaces, objects, type aliases and functions. An
 * extension function `fun String.shout()` yields `shout`.
 */
export const kotlinSymbols: SymbolExtractor = byLineRegex(
  new RegExp(`^${KOTLIN_MODIFIERS}(?:fun\\s+interface|class|interface|object|typealias)\\s+([A-Za-z_]\\w*)`),
  new RegExp(`^${KOTLIN_MODIFIERS}fun\\s+(?:<[^>]*>\\s*)?(?:[\\w.<>?, ]+\\.)?([A-Za-z_]\\w*)\\s*\\(`),
);

/** Swift: top-level functions, classes, structs, enums, protocols, actors and type aliases. */
export const swiftSymbols: SymbolExtractor = byLineRegex(
  /^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|private|fileprivate|internal|open|final|indirect)\s+)*(?:func|class|struct|enum|protocol|actor|typealias)\s+([A-Za-z_]\w*)/,
);
