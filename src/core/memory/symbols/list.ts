// The ordered, de-duplicated, capped list every symbol extractor writes into.

/** A file yields at most this many symbols: enough for search, bounded for storage. */
export const MAX_SYMBOLS = 200;

export class SymbolList {
  private readonly seen = new Set<string>();
  readonly names: string[] = [];

  constructor(private readonly max = MAX_SYMBOLS) {}

  /** Add a name unless empty, already present, or the list is full. */
  add(name: string | undefined): void {
    if (!name || this.names.length >= this.max || this.seen.has(name)) return;
    this.seen.add(name);
    this.names.push(name);
  }

  get full(): boolean {
    return this.names.length >= this.max;
  }
}

/** Reads the lines of one file and adds its top-level definitions, in order. */
export type SymbolExtractor = (lines: readonly string[], out: SymbolList) => void;

/** Run one regex per line; the first capture group that matched is the name. */
export function byLineRegex(...patterns: RegExp[]): SymbolExtractor {
  return (lines, out) => {
    for (const line of lines) {
      if (out.full) return;
      for (const re of patterns) {
        const m = re.exec(line);
        if (m) {
          out.add(firstGroup(m));
          break;
        }
      }
    }
  };
}

export function firstGroup(m: RegExpExecArray): string | undefined {
  for (let i = 1; i < m.length; i++) if (m[i]) return m[i];
  return undefined;
}

/** Block comments closed at the start of a line (`/* … *\/ `), or the end of one (`*\/ `, ` *\/ `). */
const LEADING_COMMENT = /^(?:(?:\/\*.*?\*\/\s*)+| ?\*\/\s*(?:\/\*.*?\*\/\s*)*)(?=\S)/;
/** The same after any indentation, which is kept (group 1). */
const INDENTED_LEADING_COMMENT = /^([ \t]*)(?:(?:\/\*.*?\*\/\s*)+| ?\*\/\s*(?:\/\*.*?\*\/\s*)*)(?=\S)/;

/**
 * For the languages of `/* … *\/` comments read line by line: the code after a comment that ends on
 * its line is read as a line of its own. At column 0 (`indented` false: readers of column 0) when
 * the comment started there (`/* internal *\/ export function f()`) or the line closes one opened
 * there (`*\/ class A {` or ` *\/ class A {` after a `/**` at column 0); with `indented` (readers of
 * declarations at any or some indentation: PHP, C#) at the comment's indentation. Other lines are
 * read as they are.
 */
export function afterLeadingComments(extractor: SymbolExtractor, indented = false): SymbolExtractor {
  const strip = indented ? (l: string) => l.replace(INDENTED_LEADING_COMMENT, '$1') : (l: string) => l.replace(LEADING_COMMENT, '');
  return (lines, out) => {
    if (!lines.some((l) => l.includes('*/'))) return extractor(lines, out);
    extractor(
      lines.map((l) => (l.includes('*/') ? strip(l) : l)),
      out,
    );
  };
}
