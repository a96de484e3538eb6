// Summaries of prose files: the first paragraph or blockquote under a Markdown or reStructuredText
// title, and a Perl module's POD NAME line. A document without a title has no summary.
import { firstMarkdownHeading } from './symbols';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RST_ADORNMENT = /^([!-/:-@[-`{-~])\1{2,}\s*$/;

/** Markdown inline markup as a reader sees it: no images, badges, link targets, emphasis or code ticks. */
function plainMarkdown(text: string): string {
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
    if (!t || /^\s/.test(line) || t.startsWith('..') || t.startsWith(':')) {
      if (kept.length > 0) break;
      continue;
    }
    if (titled) kept.push(t);
  }
  return kept.join(' ').replace(/``?([^`]+)``?/g, '$1').replace(/:\w+:`([^`]+)`/g, '$1').replace(/\s+/g, ' ');
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
