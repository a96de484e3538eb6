// Markdown, AsciiDoc, shell, Makefile and SQL facts, and the edges of summaries and symbol lists.
import assert from 'node:assert/strict';
import { extractFacts, loadMemoryParsers, MAX_SUMMARY_LENGTH, MAX_SYMBOLS } from '../../src/core/memory';
import { facts, type Case } from './support/memoryCases';

const enc = new TextEncoder();

const cases: Case[] = [
  {
    name: 'Markdown README with front matter, fences and setext headings',
    path: 'README.md',
    source: `---
title: Not a heading
---
Project Sync
============

A live history of any branch.

## Getting **started**

\`\`\`bash
# not a heading
echo hi
\`\`\`

~~~~
## still code
~~~~

### The [memory](docs/memory.md) ###
Troubleshooting
---------------
#hashtag is not a heading
    # indented code is not a heading either
`,
    symbols: ['Project Sync', 'Getting started', 'The memory', 'Troubleshooting'],
    // The first paragraph under the title states the purpose; the title only names the project.
    summary: 'A live history of any branch.',
  },
  {
    name: 'Markdown without headings',
    path: 'docs/notes.markdown',
    source: 'Just some notes.\n\n- a list\n',
    symbols: [],
    summary: '',
  },
  {
    name: 'AsciiDoc with a header, delimited blocks and a two-line title',
    path: 'docs/guide.adoc',
    source: `= Project Sync Guide
Ada Lovelace <ada@example.org>
v1.2, 2026-01-01
:url-home: https://example.org/sync
:product: Project Sync
// a comment, not a paragraph

image:https://img.shields.io/badge/ci-passing-green.svg[CI]

{url-home}[{product}] keeps a *live* history of any branch.
It runs in \`VS Code\`.

== Getting Started

[source,asciidoc]
----
= Not A Title
== Not a section either
----

....
== literal, not a title
....

[NOTE]
====
== inside an example block
====

////
== commented out
////

\`\`\`
== fenced, not a title
\`\`\`

 == an indented literal line

=== Configuring _memory_ ===

Troubleshooting
---------------
`,
    symbols: ['Project Sync Guide', 'Getting Started', 'Configuring memory', 'Troubleshooting'],
    // The first paragraph under the title, past the header and a row of badges, attributes resolved.
    summary: 'Project Sync keeps a live history of any branch. It runs in VS Code.',
  },
  {
    name: 'shell script',
    path: 'scripts/release.sh',
    source: `#!/usr/bin/env bash
# shellcheck disable=SC2086
# Build and publish a release.
set -euo pipefail

build() {
  npm run build
}
function publish {
  vsce publish
}
function clean() { rm -rf dist; }
  nested() { :; }
build
`,
    symbols: ['build', 'publish', 'clean'],
    summary: 'Build and publish a release.',
  },
  {
    name: 'Makefile',
    path: 'Makefile',
    source: `# Developer tasks.
.PHONY: all test
CC := gcc
all: build test
build: src/main.c
\tgcc -o app src/main.c
%.o: %.c
\t$(CC) -c $<
test::
\t./run-tests
git.sp git.s git.o: EXTRA_CPPFLAGS = -DGIT_HTML_PATH
debug: override CFLAGS += -g
posix ::= value
foo: VAR :::= 1
`,
    symbols: ['all', 'build', 'test'],
    summary: 'Developer tasks.',
  },
  {
    name: 'SQL migration',
    path: 'db/001_init.sql',
    source: `-- Initial schema for syncs.
CREATE TABLE IF NOT EXISTS "syncs" (id TEXT PRIMARY KEY);
create unique index syncs_by_branch on syncs(branch);
CREATE OR REPLACE VIEW active_entries AS SELECT 1;
`,
    symbols: ['syncs', 'syncs_by_branch', 'active_entries'],
    summary: 'Initial schema for syncs.',
  },
  {
    name: 'YAML gets a summary from its leading comment and no symbols',
    path: '.github/workflows/ci.yml',
    source: '# Continuous integration: lint, test, package.\nname: CI\non: [push]\n',
    symbols: [],
    summary: 'Continuous integration: lint, test, package.',
  },
  {
    name: 'JSON has neither',
    path: 'package.json',
    source: '{\n  "name": "x"\n}\n',
    symbols: [],
    summary: '',
  },
  {
    name: 'a decorative banner and eslint directive around the real comment',
    path: 'src/a.ts',
    source: `/* eslint-disable no-console */
// ===========================
// Helpers for the status bar.
// ===========================
// More detail after the rule.
export function show() {}
`,
    symbols: ['show'],
    summary: 'Helpers for the status bar.',
  },
  {
    name: 'a Python raw docstring after a licence comment',
    path: 'pkg/__init__.py',
    source: `# Licensed under the Apache License, Version 2.0.
r'''Package entry point.'''
`,
    symbols: [],
    summary: 'Package entry point.',
  },
];

describe('memory: markup, scripts and summaries', () => {
  before(() => loadMemoryParsers());
  for (const c of cases) {
    it(c.name, () => {
      const f = facts(c.path, c.source);
      assert.deepEqual(f.symbols, c.symbols);
      assert.equal(f.summary, c.summary);
    });
  }

  it('shows an AsciiDoc heading without the backslashes that keep its markup from being read (git: commit-graph.adoc)', () => {
    const text = '= Git Commit-Graph Design Notes\n\n== Deleting graph-\\{hash\\} files\n\n== A \\*literal* star\n';
    const f = extractFacts({ path: 'Documentation/technical/commit-graph.adoc', blobSha: 'a'.repeat(40), mode: '100644', size: null, content: enc.encode(text), maxFileSize: 1_000_000 }, { parsers: false });
    assert.deepEqual(f?.symbols, ['Git Commit-Graph Design Notes', 'Deleting graph-{hash} files', 'A *literal* star']);
  });

  it("reads an rst summary as a reader sees it: roles, references and links without markup, a line opening with a role kept (flask's docs)", () => {
    const summary = (path: string, text: string) =>
      extractFacts({ path, blobSha: 'a'.repeat(40), mode: '100644', size: null, content: enc.encode(text), maxFileSize: 1_000_000 }, { parsers: false })?.summary;
    const logging = `Logging
=======

Flask uses standard Python :mod:\`logging\`. Messages are logged with
:meth:\`app.logger <flask.Flask.logger>\`, as the :class:\`~flask.Flask\` class
says. Gunicorn_ and \`Click\`_ and \`the docs <https://example.org>\`_ are
maintained.__ Use \`\`__init__\`\` and :doc:\`installation\`.

.. _Gunicorn: https://gunicorn.org/
`;
    assert.equal(
      summary('docs/logging.rst', logging),
      'Flask uses standard Python logging. Messages are logged with app.logger, as the Flask class says. Gunicorn and Click and the docs are maintained. Use __init__ and installation.',
    );
    const context = `The App and Request Context
===========================

The context keeps track of data during a request. Rather than passing it to every function, the
:data:\`.current_app\` and :data:\`.g\` proxies are accessed instead.

:param x: a field list ends the paragraph
`;
    // A literal block's `::` line is no paragraph; a name that begins with `_` keeps its underscores.
    assert.equal(summary('x.rst', 'Title\n=====\n\n::\n\n    code\n\nReal text about __init__ and Click_.\n'), 'Real text about __init__ and Click.');
    assert.equal(summary('docs/appcontext.rst', context), 'The context keeps track of data during a request. Rather than passing it to every function, the .current_app and .g proxies are accessed instead.');
  });

  it('keeps a summary on one line and cuts it at the limit with an ellipsis', () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`);
    const source = `/**\n * ${words.slice(0, 40).join(' ')}\n * ${words.slice(40).join(' ')}\n */\n\nexport const x = 1;\n`;
    const { summary } = facts('long.ts', source);
    assert.equal(summary.length, MAX_SUMMARY_LENGTH);
    assert.ok(summary.endsWith('…'));
    assert.ok(summary.startsWith('word0 word1 word2'));
    assert.ok(!summary.includes('\n'));
  });

  it('caps symbols at MAX_SYMBOLS, keeping the first ones in order', () => {
    const source = Array.from({ length: MAX_SYMBOLS + 50 }, (_, i) => `export function f${i}() {}`).join('\n');
    const { symbols } = facts('many.ts', source);
    assert.equal(symbols.length, MAX_SYMBOLS);
    assert.equal(symbols[0], 'f0');
    assert.equal(symbols[MAX_SYMBOLS - 1], `f${MAX_SYMBOLS - 1}`);
  });

  it('lists a name defined twice once, where it first appears', () => {
    const { symbols } = facts('overloads.ts', 'export function parse(a: string): number;\nexport function parse(a: number): number;\nexport class Parser {}\nexport function parse(a: unknown) {}\n');
    assert.deepEqual(symbols, ['parse', 'Parser']);
  });

  it('keeps a # that belongs to the heading text and drops a closing sequence', () => {
    assert.deepEqual(facts('notes.md', '# Notes on C#\n## Build ##\n####### seven is not a heading\n#\n').symbols, ['Notes on C#', 'Build']);
  });

  it("never takes the first declaration's doc comment or boilerplate for the file's summary", () => {
    const express = "/*!\n * express\n * Copyright(c) 2009-2013 TJ Holowaychuk\n * MIT Licensed\n */\n\n'use strict';\n\n/**\n * Module dependencies.\n * @private\n */\n\nvar debug = require('debug');\n";
    assert.equal(facts('lib/response.js', express).summary, '');
    assert.equal(facts('lib/a.ts', '/** Parses a config file. */\nexport function parseConfig() {}\n').summary, '');
    assert.equal(facts('lib/b.ts', '/**\n * Parses config files.\n * @module config\n */\nexport function parseConfig() {}\n').summary, 'Parses config files.');
    assert.equal(facts('lib/c.py', '# Author: Someone <a@b.c>\n"""Configuration file parser."""\nimport os\n').summary, 'Configuration file parser.');
    const tldr = '# tar\n\n> Archiving utility.\n> Often combined with a compression method.\n\n- Create an archive:\n';
    assert.equal(facts('pages/common/tar.md', tldr).summary, 'Archiving utility. Often combined with a compression method.');
    const octopus = '#!/bin/sh\n#\n# Copyright (c) 2005 Junio C Hamano\n#\n# Resolve two or more trees.\n#\n. git-sh-setup\n';
    assert.equal(facts('git-merge-octopus', octopus).summary, 'Resolve two or more trees.');
  });

  it('skips data lines (a minified bundle) but still counts them', () => {
    const minified = 'var a=function(b){return b},c=(d)=>d;'.repeat(20_000);
    const f = facts('dist/app.min.js', `/*! app v1 */\n${minified}\nfunction tail() {}\n`);
    assert.equal(f.lines, 3);
    assert.deepEqual(f.symbols, ['tail']);
    assert.equal(f.summary, 'app v1');
  });

  it('reads CRLF files and a UTF-8 byte-order mark the same as LF files', () => {
    const lf = '// Größe of things.\n\nexport function größe() {}\n';
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(lf.replace(/\n/g, '\r\n'))]);
    const crlf = extractFacts({ path: 'a.ts', blobSha: 'c'.repeat(40), mode: '100644', size: bom.length, content: bom, maxFileSize: 1000 });
    const plain = facts('a.ts', lf);
    assert.deepEqual(crlf, { ...plain, blobSha: 'c'.repeat(40) });
    assert.equal(plain.summary, 'Größe of things.');
  });
});
