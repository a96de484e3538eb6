// Which symbol extractor reads which language.
import { asciidocSymbols } from './asciidoc';
import { csharpSymbols, javaSymbols, kotlinSymbols, swiftSymbols } from './jvm';
import { afterLeadingComments, type SymbolExtractor, SymbolList } from './list';
import { makefileSymbols, markdownSymbols, sqlSymbols } from './markup';
import { phpSymbols, pythonSymbols, rubySymbols, shellSymbols } from './scripting';
import { cSymbols, goSymbols, rustSymbols } from './systems';
import { cmakeSymbols, perlSymbols, rstSymbols, tclSymbols } from './regexOnly';
import { typescriptSymbols } from './typescript';

export { MAX_SYMBOLS, SymbolList } from './list';
export { firstMarkdownHeading } from './markup';
export { asciidocLines, plainAsciidoc } from './asciidoc';

// The line-by-line readers of `/* … */` languages also read the code after a comment ending on its
// line (C's reader follows its comments itself).
const typescript = afterLeadingComments(typescriptSymbols);

const EXTRACTORS: Readonly<Record<string, SymbolExtractor>> = {
  typescript,
  typescriptreact: typescript,
  javascript: typescript,
  javascriptreact: typescript,
  python: pythonSymbols,
  go: afterLeadingComments(goSymbols),
  rust: afterLeadingComments(rustSymbols),
  java: afterLeadingComments(javaSymbols),
  csharp: afterLeadingComments(csharpSymbols, true),
  kotlin: afterLeadingComments(kotlinSymbols),
  swift: afterLeadingComments(swiftSymbols),
  c: cSymbols,
  cpp: cSymbols,
  'objective-c': cSymbols,
  'objective-cpp': cSymbols,
  ruby: rubySymbols,
  php: afterLeadingComments(phpSymbols, true),
  markdown: markdownSymbols,
  mdx: markdownSymbols,
  shellscript: shellSymbols,
  makefile: makefileSymbols,
  sql: sqlSymbols,
  perl: perlSymbols,
  restructuredtext: rstSymbols,
  asciidoc: asciidocSymbols,
  cmake: cmakeSymbols,
  tcl: tclSymbols,
};

/** Top-level definition names of a file in `language`, in order, de-duplicated, at most MAX_SYMBOLS. */
export function extractSymbols(language: string, lines: readonly string[]): string[] {
  const extractor = EXTRACTORS[language];
  if (!extractor) return [];
  const out = new SymbolList();
  extractor(lines, out);
  return out.names;
}
