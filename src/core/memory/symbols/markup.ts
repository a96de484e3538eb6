// Markdown headings, Makefile targets and SQL definitions.
import { type SymbolExtractor, SymbolList } from './list';

const ATX = /^ {0,3}#{1,6}(?:[ \t]+(.*))?$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const PARAGRAPH = /^ {0,3}[^\s>#*+\-|`~<]/;

/** ATX heading text without its optional closing `#`s (which must follow a space). */
function atxText(raw: string): string {
  const text = raw.trimEnd();
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 35 /* # */) end--;
  if (end === 0) return '';
  const before = text.charCodeAt(end - 1);
  return end < text.length && (before === 32 || before === 9) ? text.slice(0, end) : text;
}

/** Heading text without inline code ticks, emphasis markers or link targets. */
function cleanHeading(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]{1,3}([^`*_]+)[`*_]{1,3}/g, '$1')
    .trim();
}

/** Where the body starts: after a `---` YAML front matter block when the file opens with one. */
function bodyStart(lines: readonly string[]): number {
  if (lines[0]?.trim() !== '---') return 0;
  for (let i = 1; i < lines.length; i++) if (/^(?:---|\.\.\.)\s*$/.test(lines[i] ?? '')) return i + 1;
  return 0;
}

/** ATX (`# Title`) and setext (`Title` over `===`/`---`) headings, outside fenced code and front matter. */
export const markdownSymbols: SymbolExtractor = (lines, out) => {
  let fence = '';
  // A setext heading's text must start a block: after a blank line, a heading, a fence or the front matter.
  let blockStart = true;
  for (let i = bodyStart(lines); i < lines.length && !out.full; i++) {
    const line = lines[i] ?? '';
    const f = FENCE.exec(line);
    if (fence) {
      if (f?.[1] && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = '';
      blockStart = fence === '';
      continue;
    }
    if (f?.[1]) {
      fence = f[1];
      continue;
    }
    const atx = ATX.exec(line);
    const next = lines[i + 1];
    if (atx) {
      out.add(cleanHeading(atxText(atx[1] ?? '')));
    } else if (next !== undefined && blockStart && PARAGRAPH.test(line) && SETEXT.test(next)) {
      out.add(cleanHeading(line));
      i++;
    } else {
      blockStart = line.trim() === '';
      continue;
    }
    blockStart = true;
  }
};

/** The first heading of a Markdown text, or ''. */
export function firstMarkdownHeading(lines: readonly string[]): string {
  const one = new SymbolList(1);
  markdownSymbols(lines, one);
  return one.names[0] ?? '';
}

/** What follows a target's colon when the line is a target-specific variable (`VAR = …`, `override VAR += …`). */
const TARGET_VARIABLE = /^[ \t]*(?:(?:override|export|private|unexport)[ \t]+)*[A-Za-z_][\w.-]*[ \t]*(?::::|::|[:+?!])?=/;
const MAKE_RULE = /^([A-Za-z0-9_][\w./-]*(?:[ \t]+[A-Za-z0-9_][\w./-]*)*)[ \t]*::?(?![:=])/;

/** The explicit targets a Makefile line defines a rule for (pattern rules, variables and `.SPECIAL` targets are not); none when it defines no rule. */
export function makeTargets(line: string): string[] {
  const m = MAKE_RULE.exec(line);
  // `git.o git.s: EXTRA_CPPFLAGS = …` sets a variable for those targets: it defines no rule.
  return m?.[1] && !TARGET_VARIABLE.test(line.slice(m[0].length)) ? m[1].split(/[ \t]+/) : [];
}

/** Makefile: explicit targets (see makeTargets). */
export const makefileSymbols: SymbolExtractor = (lines, out) => {
  for (const line of lines) {
    if (out.full) return;
    for (const target of makeTargets(line)) out.add(target);
  }
};

const SQL_CREATE =
  /^\s*create\s+(?:or\s+replace\s+)?(?:(?:temp|temporary|unique|materialized)\s+)*(?:table|view|function|procedure|index|type|trigger|schema|sequence)\s+(?:if\s+not\s+exists\s+)?([\w."`[\]]+)/i;

/** SQL: the names of created tables, views, functions, procedures, indexes, types, triggers, without a schema qualifier. */
export const sqlSymbols: SymbolExtractor = (lines, out) => {
  for (const line of lines) {
    if (out.full) return;
    const m = SQL_CREATE.exec(line);
    if (m?.[1]) out.add(m[1].replace(/["`[\]]/g, '').split('.').pop());
  }
};
