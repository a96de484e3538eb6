// A one-line summary of a file: its own statement of purpose. A module docstring, a leading file
// comment (licence, authorship and tool lines skipped), a Go package comment, a JSDoc @file/@module
// block, a document's first paragraph under its title (Markdown, rst, AsciiDoc), a Perl module's NAME line. Never the doc
// comment of the first declaration nor boilerplate such as "Module dependencies.": a file without a
// statement of purpose has no summary.
import { asciidocSummary, markdownSummary, podSummary, rstSummary } from './docSummary';
import { makeTargets } from './symbols/markup';

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
    'ignore', 'elixir', 'julia', 'graphql', 'terraform', 'hcl', 'ini', 'properties', 'tcl',
  ].map((l) => [l, 'hash'] as const),
  ...['sql', 'lua', 'haskell'].map((l) => [l, 'dash'] as const),
]);

/** Lines before the leading comment that are not code: shebangs, `<?php`, `'use strict'`, encoding and tool pragmas. */
const PREAMBLE = /^(?:#!|<\?php\b|['"]use [\w ]+['"];?$|#\s*-\*-.*-\*-$|#\s*[\w-]+\s*[:=]\s*\S+$|#\s*vim?:)/;
/** C-family languages, whose headers open with an include guard, includes and forward declarations. */
const C_FAMILY = new Set(['c', 'cpp', 'objective-c', 'objective-cpp']);
/** A line of a C file's opening that is not its code yet: an include, `#pragma once`, a forward declaration. */
const C_PREAMBLE = /^(?:#\s*(?:include|import)\s*[<"]|#\s*pragma\s+once\b|(?:struct|union|enum|class)\s+\w+\s*;$)/;
/**
 * A C macro or conditional (not `#ifdef __cplusplus`), a prototype, a global's declaration, or a
 * function's return type on a line of its own (GNU style): a comment right above one is about it. A
 * comment above a struct is not taken for the struct's: in a header it is most often the file's main
 * type and its purpose (`tree_node is a generic binary search tree.`, reftable/tree.h).
 */
const C_DECLARATION = /^(?:#\s*(?:define|undef|if(?!def\s+__cplusplus\b)|ifdef(?!\s+__cplusplus\b)|ifndef)\b|(?:(?:static|extern|inline|const|unsigned|signed)\s+)*\w+[\s*]*$|(?:extern\s+)?\w+(?:\s+\w+)*[\s*]+\w+\s*(?:\(.*\)|\[.*\])?\s*;$)/;
/** `#ifndef NAME` / `#if !defined(NAME)`: an include guard when `#define NAME` follows. */
const GUARD_OPEN = /^#\s*(?:ifndef\s+(\w+)|if\s+!\s*defined\s*\(?\s*(\w+)\s*\)?)\s*$/;

/** Comment lines that talk to tools, not readers. */
const DIRECTIVE =
  /^(?:eslint|jshint|globals?\s+[\w$]+\s*(?:[:,]|$)|prettier-|@ts-|go:|\+build|nolint|istanbul|tslint:|biome-|#?region\b|#?endregion\b|<reference|shellcheck|pylint:|noqa|fmt:|@flow|@jsx|type:\s|cspell:)/i;
/** Lines that credit or license, never describe: dropped from a paragraph. */
const CREDIT_LINE =
  /copyright\b|\(c\)\s*\d|spdx-license-identifier|all rights reserved|^(?:original(?:ly)? )?(?:author|written|contributed|maintainer|modified|created|developed|maintained by)\b|^new maintainer|^this file is part of|^[\w.-]+@[\w.-]+$|^version \d|^\$(?:id|revision|date)\b|\bby [^<>]{2,60}<[\w.+-]+@[\w.-]+>/i;
/** A name and an address on a line of their own, years first perhaps (`2007, Petr Baudis <pasky@suse.cz>`): case matters. */
const CREDIT_NAME = /^(?:\d{4}(?:\s*[-,]\s*\d{4})*,?\s+)?\p{Lu}[\p{L}'.-]*(?:\s+\p{Lu}[\p{L}'.-]*){1,3}\s*<[\w.+-]+@[\w.-]+>,?$/u;
/**
 * A work and its author on a line of their own (`LibXDiff by Davide Libenzi ( File Differential
 * Library )`, `Module-Build by Ken Williams`): the work is a name as code writes one (an inner
 * capital, a dot or a hyphen), not a word of a sentence (`Sorting by Last Name`). Case matters.
 */
const BYLINE = /^(?:[\w+]*[a-z\d][A-Z][\w.+-]*|[\w+]+[.-][\w.+-]*) by \p{Lu}[\p{L}'.-]+(?: \p{Lu}[\p{L}'.-]+){1,3}\s*(?:\(.*\))?$/u;
const isCredit = (t: string): boolean => CREDIT_LINE.test(t) || CREDIT_NAME.test(t) || BYLINE.test(t);
/** A line of names only (`Thomas Nguy, Khoi Nguyen`, `Grenoble INP Ensimag`): after a credit, more of it. */
// Words are separated (`[\s,]+`), so a failing line is rejected in linear time (no two ways to split a word).
const NAMES_LINE = /^(?:\p{Lu}[\p{L}.'-]*|and|of|de|van|von|der)(?:[\s,]+(?:\p{Lu}[\p{L}.'-]*|and|of|de|van|von|der))*,?$/u;
/** A paragraph that is a licence text. */
const LICENSE = /\blicen[cs](?:e|ed|ing)\b|permission is hereby granted|free software|warrant|redistribut|the above copyright|applicable law|\bwithout fee\b|\bin all copies\b|substantial portions of the software|conditions and the following disclaimer|\bneither the name of\b|\bexcept as contained in this notice\b|\bunder the terms of\b|\bin no event\b|\bprocurement of substitute goods\b|^(?:l?gpl|agpl)\b[\s-]*v?\d|\bsee (?:the )?(?:included |accompanying |enclosed )?(?:file )?(?:copying|license)\b/i;
/**
 * A paragraph that is only a name (`clock.tcl --`, `zlib.h:`, `Overview`): the file naming itself or
 * a heading, never its purpose. As the first line of a longer paragraph only a file name (with an
 * extension: `mock.py` above `Test tools for mocking…`) is dropped: a lone word there starts a sentence.
 */
const LONE_NAME = /^[\w.:/-]+\s*(?:--|:|-)?$/;
const FILE_NAME_LINE = /^[\w-]+(?:\.[\w-]+)+\s*(?:--|:|-)?$/;
/** An editor's modeline (`-*- tcl -*-`) anywhere in a comment line: for the editor, not the reader. */
const MODELINE = /-\*-.+-\*-/;
/** Comments that name a section of code, not the file's purpose. */
const BOILERPLATE = /^(?:module (?:dependencies|exports)|dependencies|imports?|requires?|constants?|globals?|variables?|private|public api|exports?|helpers?|utils?|types?|polyfills?|todo\b.*|fixme\b.*)\.?$/i;
/** Doc-comment tags that document a declaration, and ones that document the file. */
const DECLARATION_TAG = /^@(?:param|returns?|throws|private|public|protected|api|type|typedef|callback|constructor|class|function|method|memberof|see|example|deprecated|template)\b/;
const FILE_TAG = /@(?:file|fileoverview|overview|module|packagedocumentation|license)\b/i;
/** A line that declares something (as opposed to imports, requires, directives and package clauses). */
const DECLARATION =
  /^(?:export\s+(?!\*|\{)|(?:async\s+)?function\b|class\b|(?:abstract|final|public|private|protected|static)\s|interface\b|type\s+\w+\s*=|enum\b|(?:const|let|var)\s+(?![\w$]+\s*=\s*require\()[\w${}[\], ]+\s*=|def\s|sub\s|[\w$.]+\s*=\s*(?:function|async|\()|module\.exports\s*=|[\w$]+\.prototype\.|(?:static\s+|extern\s+)?[\w*\s]+\s+\**\w+\s*\([^;]*$)/;
/** Languages where a type's doc comment is the file's, one public type per file by convention. */
const TYPE_PER_FILE = new Set(['java', 'csharp', 'kotlin', 'swift', 'scala', 'dart', 'groovy', 'objective-c', 'objective-cpp']);

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
    const bracket = /^#\[(=*)\[/.exec(t); // CMake bracket comment: #[==[ ... ]==]
    if (bracket) return delimited(lines, i, /^#\[=*\[/, `]${bracket[1]}]`);
    return lineComment(lines, i, /^#+\s?/);
  } else if (style === 'dash' && t.startsWith('--')) {
    return lineComment(lines, i, /^--+\s?/);
  }
  const doc = python ? /^[rRuU]?("""|''')/.exec(t) : null;
  if (doc?.[1]) return delimited(lines, i, /^[rRuU]?("""|''')/, doc[1]);
  return undefined;
}

/** The paragraphs of a comment's text, each as one line, credits, tool directives and headings dropped. */
function paragraphs(text: readonly string[]): string[] {
  const out: string[] = [];
  let kept: string[] = [];
  let length = 0;
  /** Whether the paragraph so far held a credit: what follows it there is more of the credit. */
  let credited = false;
  /** The paragraph's last credit line (found once per paragraph, at its first credit): -1 before. */
  let lastCredit = -1;
  /** Whether a line of the paragraph, kept or not, is a licence's. */
  let licensed = false;
  const end = (): void => {
    if (kept.length > 0 && !licensed) out.push(kept.join(' ').replace(XML_DOC_TAG, '').replace(/\s+/g, ' ').trim());
    kept = [];
    length = 0;
    credited = licensed = false;
    lastCredit = -1;
  };
  for (let i = 0; i < text.length; i++) {
    let t = (text[i] ?? '').trim();
    if (DIRECTIVE.test(t) || MODELINE.test(t)) continue;
    // JSDoc's `@file` / `@fileOverview` text is the file's description (`@fileOverview Datetime
    // manipulation`), read like any other line (a credit or a licence there is still one).
    const fileTag = /^@(?:file|fileoverview|overview)\b\s*(.*)$/i.exec(t);
    if (fileTag?.[1] && kept.length === 0 && out.length === 0) t = fileTag[1].trim();
    if (t.startsWith('@') || t.startsWith(':param') || /^[A-Z][a-z]+:$/.test(t)) {
      end();
      break; // tags and docstring sections
    }
    // An underlined title (reStructuredText in docstrings and CMake's bracket comments) is no paragraph.
    if (/[\p{L}\p{N}]/u.test(t) && /^([-=~^*#+])\1{2,}$/.test((text[i + 1] ?? '').trim())) {
      end();
      if (/\s/.test(t)) out.push(t); // a title that says something is a paragraph of its own; a lone name is not
      i++;
      continue;
    }
    if (/^\[=*\[/.test(t)) continue;
    if (isCredit(t)) {
      if (!credited) lastCredit = lastCreditLine(text, i);
      credited = true;
      // A credit that goes on (`Copyright 2009-2013, Daniel Lemire, Cliff Moon,` / `David McIntosh, …`): its next line too.
      for (;;) {
        const next = (text[i + 1] ?? '').trim();
        if (!/[\p{L}\p{N}]/u.test(next) || !(/(?:,|\band)$/.test((text[i] ?? '').trim()) || NAMES_LINE.test(next))) break;
        i++;
      }
      continue;
    }
    if (!/[\p{L}\p{N}]/u.test(t)) {
      end(); // a blank or a rule ends the paragraph
      continue;
    }
    // Between credits, or in parentheses under one: what a contributor did (`(originally part of the
    // GNU C Library)`, `Conversion to RCU list.` before the next copyright line).
    if (credited && (/^\(.*\)$/.test(t) || i < lastCredit)) continue;
    // A licence word past the summary's length still makes the paragraph a licence.
    if (LICENSE.test(t)) licensed = true;
    if (length > MAX_SUMMARY_LENGTH) continue; // enough to fill the summary
    if (kept.length === 0 && FILE_NAME_LINE.test(t)) continue; // see LONE_NAME
    kept.push(t);
    length += t.length + 1;
  }
  end();
  return out;
}

/** The last credit line of the paragraph holding line `from` (a credit): one pass to the paragraph's end. */
function lastCreditLine(text: readonly string[], from: number): number {
  let last = from;
  for (let j = from + 1; j < text.length; j++) {
    const t = (text[j] ?? '').trim();
    if (!/[\p{L}\p{N}]/u.test(t)) break;
    if (isCredit(t)) last = j;
  }
  return last;
}

/** The first paragraph that states something: not a licence, not boilerplate, not a lone name or title. */
function purpose(text: readonly string[]): string {
  for (const p of paragraphs(text)) {
    if (LICENSE.test(p) || BOILERPLATE.test(p)) continue;
    if (LONE_NAME.test(p)) continue;
    return p;
  }
  return '';
}

/** Whether a comment ending before line `end` documents the declaration that follows it. */
function documentsDeclaration(lines: readonly string[], block: Block, language: string, afterCode: boolean): boolean {
  const all = block.text.join('\n');
  if (FILE_TAG.test(all)) return false;
  if (block.text.some((t) => DECLARATION_TAG.test(t.trim()))) return true;
  if (TYPE_PER_FILE.has(language)) return false;
  const next = (lines[block.end] ?? '').trim();
  // In C, a comment past the file's opening (its include guard, includes) right above a macro, a
  // prototype or a global is about that; the file's first comment above `#define _GNU_SOURCE` is not.
  // In a Makefile, a comment right above a rule is the rule's (`# The default target of this Makefile is...` above `all::`).
  const declares = DECLARATION.test(next) || (afterCode && C_FAMILY.has(language) && cDeclaration(lines, block.end)) || (language === 'makefile' && makeTargets(lines[block.end] ?? '').length > 0);
  if (!declares) return false;
  // A banner (a rule line) marks a file comment even right above the code.
  return !block.text.some((t) => /^([-=*#/~])\1{3,}$/.test(t.trim()));
}

export function truncate(text: string, max = MAX_SUMMARY_LENGTH): string {
  return text.length <= max ? text : text.slice(0, max - 1).trimEnd() + '…';
}

/**
 * A file's summary (see the file header), '' when it has none. At most MAX_SUMMARY_LENGTH
 * characters, on one line.
 */
export function extractSummary(language: string, lines: readonly string[]): string {
  if (language === 'markdown' || language === 'mdx') return truncate(markdownSummary(lines));
  if (language === 'restructuredtext') return truncate(rstSummary(lines));
  if (language === 'asciidoc') return truncate(asciidocSummary(lines));
  if (language === 'perl') {
    const pod = podSummary(lines);
    if (pod) return truncate(pod);
  }
  const style = STYLES[language];
  if (!style) return '';
  const python = language === 'python';
  // A test script: shell, or Sharness's `*.t` (Perl by its extension, sh by its first line).
  const shell = language === 'shellscript' || /^#!\s*\S*\b(?:env\s+)?(?:ba|da|k|z)?sh\b/.test(lines[0] ?? '');
  const doc = python ? pythonDocstring(lines) : shell ? testDescription(lines) : '';
  if (doc) return truncate(doc);
  const limit = Math.min(lines.length, SCAN_LINES);
  const cFamily = C_FAMILY.has(language);
  /** Whether a C file's opening (include guard, includes, forward declarations) was passed over. */
  let afterCode = false;
  for (let i = 0; i < limit; ) {
    const t = (lines[i] ?? '').trim();
    if (t === '' || PREAMBLE.test(t) || (style === 'slash' && t.startsWith('#!['))) {
      i++;
      continue;
    }
    const skip = !cFamily ? 0 : C_PREAMBLE.test(t) ? 1 : includeGuard(lines, i);
    if (skip > 0) {
      afterCode = true;
      i += skip;
      continue;
    }
    const block = commentAt(lines, i, style, python);
    if (!block) return '';
    if (documentsDeclaration(lines, block, language, afterCode)) return '';
    const text = purpose(block.text);
    if (text) return truncate(text);
    i = block.end;
  }
  return '';
}

/** Whether line `i` of a C file declares something (see C_DECLARATION) other than an include guard. */
function cDeclaration(lines: readonly string[], i: number): boolean {
  return C_DECLARATION.test((lines[i] ?? '').trim()) && includeGuard(lines, i) === 0;
}

/** The lines an include guard opening at `i` takes (`#ifndef NAME`, then `#define NAME`), 0 when there is none. */
function includeGuard(lines: readonly string[], i: number): number {
  const m = GUARD_OPEN.exec((lines[i] ?? '').trim());
  const name = m?.[1] ?? m?.[2];
  if (!name) return 0;
  let j = i + 1;
  while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
  return new RegExp(`^#\\s*define\\s+${name}\\b`).test((lines[j] ?? '').trim()) ? j + 1 - i : 0;
}

/**
 * A test script's `test_description='…'` (git's test suite and Sharness, which the projects built on
 * it share): its first paragraph. Only at the top level, before the first test.
 */
function testDescription(lines: readonly string[]): string {
  for (let i = 0; i < Math.min(lines.length, SCAN_LINES); i++) {
    const m = /^test_description=(['"])(.*)$/.exec(lines[i] ?? '');
    if (!m) {
      if (/^test_expect_/.test(lines[i] ?? '')) return '';
      continue;
    }
    const quote = m[1] as string;
    // The shell's ways of writing the quote inside: `'\''` in single quotes, `\"` in double ones.
    const inner = quote === "'" ? /'\\''/g : /\\"/g;
    const unquote = (l: string): string => l.replace(inner, '\uE000');
    const text: string[] = [];
    let rest = unquote(m[2] as string);
    for (let j = i + 1; ; j++) {
      const end = rest.indexOf(quote);
      if (end >= 0) {
        text.push(rest.slice(0, end));
        break;
      }
      text.push(rest);
      if (j >= lines.length || j > i + SCAN_LINES) return '';
      rest = unquote(lines[j] ?? '');
    }
    return purpose(text.map((l) => l.replace(/\uE000/g, quote)));
  }
  return '';
}

/** A Python module docstring: the first statement, after comments and blank lines. */
function pythonDocstring(lines: readonly string[]): string {
  for (let i = 0; i < Math.min(lines.length, SCAN_LINES); i++) {
    const t = (lines[i] ?? '').trim();
    if (t === '' || t.startsWith('#')) continue;
    const doc = /^[rRuU]?("""|''')/.exec(t);
    if (!doc?.[1]) return '';
    return purpose(delimited(lines, i, /^[rRuU]?("""|''')/, doc[1]).text);
  }
  return '';
}
