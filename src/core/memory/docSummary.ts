// Summaries of prose files: the first paragraph or blockquote under a Markdown, reStructuredText or
// AsciiDoc title, and a Perl module's POD NAME line. A document without a title has no summary.
import { asciidocLines, firstMarkdownHeading, plainAsciidoc } from './symbols';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RST_ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}\s*$/;

/** Markdown inline markup as a reader sees it: no images, badges, link targets, emphasis or code ticks. */
function plainMarkdown(text: string): string {
  // Most prose lines hold no markup at all: only the whitespace is normalised.
  if (!/[[<*_`]/.test(text)) return text.replace(/\s+/g, ' ').trim();
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[*_`]{1,3}([^*_`]+)[*_`]{1,3}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A paragraph line that says something: not a heading, list, table, badge, HTML or link-only line. */
function proseLine(line: string): string | undefined {
  const t = line.trim();
  if (!t || /^(?:#|[-*+]\s|\d+\.\s|\||<|!\[|\[!\[|```|~~~|---|===)/.test(t)) return undefined;
  const plain = plainMarkdown(t.replace(/^>\s?/, ''));
  return /[\p{L}]{2,}/u.test(plain) ? plain : undefined;
}

/** The first paragraph (or blockquote) of a Markdown file that has a title, within its first 60 lines. */
export function markdownSummary(lines: readonly string[]): string {
  const title = firstMarkdownHeading(lines);
  if (!title) return '';
  let fence = false;
  let headings = 0;
  const kept: string[] = [];
  let start = 0;
  if (lines[0]?.trim() === '---') {
    // YAML front matter
    const close = lines.findIndex((l, i) => i > 0 && /^(?:---|\.\.\.)\s*$/.test(l));
    start = close > 0 ? close + 1 : 0;
  }
  for (let i = start; i < Math.min(lines.length, start + 60); i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      fence = !fence;
      continue;
    }
    if (fence) continue;
    const setextTitle = /^ {0,3}(=+|-+)\s*$/.test(lines[i + 1] ?? '') && line.trim() !== '';
    if (setextTitle || /^ {0,3}#/.test(line)) {
      if (kept.length > 0 || ++headings > 1) break; // only what stands under the title
      if (setextTitle) i++;
      continue;
    }
    const prose = proseLine(line);
    if (prose && prose !== title) kept.push(prose);
    else if (kept.length > 0) break;
  }
  if (kept.length > 0) return kept.join(' ');
  // A man-page style title states the purpose itself: `semver(1) -- The semantic versioner for npm`.
  return / --? (.+)$/.exec(title)?.[1]?.trim() ?? '';
}

/** The first paragraph under a reStructuredText title (directives, headings and indented blocks skipped). */
export function rstSummary(lines: readonly string[]): string {
  let titled = false;
  const kept: string[] = [];
  for (let i = 0; i < Math.min(lines.length, 80); i++) {
    const line = lines[i] ?? '';
    const t = line.trim();
    if (RST_ADORNMENT.test(line)) continue;
    if (t && RST_ADORNMENT.test(lines[i + 1] ?? '')) {
      if (kept.length > 0) break;
      titled = true;
      i++;
      continue;
    }
    // A field list (`:param x:`), not a line that opens with a role (`:data:`g` is …`).
    if (!t || /^\s/.test(line) || t.startsWith('..') || t.startsWith('::') || /^:[^:`]+:(?:\s|$)/.test(t)) {
      if (kept.length > 0) break;
      continue;
    }
    if (titled) kept.push(t);
  }
  return plainRst(kept.join(' '));
}

/**
 * reStructuredText inline markup as a reader sees it: ``literals``, roles (`:doc:`installation``,
 * `:meth:`app.logger <flask.Flask.logger>`` → app.logger, `:class:`~flask.Flask`` → Flask),
 * references (`` `Click`_ ``, `` `the docs <https://…>`_ ``, `Gunicorn_`, `maintained.__`).
 */
export function plainRst(text: string): string {
  // Literals are kept aside while references are unmarked: `` `__init__` `` stays as written.
  const literals: string[] = [];
  return text
    .replace(/\uE000/g, '')
    .replace(/``([^`]+)``/g, (_, literal: string) => `\uE000${literals.push(literal) - 1}\uE000`)
    .replace(/:[\w:+-]+:`([^`<]+?)\s*<[^>`]*>`/g, '$1')
    .replace(/:[\w:+-]+:`~([^`]+)`/g, (_, target: string) => target.split('.').pop() ?? target)
    .replace(/:[\w:+-]+:`([^`]+)`/g, '$1')
    .replace(/`([^`<]+?)\s*<[^>`]*>`_{0,2}/g, '$1')
    .replace(/`([^`]+)`_{0,2}/g, '$1')
    // `Gunicorn_`, `mod_wsgi-express_`, `maintained.__`; never a name that begins with `_` (`__init__`).
    .replace(/(^|[\s(])([A-Za-z0-9][^\s`]*?[A-Za-z0-9.])__?(?=[\s,.;:!?)\]]|$)/g, '$1$2')
    .replace(/\uE000(\d+)\uE000/g, (_, n: string) => literals[Number(n)] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Perl: `=head1 NAME` / `Module::Name - what it does` in the POD. */
export function podSummary(lines: readonly string[]): string {
  for (let i = 0; i < lines.length; i++) {
    if (!/^=head1\s+NAME\b/.test(lines[i] ?? '')) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
      const m = /^\S+\s+-+\s+(.+)$/.exec((lines[j] ?? '').trim());
      if (m?.[1]) return m[1].trim();
    }
  }
  return '';
}

/** Asciidoctor's built-in character attributes that turn up in prose. */
const ASCIIDOC_BUILTIN: Readonly<Record<string, string>> = {
  pp: '++', cpp: 'C++', nbsp: ' ', sp: ' ', empty: '', zwsp: '', vbar: '|', amp: '&', lt: '<', gt: '>', plus: '+', startsb: '[', endsb: ']', apos: "'", quot: '"',
};
/** `:name: value` (and `:name!:` / `:!name:`, which unset). */
const ASCIIDOC_ATTRIBUTE = /^:(!?)(\w[\w-]*)(!?):(?:[ \t]+(.*))?$/;
/** Lines that open something other than a prose paragraph: lists, admonitions, description lists, indented literals, tables. */
const ASCIIDOC_NOT_PROSE = /^(?:\s|[*.-]+\s|\d+\.\s|[a-zA-Z]\.\s|(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION):\s|.*?:{2,4}(?:\s|$)|\|)/;
/** Lines that belong to the structure, not to a paragraph: block attributes and anchors, block titles, directives, block macros, breaks. */
const ASCIIDOC_STRUCTURE = /^(?:\[.*\]$|\.[^\s.]|(?:ifn?def|ifeval|endif|include)::|\w+::\S*\[.*\]$|<<<|'''|---$)/;

/**
 * The first paragraph under an AsciiDoc document's title: past the header (author and revision
 * lines, attribute entries, comments, conditionals), block attributes and titles, with attribute
 * references resolved and inline markup as a reader sees it. Lists, admonitions, literal paragraphs
 * and delimited blocks are not the summary.
 */
export function asciidocSummary(lines: readonly string[]): string {
  const manpage = manpageName(lines);
  if (manpage) return manpage;
  const attrs = new Map<string, string>(Object.entries(ASCIIDOC_BUILTIN));
  let titles = 0;
  let header = false;
  let skipping = false;
  let kept: string[] = [];
  // A paragraph that says nothing once its markup is gone (a row of badge images) is passed over.
  const said = (): string => {
    let text = kept.join(' ');
    kept = [];
    for (let pass = 0; pass < 3 && text.includes('{'); pass++) text = text.replace(/\{(\w[\w-]*)\}/g, (ref, name: string) => attrs.get(name) ?? ref);
    const plain = plainAsciidoc(text);
    return /\p{L}{2,}/u.test(plain) ? plain : '';
  };
  for (const l of asciidocLines(lines.slice(0, 300))) {
    if (l.kind === 'title') {
      if (kept.length > 0 || ++titles > 1) break; // only what stands under the title
      header = l.level === 0; // the document header runs to the first blank line
      continue;
    }
    if (l.kind !== 'text') {
      if (kept.length > 0) {
        const summary = said();
        if (summary) return summary;
      }
      header = skipping = false;
      continue;
    }
    const t = l.text.trimEnd();
    const attr = ASCIIDOC_ATTRIBUTE.exec(t);
    if (attr?.[2]) {
      if (attr[1] || attr[3]) attrs.delete(attr[2]);
      else attrs.set(attr[2], attr[4] ?? '');
      continue;
    }
    if (titles === 0 || header || skipping) continue;
    if (ASCIIDOC_STRUCTURE.test(t)) {
      if (kept.length > 0) {
        const summary = said();
        if (summary) return summary;
      }
      // A style that makes the next block code or a notice: `[source,ruby]`, `[NOTE]`, `[literal]`.
      skipping = /^\[(?:source|listing|literal|NOTE|TIP|IMPORTANT|WARNING|CAUTION|comment|pass|stem|verse)\b/.test(t);
      continue;
    }
    if (kept.length === 0 && ASCIIDOC_NOT_PROSE.test(t)) {
      skipping = true;
      continue;
    }
    kept.push(t.replace(/ \+$/, ''));
  }
  return kept.length > 0 ? said() : '';
}

/**
 * A manual page's purpose: AsciiDoc's manpage doctype opens with a NAME section holding
 * `name - purpose` (`git-commit - Record changes to the repository`); '' for any other document.
 */
function manpageName(lines: readonly string[]): string {
  let titles = 0;
  let named = false;
  /** The document header: the lines right under the title, to the first blank one. */
  let header = false;
  for (const l of asciidocLines(lines.slice(0, 60))) {
    if (l.kind === 'title') {
      if (++titles > 2 || (titles === 1 && l.level !== 0)) return '';
      named = titles === 2 && /^name$/i.test(l.text.trim());
      if (titles === 2 && !named) return '';
      header = titles === 1;
      continue;
    }
    if (l.kind === 'blank') header = false;
    if (l.kind !== 'text') continue;
    // Prose before a NAME section: not a manual page (its header and attribute entries are).
    if (!named) {
      if (header || ASCIIDOC_ATTRIBUTE.test(l.text.trimEnd())) continue;
      return '';
    }
    const m = /^[\w.+-]+(?:\s*,\s*[\w.+-]+)*\s+-{1,2}\s+(\S.*)$/.exec(l.text.trim());
    return m?.[1] ? plainAsciidoc(m[1]) : '';
  }
  return '';
}
