// AsciiDoc: section titles (`= Title`, `== Section`, … and two-line titles underlined with `=-~^+`),
// read outside delimited blocks (listing `----`, literal `....`, example `====`, sidebar `****`,
// quote `____`, passthrough `++++`, comment `////`, open `--`, tables `|===`, fenced code) and
// outside comments, as Asciidoctor reads them. The summary reader (../docSummary) walks the same lines.
import { type SymbolExtractor, SymbolList } from './list';

/** `== Title`, `=== Title ===` (Asciidoctor also takes Markdown's `##`); the text must follow a space. */
const ATX = /^(={1,6}|#{1,6})[ \t]+(\S.*?)(?:[ \t]+\1)?[ \t]*$/;
/** A block delimiter line: four or more of one character, `--`, a table, a Markdown fence. */
const DELIMITER = /^(?:(-{4,}|\.{4,}|={4,}|\*{4,}|_{4,}|\+{4,}|\/{4,})|(--)|([|,:!]={3,})|(`{3,})[^`]*)[ \t]*$/;
/** Two-line title underline characters, level 0 to 4. */
const UNDERLINE = /^([=~^+-])\1+[ \t]*$/;

export type AsciidocLine =
  | { kind: 'title'; text: string; level: number; at: number; end: number }
  | { kind: 'text'; text: string; at: number }
  | { kind: 'blank'; at: number }
  | { kind: 'block'; at: number; end: number };

/** The closing line of a delimited block opened by `open`: the same delimiter, or a ``` fence. */
function closes(open: string, line: string): boolean {
  const t = line.trimEnd();
  return open.startsWith('```') ? /^`{3,}$/.test(t) && t.length >= open.replace(/[^`].*$/, '').length : t === open;
}

/** A line that can be a two-line title's text: not a block attribute, block title, comment, list or macro. */
function titleCandidate(line: string): boolean {
  return /^[\p{L}\p{N}_"'`*]/u.test(line) && !/^\S+::/.test(line) && !/^(?:\*|-)\s/.test(line);
}

/**
 * The lines of an AsciiDoc document as its reader sees them: titles, text lines, blank lines, and
 * delimited blocks and comments as one opaque item each.
 */
export function* asciidocLines(lines: readonly string[]): Generator<AsciidocLine> {
  let blockStart = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      blockStart = true;
      yield { kind: 'blank', at: i };
      continue;
    }
    const d = DELIMITER.exec(line);
    if (d) {
      const open = line.trimEnd();
      let j = i + 1;
      while (j < lines.length && !closes(open, lines[j] ?? '')) j++;
      yield { kind: 'block', at: i, end: Math.min(j, lines.length - 1) };
      i = j;
      blockStart = true;
      continue;
    }
    if (line.startsWith('//')) continue; // a line comment (`////` blocks are delimiters above)
    const atx = ATX.exec(line);
    if (atx?.[1] && atx[2]) {
      yield { kind: 'title', text: atx[2], level: atx[1].length - 1, at: i, end: i };
      blockStart = true;
      continue;
    }
    const under = lines[i + 1];
    if (blockStart && under !== undefined && titleCandidate(line) && UNDERLINE.test(under)) {
      const text = line.trim();
      const width = under.trimEnd().length;
      // Asciidoctor: the underline is as long as the title, give or take one character.
      if (width >= 2 && Math.abs(width - [...text].length) <= 1) {
        yield { kind: 'title', text, level: '=-~^+'.indexOf(under[0] ?? '='), at: i, end: i + 1 };
        i++;
        blockStart = true;
        continue;
      }
    }
    blockStart = false;
    yield { kind: 'text', text: line, at: i };
  }
}

/** Title text as a reader sees it: no inline code ticks, emphasis marks, anchors or link targets. */
export function plainAsciidoc(text: string): string {
  return text
    .replace(/[\uE000-\uE07F]/g, '')
    // A backslash keeps markup from being read (`graph-\{hash\}`, `\*literal*`): the character is set
    // aside (as a private-use one) until the markup is gone.
    .replace(/\\([{}*_`#+[\]<])/g, (_m, c: string) => String.fromCharCode(0xe000 + c.charCodeAt(0)))
    .replace(/\[\[[^\]]*\]\]/g, '')
    .replace(/<<([^,>]+)(?:,\s*([^>]+))?>>/g, (_m, id: string, label?: string) => label ?? id)
    .replace(/\b(?:image|icon):[^\s[]*\[[^\]]*\]/g, '')
    .replace(/\b(?:link|mailto|xref|kbd|btn|menu|footnote|pass):([^\s[]*)\[([^\]]*)\]/g, (_m, target: string, label: string) => label || target)
    .replace(/((?:https?|ftp|irc):\/\/[^\s[]+)\[([^\]]*)\]/g, (_m, url: string, label: string) => label || url)
    .replace(/\{[\w-]+\}\[([^\]]*)\]/g, '$1')
    .replace(/\[[\w.#%-]*\]#([^#]+)#/g, '$1')
    .replace(/"`([^`]*)`"|'`([^`]*)`'/g, (_m, a?: string, b?: string) => a ?? b ?? '')
    .replace(/([*_`#+]{1,2})([^\s*_`#+](?:[^*_`#+]*[^\s*_`#+])?)\1/g, '$2')
    // Escaped characters back as themselves, without their backslash.
    .replace(/[\uE000-\uE07F]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xe000))
    .replace(/\s+/g, ' ')
    .trim();
}

export const asciidocSymbols: SymbolExtractor = (lines, out) => {
  for (const l of asciidocLines(lines)) {
    if (out.full) return;
    if (l.kind === 'title') out.add(plainAsciidoc(l.text));
  }
};

/** The first title of an AsciiDoc text, or ''. */
export function firstAsciidocTitle(lines: readonly string[]): string {
  const one = new SymbolList(1);
  asciidocSymbols(lines, one);
  return one.names[0] ?? '';
}
