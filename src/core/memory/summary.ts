// A one-line summary of a file: its first Markdown heading, or its leading doc comment.
import { firstMarkdownHeading } from './symbols';

export const MAX_SUMMARY_LENGTH = 200;
/** Only the top of a file can hold its leading comment. */
const SCAN_LINES = 200;

type Style = 'slash' | 'hash' | 'dash';

const STYLES: Readonly<Record<string, Style>> = Object.fromEntries([
  ...[
    'typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'go', 'rust', 'java', 'csharp', 'kotlin', 'swift',
    'c', 'cpp', 'objective-c', 'objective-cpp', 'php', 'scala', 'groovy', 'dart', 'css', 'scss', 'less', 'jsonc', 'json5', 'proto3',
  ].map((l) => [l, 'slash'] as const),
  ...[
    'python', 'ruby', 'shellscript', 'yaml', 'toml', 'dockerfile', 'makefile', 'perl', 'r', 'powershell', 'cmake', 'dotenv',
    'ignore', 'elixir', 'julia', 'graphql', 'terraform', 'hcl', 'ini', 'properties',
  ].map((l) => [l, 'hash'] as const),
  ...['sql', 'lua', 'haskell'].map((l) => [l, 'dash'] as const),
]);

/** Lines before the leading comment that are not code: shebangs, `<?php`, `'use strict'`, encoding and tool pragmas. */
const PREAMBLE = /^(?:#!|<\?php\b|['"]use [\w ]+['"];?$|#\s*-\*-.*-\*-$|#\s*[\w-]+\s*[:=]\s*\S+$|#\s*vim?:)/;
/** Comment lines that talk to tools, not readers. */
const DIRECTIVE =
  /^(?:eslint|jshint|globals?\s+[\w$]+\s*(?:[:,]|$)|prettier-|@ts-|go:|\+build|nolint|istanbul|tslint:|biome-|#?region\b|#?endregion\b|<reference|shellcheck|pylint:|noqa|fmt:|@flow|@jsx|type:\s|cspell:)/i;
const LICENSE = /copyright\b|\(c\)\s*\d|spdx-license-identifier|licensed under|all rights reserved|permission is hereby granted/i;

const XML_DOC_TAG = /<\/?(?:summary|remarks|para|returns)>/g;

interface Block {
  text: string[];
  end: number;
}

function lineComment(lines: readonly string[], i: number, prefix: RegExp): Block {
  const text: string[] = [];
  let j = i;
  for (; j < lines.length; j++) {
    const t = (lines[j] ?? '').trim();
    const m = prefix.exec(t);
    if (!m) break;
    text.push(t.slice(m[0].length));
  }
  return { text, end: j };
}

/** A delimited comment (`/* *\/`, `"""`): its inner lines, leading `*` gutters removed. */
function delimited(lines: readonly string[], i: number, open: RegExp, close: string): Block {
  const text: string[] = [];
  for (let j = i; j < lines.length; j++) {
    let t = (lines[j] ?? '').trim();
    if (j === i) t = t.replace(open, '');
    else if (close === '*/') t = t.replace(/^\*+(?!\/)\s?/, '');
    const at = t.indexOf(close);
    if (at >= 0) {
      text.push(t.slice(0, at));
      return { text, end: j + 1 };
    }
    text.push(t);
  }
  return { text, end: lines.length };
}

function commentAt(lines: readonly string[], i: number, style: Style, python: boolean): Block | undefined {
  const t = (lines[i] ?? '').trimStart();
  if (style === 'slash') {
    if (t.startsWith('/*')) return delimited(lines, i, /^\/\*+!?\s?/, '*/');
    if (t.startsWith('//')) return lineComment(lines, i, /^\/\/[/!]*\s?/);
  } else if (style === 'hash' && t.startsWith('#')) {
    return lineComment(lines, i, /^#+\s?/);
  } else if (style === 'dash' && t.startsWith('--')) {
    return lineComment(lines, i, /^--+\s?/);
  }
  const doc = python ? /^[rRuU]?("""|''')/.exec(t) : null;
  if (doc?.[1]) return delimited(lines, i, /^[rRuU]?("""|''')/, doc[1]);
  return undefined;
}

/** The first paragraph of a comment's text as one line, or '' when it says nothing to a reader. */
function paragraph(text: readonly string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const raw of text) {
    const t = raw.trim();
    if (DIRECTIVE.test(t)) continue;
    if (t.startsWith('@') || t.startsWith(':param') || /^[A-Z][a-z]+:$/.test(t)) break; // tags and docstring sections
    if (!/[\p{L}\p{N}]/u.test(t)) {
      if (kept.length > 0) break; // a blank or a rule (`=====`) ends the paragraph
      continue;
    }
    kept.push(t);
    length += t.length + 1;
    if (length > MAX_SUMMARY_LENGTH) break; // enough to fill the summary
  }
  // C# XML doc: keep the words, drop the <summary>-style wrapper tags.
  return kept.join(' ').replace(XML_DOC_TAG, '').replace(/\s+/g, ' ').trim();
}

export function truncate(text: string, max = MAX_SUMMARY_LENGTH): string {
  return text.length <= max ? text : text.slice(0, max - 1).trimEnd() + '…';
}

/**
 * A file's summary: the first heading for Markdown; otherwise the first paragraph of
 * the leading comment (before any code), skipping licence headers and tool directives;
 * '' when there is none. At most MAX_SUMMARY_LENGTH characters, on one line.
 */
export function extractSummary(language: string, lines: readonly string[]): string {
  if (language === 'markdown' || language === 'mdx') return truncate(firstMarkdownHeading(lines).replace(/\s+/g, ' '));
  const style = STYLES[language];
  if (!style) return '';
  const limit = Math.min(lines.length, SCAN_LINES);
  for (let i = 0; i < limit; ) {
    const t = (lines[i] ?? '').trim();
    if (t === '' || PREAMBLE.test(t) || (style === 'slash' && t.startsWith('#!['))) {
      i++;
      continue;
    }
    const block = commentAt(lines, i, style, language === 'python');
    if (!block) return '';
    const text = paragraph(block.text);
    if (text && !LICENSE.test(block.text.join(' '))) return truncate(text);
    i = block.end;
  }
  return '';
}
