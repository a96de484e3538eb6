// Language ids, content classification, line counts, and what is indexed without content.
import assert from 'node:assert/strict';
import { classifyContent, extractFacts, languageOf } from '../../src/core/memory';
import type { FileMode } from '../../src/core/types';

const enc = new TextEncoder();
const SHA = 'd'.repeat(40);
const LFS = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';

describe('memory: languageOf', () => {
  const table: [string, string][] = [
    ['src/extension.ts', 'typescript'],
    ['src/types.d.ts', 'typescript'],
    ['lib/index.MTS', 'typescript'],
    ['webview/App.tsx', 'typescriptreact'],
    ['esbuild.mjs', 'javascript'],
    ['a/B.JSX', 'javascriptreact'],
    ['tools/run.py', 'python'],
    ['main.go', 'go'],
    ['src/lib.rs', 'rust'],
    ['Main.java', 'java'],
    ['Program.cs', 'csharp'],
    ['build.gradle.kts', 'kotlin'],
    ['list.c', 'c'],
    ['list.h', 'cpp'],
    ['store.cc', 'cpp'],
    ['app.rb', 'ruby'],
    ['Gemfile', 'ruby'],
    ['index.php', 'php'],
    ['README.md', 'markdown'],
    ['data.json', 'json'],
    ['package.json', 'json'],
    ['tsconfig.json', 'jsonc'],
    ['tsconfig.build.json', 'jsonc'],
    ['.vscode/settings.json', 'jsonc'],
    ['config/settings.json', 'json'],
    ['ci.yml', 'yaml'],
    ['Cargo.toml', 'toml'],
    ['pom.xml', 'xml'],
    ['index.html', 'html'],
    ['style.css', 'css'],
    ['theme.scss', 'scss'],
    ['scripts/release.sh', 'shellscript'],
    ['.bashrc', 'shellscript'],
    ['Dockerfile', 'dockerfile'],
    ['docker/Dockerfile.dev', 'dockerfile'],
    ['app.dockerfile', 'dockerfile'],
    ['Makefile', 'makefile'],
    ['GNUmakefile', 'makefile'],
    ['rules.mk', 'makefile'],
    ['schema.sql', 'sql'],
    ['docs/guide.adoc', 'asciidoc'],
    ['README.asciidoc', 'asciidoc'],
    // The AsciiDoc extension claims `.asc` (Linguist would say AGS Script).
    ['manual.asc', 'asciidoc'],
    ['App.swift', 'swift'],
    ['.gitignore', 'ignore'],
    ['sub/.dockerignore', 'ignore'],
    ['CMakeLists.txt', 'cmake'],
    ['go.mod', 'go.mod'],
    ['notes.txt', 'plaintext'],
    ['LICENSE', 'plaintext'],
    ['bin/tool', 'plaintext'],
    ['archive.unknownext', 'plaintext'],
    ['.env.local', 'dotenv'],
  ];
  for (const [path, language] of table) {
    it(`${path} -> ${language}`, () => assert.equal(languageOf(path), language));
  }

  // Past VS Code's own associations: Linguist's table, then the first line (`#!` interpreter, modeline).
  const more: [string, string, string][] = [
    ['views/page.hbs', '', 'handlebars'],
    ['views/page.ejs', '', 'html'],
    ['lib/clock.tcl', '', 'tcl'],
    ['docs/guide.adoc', '', 'asciidoc'],
    ['git-send-email.perl', '', 'perl'],
    ['t/basic.t', '', 'perl'],
    ['GIT-VERSION-GEN', '#!/bin/sh', 'shellscript'],
    ['bin/tool', '#!/usr/bin/env -S node --no-warnings', 'javascript'],
    ['bin/lsb_release', '#!/usr/bin/python3.11 -Es', 'python'],
    ['git-add--interactive', '#!/usr/bin/perl', 'perl'],
    ['Rakefile.local', '# -*- mode: ruby -*-', 'ruby'],
    ['notes.txt', '#!/bin/sh', 'plaintext'],
    ['bin/unknown', '#!/opt/nothing-known', 'plaintext'],
  ];
  for (const [path, first, language] of more) {
    it(`${path} (${first || 'no first line'}) -> ${language}`, () => assert.equal(languageOf(path, first), language));
  }
});

describe('memory: classifyContent', () => {
  it('calls ordinary UTF-8 text text', () => {
    assert.equal(classifyContent(enc.encode('héllo\n'), 100).kind, 'text');
  });
  it('calls a NUL in the first 8 KB binary, and one after 8 KB text', () => {
    const early = enc.encode('abc\0def');
    const late = new Uint8Array(9000).fill(0x61);
    late[8500] = 0;
    assert.equal(classifyContent(early, 1_000_000).kind, 'binary');
    assert.equal(classifyContent(late, 1_000_000).kind, 'text');
  });
  it('calls content over maxFileSize oversized, and exactly maxFileSize text', () => {
    const bytes = new Uint8Array(1000).fill(0x61);
    assert.equal(classifyContent(bytes, 999).kind, 'oversized');
    assert.equal(classifyContent(bytes, 1000).kind, 'text');
  });
  it('recognises an LFS pointer, but not a large file that starts like one', () => {
    assert.equal(classifyContent(enc.encode(LFS), 1_000_000).kind, 'lfs-pointer');
    assert.equal(classifyContent(enc.encode(LFS + 'x'.repeat(1100)), 1_000_000).kind, 'text');
    assert.equal(classifyContent(enc.encode('version https://example.com\n'), 1_000_000).kind, 'text');
  });
  it('calls the empty file text', () => {
    assert.equal(classifyContent(new Uint8Array(0), 10).kind, 'text');
  });
});

function facts(text: string | Uint8Array, over: { path?: string; mode?: FileMode; size?: number | null; maxFileSize?: number } = {}) {
  const content = typeof text === 'string' ? enc.encode(text) : text;
  return extractFacts({ path: over.path ?? 'f.txt', blobSha: SHA, mode: over.mode ?? '100644', size: over.size ?? content.length, content, maxFileSize: over.maxFileSize ?? 1_000_000 });
}

describe('memory: line counting', () => {
  const table: [string, string, number][] = [
    ['empty file', '', 0],
    ['one line without newline', 'a', 1],
    ['one line with newline', 'a\n', 1],
    ['last line without newline', 'a\nb', 2],
    ['a lone newline', '\n', 1],
    ['trailing blank line', 'a\n\n', 2],
    ['CRLF', 'a\r\nb\r\n', 2],
    ['CRLF, last line open', 'a\r\nb', 2],
    ['old Mac CR', 'a\rb\r', 2],
  ];
  for (const [name, text, lines] of table) {
    it(`${name}: ${lines}`, () => assert.equal(facts(text)?.lines, lines));
  }
});

describe('memory: extractFacts', () => {
  it('gives the facts of a text file, its path and blob sha kept', () => {
    assert.deepEqual(facts('# Title\ntext\n', { path: 'docs/a.md', mode: '100755' }), {
      path: 'docs/a.md',
      blobSha: SHA,
      language: 'markdown',
      lines: 2,
      symbols: ['Title'],
      summary: 'text',
    });
  });
  it('indexes symlinks and submodules without content', () => {
    assert.equal(facts('target/path', { mode: '120000', path: 'link.ts' }), undefined);
    assert.equal(extractFacts({ path: 'vendor/lib', blobSha: SHA, mode: '160000', size: null, maxFileSize: 100 }), undefined);
  });
  it('indexes binary, oversized and LFS-pointer blobs without content', () => {
    assert.equal(facts(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]), { path: 'logo.png' }), undefined);
    assert.equal(facts('x'.repeat(101), { path: 'big.ts', maxFileSize: 100 }), undefined);
    assert.equal(facts(LFS, { path: 'model.bin' }), undefined);
  });
  it('trusts a declared size over the cap even before reading bytes', () => {
    assert.equal(facts('small', { size: 5_000_000 }), undefined);
  });
  it('has nothing to say without content', () => {
    assert.equal(extractFacts({ path: 'a.ts', blobSha: SHA, mode: '100644', size: 10, maxFileSize: 100 }), undefined);
  });
  it('tolerates invalid UTF-8 instead of failing', () => {
    const f = facts(new Uint8Array([0x2f, 0x2f, 0x20, 0xff, 0x41, 0x0a, 0x78]), { path: 'x.go' });
    assert.equal(f?.lines, 2);
    assert.equal(f?.summary, '\ufffdA');
  });
});
