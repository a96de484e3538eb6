// Symbols and summary per programming language, from realistic snippets.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extractFacts, loadMemoryParsers } from '../../src/core/memory';
import { parseBudget, parseSymbols } from '../../src/core/memory/parsers';
import { facts, type Case } from './support/memoryCases';

const cases: Case[] = [
  {
    name: 'TypeScript module',
    path: 'src/core/sync.ts',
    source: `/**
 * The sync pipeline: resolve, fetch, diff, index, save.
 * Each phase yields progress events.
 * @module sync
 */
import * as z from 'zod';

export interface SyncRequest {
  branch: string;
}
export type SyncResult = { ok: boolean };
export enum Phase { Resolving, Done }
export const enum Flag { A }
export async function* runSync(req: SyncRequest) {
  const inner = () => 1;
  function helper() {}
}
export default function startSync() {}
export abstract class BaseRunner {
  run(): void {}
}
class Internal {}
const toWire = (r: SyncResult): string => JSON.stringify(r);
const withTypes: Handler = async (req, res) => {};
const loadLater = async (
  id: string,
) => id;
export const DEFAULT_BRANCH = 'main';
const notAFunction = (1 + 2) * 3;
let counter = 0;
export { toWire as serialise, Internal };
export {
  helperA,
  helperB as renamed,
  type Hidden,
} from './helpers';
export * from './other';
declare namespace NodeJS {}
export default class extends BaseRunner {}
`,
    symbols: [
      'SyncRequest', 'SyncResult', 'Phase', 'Flag', 'runSync', 'startSync', 'BaseRunner', 'Internal', 'toWire', 'withTypes',
      'loadLater', 'DEFAULT_BRANCH', 'serialise', 'helperA', 'renamed', 'Hidden', 'NodeJS',
    ],
    summary: 'The sync pipeline: resolve, fetch, diff, index, save. Each phase yields progress events.',
  },
  {
    name: 'JavaScript (CommonJS) after a shebang and use strict',
    path: 'bin/cli.cjs',
    source: `#!/usr/bin/env node
'use strict';
// Command-line entry point for the project-sync tool.

const path = require('path');
function main(argv) {}
exports.parseArgs = function (argv) {};
module.exports.VERSION = '1.0';
`,
    symbols: ['main', 'parseArgs', 'VERSION'],
    summary: 'Command-line entry point for the project-sync tool.',
  },
  {
    name: 'TSX component with a licence header',
    path: 'webview/App.TSX',
    source: `// Copyright (c) 2024 Example Corp. All rights reserved.
// Licensed under the MIT License.

/** The sidebar's root component. */
import React from 'react';
export const App = () => <div />;
export function useSyncState() {}
`,
    symbols: ['App', 'useSyncState'],
    summary: "The sidebar's root component.",
  },
  {
    name: 'Python module',
    path: 'tools/indexer.py',
    source: `#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Build a search index of the repository.

Longer description that is not part of the summary.
"""
import os

class Indexer(object):
    def add(self, path):
        pass

    class Nested:
        pass

def build_index(root):
    def inner():
        pass

async def fetch_all(urls):
    pass

MAX = 10
`,
    symbols: ['Indexer', 'build_index', 'fetch_all', 'MAX'],
    summary: 'Build a search index of the repository.',
  },
  {
    name: 'Go package',
    path: 'server/server.go',
    source: `//go:build linux

// Package server runs the HTTP API.
package server

import "net/http"

type Server struct {
	addr string
}

type (
	Handler func(w http.ResponseWriter)
	Option  interface {
		apply(*Server)
	}
)

func New(addr string) *Server {
	return &Server{addr: addr}
}

func (s *Server) Start() error { return nil }
func (Stack[T]) Push(v T) {}
func (l List) Len() int { return 0 }
`,
    symbols: ['Server', 'Handler', 'Option', 'New', 'Server.Start', 'Stack.Push', 'List.Len'],
    summary: 'Package server runs the HTTP API.',
  },
  {
    name: 'Rust crate',
    path: 'src/lib.rs',
    source: `//! Parsing and validation of sync records.
//! Second line of crate docs.

use std::fmt;

pub struct Record {
    id: String,
}

pub(crate) enum Kind { Sync, Restore }
pub trait Store {
    fn load(&self) -> Record;
}
impl Record {
    pub fn new() -> Self { todo!() }
}
pub async fn fetch() {}
pub unsafe extern "C" fn ffi_entry() {}
const fn limit() -> u32 { 3 }
mod tests;
pub type Result<T> = std::result::Result<T, Error>;
macro_rules! ensure { () => {} }
`,
    symbols: ['Record', 'Kind', 'Store', 'fetch', 'ffi_entry', 'limit', 'tests', 'Result', 'ensure'],
    summary: 'Parsing and validation of sync records. Second line of crate docs.',
  },
  {
    name: 'Java class with a licence, package and Javadoc',
    path: 'src/main/java/com/example/SyncService.java',
    source: `/*
 * Copyright 2023 Example
 */
package com.example;

/** Not leading: code came first. */
@Service
public final class SyncService {
    private static class Cache {}
    public void run() {}
}
interface Listener {}
public enum Status { OK }
public record Point(int x, int y) {}
public @interface Audited {}
`,
    symbols: ['SyncService', 'Listener', 'Status', 'Point', 'Audited'],
    summary: '',
  },
  {
    name: 'C# in a namespace block',
    path: 'Sync/Engine.cs',
    source: `/// <summary>Sync engine entry points.</summary>
using System;

namespace Sync
{
    public sealed partial class Engine
    {
        private class Hidden {}
        public void Run() {}
    }

    internal interface IStore {}
    public readonly record struct Range(int Start, int End);
    public enum Mode { Fast }
    [Serializable] public struct Snapshot {}
}
`,
    symbols: ['Engine', 'IStore', 'Range', 'Mode', 'Snapshot'],
    summary: 'Sync engine entry points.',
  },
  {
    name: 'Kotlin file',
    path: 'app/src/Main.kt',
    source: `package app

data class User(val name: String)
sealed interface Event
object Registry {
    fun lookup() {}
}
enum class Color { RED }
fun main(args: Array<String>) {}
suspend fun load(): User = TODO()
fun String.shout() = uppercase()
fun <T> List<T>.second(): T = this[1]
typealias Users = List<User>
`,
    symbols: ['User', 'Event', 'Registry', 'Color', 'main', 'load', 'shout', 'second', 'Users'],
    summary: '',
  },
  {
    // With a parser: top-level properties, annotated declarations and `fun interface` are found;
    // declarations inside comments and strings are not.
    name: 'Kotlin with top-level properties, annotations and code in comments',
    path: 'app/src/Settings.kt',
    source: `/*
 * Sync settings for the Android app.
 */
package app.settings

const val MAX_RETRIES = 3
val defaultBranch: String = "main"

@Throws(IOException::class) fun load(path: String): Settings = TODO()

/*
fun notADeclaration() {}
class AlsoNot
*/
val template = """
class InsideAString
"""

fun interface Listener {
    fun onChange()
}

class Settings {
    fun save() {}
    val path = ""
}
`,
    symbols: ['MAX_RETRIES', 'defaultBranch', 'load', 'template', 'Listener', 'Settings'],
    summary: 'Sync settings for the Android app.',
  },
  {
    name: 'C source',
    path: 'src/list.c',
    source: `/* SPDX-License-Identifier: MIT */
/* Linked lists of sync records. */
#include <stdlib.h>
#define MAX(a, b) ((a) > (b) ? (a) : (b))

struct node {
    int value;
    struct node *next;
};
struct node;
typedef struct {
    int x, y;
} point_t;
int list_len(const struct node *head);
static int
list_sum(const struct node *head)
{
    return 0;
}
struct node *list_push(struct node *head, int v) {
    return head;
}
int table[3] = { 1, 2, 3 };
MODULE_INIT(list) {
}
`,
    // list_len: a prototype is a declaration a reader looks for (C headers are mostly prototypes).
    symbols: ['node', 'point_t', 'list_len', 'list_sum', 'list_push'],
    summary: 'Linked lists of sync records.',
  },
  {
    name: 'C++ header and source',
    path: 'src/store.hpp',
    source: `// Content-addressed blob store.
#pragma once
namespace store {
template <typename T>
class Cache final : public Base {
public:
  void put(const T& v);
};
enum class Kind : int { Blob };
std::string Store::path(const std::string& sha) const {
  return sha;
}
Store::~Store() {
}
bool operator==(const Store& a, const Store& b) {
}
}
`,
    symbols: ['store', 'Cache', 'Kind', 'Store::path', 'Store::~Store', 'operator=='],
    summary: 'Content-addressed blob store.',
  },
  {
    // Section titles, and the internal targets `:ref:` links to (quoted or not); a target with a URL is a link, `.. __:` anonymous.
    name: 'reStructuredText',
    path: 'Help/manual/cmake-sample.7.rst',
    source: `.. cmake-manual-description: Sample Reference

cmake-sample(7)
***************

Samples of each reference form.

.. _\`Conditional Generator Expressions\`:

Conditional Expressions
-----------------------

.. _GenEx Path Queries:

Path Queries
^^^^^^^^^^^^

.. _CMake home: https://cmake.org
.. __:
`,
    symbols: ['cmake-sample(7)', 'Conditional Generator Expressions', 'Conditional Expressions', 'GenEx Path Queries', 'Path Queries'],
    summary: 'Samples of each reference form.',
  },
  {
    // Procedures and namespaces, wherever they are defined; not a name computed at run time, nor the global namespace.
    name: 'Tcl',
    path: 'library/init.tcl',
    source: `# init.tcl --
namespace eval :: {}
namespace eval tcl {
    proc ::tcl::EnvTraceProc {lo n1 n2 op} {}
}
if {[namespace which -command tclLog] eq ""} {
    proc tclLog {string} {}
}
foreach procName {a b} { proc $procName {} {} }
proc [format %s dynamic] {} {}
proc unknown args {}
`,
    symbols: ['tcl', 'EnvTraceProc', 'tclLog', 'unknown'],
    summary: '',
  },
  {
    name: 'Swift',
    path: 'Sources/App/Sync.swift',
    source: `/// Sync state for the app.
import Foundation

public struct SyncState {}
final class Coordinator {}
protocol Syncing {}
func startSync() {}
@MainActor public enum Screen {}
`,
    symbols: ['SyncState', 'Coordinator', 'Syncing', 'startSync', 'Screen'],
    summary: 'Sync state for the app.',
  },
  {
    // With a parser: an extension's functions as Type.name, top-level constants, nothing from comments.
    name: 'Swift extensions, top-level constants and code in comments',
    path: 'Sources/App/Date+Sync.swift',
    source: `// Date helpers for sync timestamps.
import Foundation

let syncEpoch = Date(timeIntervalSince1970: 0)

extension Date {
    func ageDescription() -> String { "" }
    static func parse(_ s: String) -> Date? { nil }
}

/*
func commentedOut() {}
*/

@available(iOS 15, *)
struct Timestamp: Codable {
    func formatted() -> String { "" }
}

private let cache = NSCache<NSString, NSDate>()
`,
    symbols: ['syncEpoch', 'Date.ageDescription', 'Date.parse', 'Timestamp', 'cache'],
    summary: 'Date helpers for sync timestamps.',
  },
  {
    name: 'Ruby',
    path: 'lib/sync/client.rb',
    source: `# frozen_string_literal: true

# A small client for the sync API.
module Sync
  class Client < Base
    def initialize(token)
    end

    def self.from_env
    end

    def valid?
    end

    def ==(other)
    end
  end
end
`,
    symbols: ['Sync', 'Client', 'initialize', 'from_env', 'valid?'],
    summary: 'A small client for the sync API.',
  },
  {
    name: 'PHP',
    path: 'src/Repository.php',
    source: `<?php
/**
 * Repository access for syncs.
 */
declare(strict_types=1);

namespace App;

final class Repository implements Store
{
    public static function open(string $path): self {}
    private function &cache() {}
    public function __construct() {}
}
interface Store {}
trait Loggable {}
enum Status: string {}
function helper() {}
$f = function () {};
`,
    symbols: ['Repository', 'open', 'cache', '__construct', 'Store', 'Loggable', 'Status', 'helper'],
    summary: 'Repository access for syncs.',
  },
];

describe('memory: symbols and summary per language', () => {
  before(() => loadMemoryParsers());
  for (const c of cases) {
    it(c.name, () => {
      const f = facts(c.path, c.source);
      assert.deepEqual(f.symbols, c.symbols);
      assert.equal(f.summary, c.summary);
    });
  }
});

describe('memory: a parse over its budget', () => {
  before(() => loadMemoryParsers());
  const saved = { ...parseBudget };
  afterEach(() => Object.assign(parseBudget, saved));

  it('is stopped: the file gets the regex symbols, and the next file is parsed from its own start', () => {
    const big = 'package x\n' + Array.from({ length: 2000 }, (_, i) => `func F${i}() int { return ${i} }`).join('\n');
    assert.equal(parseSymbols('go', big)?.length, 200);
    Object.assign(parseBudget, { base: 5, perKChar: 0 });
    assert.equal(parseSymbols('go', big), undefined);
    // extractFacts falls back to the regexes, which read the same names here.
    assert.deepEqual(facts('x.go', big).symbols.slice(0, 3), ['F0', 'F1', 'F2']);
    // A stopped parse stays in the parser; the next one must not resume it on another file's text.
    Object.assign(parseBudget, saved);
    assert.deepEqual(parseSymbols('go', 'package y\n\nfunc Small() {}\n'), ['Small']);
  });
});

describe('memory: parsers on a long file', () => {
  before(() => loadMemoryParsers());

  it('keeps top-level definitions only, above a thousand top-level nodes as below', () => {
    const decl = (i: number): string => `export function f${i}() { function inner${i}() {} }\nconst g${i} = () => { class C${i} {} };`;
    for (const n of [10, 1500]) {
      const names = parseSymbols('javascript', Array.from({ length: n }, (_, i) => decl(i)).join('\n'));
      assert.deepEqual(names?.slice(0, 4), ['f0', 'g0', 'f1', 'g1'], `${n} declarations`);
      assert.ok(names?.every((s) => /^[fg]\d+$/.test(s)), `${n} declarations: nested definitions kept`);
    }
  });
});

describe('memory: C and C++ headers read by the regexes (the default)', () => {
  // The forms of real system headers (glibc's stdlib.h, search.h, spawn.h; zlib.h and zconf.h) that
  // the regexes missed: a typedef'd body closed at an indentation (everything after it was lost), its
  // alias on the next line, `__extension__`, prototypes through zlib's OF(()) macro, indented under
  // `#if`, a return type on the line before, `extern "C"` blocks; and what must not count.
  const header = `/* zlib-like header */
#ifndef SAMPLE_H
#define SAMPLE_H
#ifdef __cplusplus
extern "C" {
#endif

typedef struct
  {
    int quot;
    int rem;
  } div_t;

__extension__ typedef struct
  {
    long long int quot;
  } lldiv_t;

typedef enum
  {
    FIND,
    ENTER
  }
ACTION;

typedef struct
{
  struct { int a; } inner;
  char __cancel_jmp_buf[8];
} unwind_buf_t __attribute__ ((__aligned__));

struct chunk_header		/* Lives at front of each chunk. */
{
  char *limit;
};

#if defined(STDC)
   typedef void const *voidpc;
#endif

extern double atof (const char *__nptr)
     __THROW __attribute_pure__ __nonnull ((1)) __wur;

extern int
spawn_addclosefrom_np (int __from)
     __THROW __nonnull ((1));

ZEXTERN int ZEXPORT deflate OF((z_streamp strm, int flush));
#ifdef Z_LARGE64
   ZEXTERN gzFile ZEXPORT gzopen64 OF((const char *, const char *));
#endif

/*
ZEXTERN int ZEXPORT deflateInit OF((z_streamp strm, int level));

     A macro, documented as a prototype: not a symbol of this file.
*/

static int helper (int x)
{
  int local_counter (void);
    typedef int inner_t;
  return x;
}

#ifdef __cplusplus
}
#endif
#endif
`;

  it('finds every declaration, and nothing inside comments or function bodies', () => {
    const f = extractFacts({ path: 'include/sample.h', blobSha: 'a'.repeat(40), mode: '100644', size: null, content: new TextEncoder().encode(header), maxFileSize: 1_000_000 }, { parsers: false });
    assert.deepEqual(f?.symbols, ['div_t', 'lldiv_t', 'ACTION', 'unwind_buf_t', 'chunk_header', 'voidpc', 'atof', 'spawn_addclosefrom_np', 'deflate', 'gzopen64', 'helper']);
  });
});

describe('memory: C headers the regexes must not misread', () => {
  const symbolsOf = (source: string) => extractFacts({ path: 'include/probe.h', blobSha: 'a'.repeat(40), mode: '100644', size: null, content: new TextEncoder().encode(source), maxFileSize: 1_000_000 }, { parsers: false })?.symbols;

  it('a typedef whose braces differ between #if branches ends at its closing brace, and the rest of the file is read', () => {
    const source = `typedef union {
#if BIG
  struct {
    unsigned short hi, lo;
#else
  struct {
    unsigned short lo, hi;
#endif
  } s;
  unsigned int w;
} word_t;
extern int get_word(word_t *w);
extern int put_word(word_t w);
`;
    assert.deepEqual(symbolsOf(source), ['word_t', 'get_word', 'put_word']);
  });

  it('reads an indented prototype under #if when it starts a declaration, not a line continuing one', () => {
    const source = `#ifndef Z_LARGE64
     ZEXTERN gzFile ZEXPORT gzopen64(const char *, const char *);
     extern int glob (const char *__restrict __pattern, int __flags,
		 int (*__errfunc) (const char *, int))
     __THROW __nonnull ((1));
#endif
`;
    assert.deepEqual(symbolsOf(source), ['gzopen64', 'glob']);
  });

  it('takes the alias after attribute macros, never a type word, an attribute or a #define body', () => {
    const source = `typedef struct { int a;
} __packed foo_t;
typedef struct { int b; } __attribute__ ((aligned (8))) bar_t;
typedef struct {
  int c;
} ALIGN(8) baz_t;
typedef _Atomic struct { int d; } atomic_flag;
OSSL_DEPRECATEDIN_3_0
int (*EVP_MD_meth_get_init(const EVP_MD *md))(EVP_MD_CTX *ctx);
LLVM_HIDDEN_VISIBILITY
__attribute__((weak)) int *VerifyEnableABIBreakingChecks = &x;
#define DECLARE(name) \\
    typedef struct name##_s { \\
      int v; \\
    } name##_t;
extern "C" {  /* C linkage */
  typedef int inside_extern_t;
}
typedef int asn1_retCode _ASN1_GCC_ATTR_DEPRECATED;
typedef gnutls_session_t gnutls_session GLIB_DEPRECATED_TYPE_IN_2_62_FOR(GSession);
typedef struct ssl_session_st SSL_SESSION;
`;
    assert.deepEqual(symbolsOf(source), ['foo_t', 'bar_t', 'baz_t', 'atomic_flag', 'inside_extern_t', 'asn1_retCode', 'gnutls_session', 'SSL_SESSION']);
  });

  it('reads a namespace or extern "C" block whose brace stands on the next line (Allman style), and names a nested type by its qualified name', () => {
    const source = `namespace engine
{
class Renderer
{
public:
  void draw();
};
int frame_count(const Renderer &r);
struct Renderer::State {
  int frames;
};
}
extern "C"
{
  void engine_init(void);
}
namespace
{
  int hidden_helper(int x)
  {
    return x;
  }
}
`;
    assert.deepEqual(symbolsOf(source), ['Renderer', 'frame_count', 'Renderer::State', 'engine_init', 'hidden_helper']);
  });
});

describe('memory: code after a block comment on the same line, read by the regexes (the default)', () => {
  const symbolsOf = (path: string, source: string) => extractFacts({ path, blobSha: 'a'.repeat(40), mode: '100644', size: null, content: new TextEncoder().encode(source), maxFileSize: 1_000_000 }, { parsers: false })?.symbols;

  it('C: a declaration after a comment closed on its line, or after the end of a comment that began on an earlier line', () => {
    const source = `/* comment */ int foo(void);
/*__owur*/ int EVP_Cipher(EVP_CIPHER_CTX *c,
                          const unsigned char *in);
/* Py_DEPRECATED(3.3) */ typedef wchar_t Py_UNICODE;
/* A structure
   spanning lines. */ struct bar {
  int inside;
};
/*
 * Only a comment.
 */
struct after_comment { int x; };
`;
    assert.deepEqual(symbolsOf('include/probe.h', source), ['foo', 'EVP_Cipher', 'Py_UNICODE', 'bar', 'after_comment']);
  });

  it('C: a commented-out declaration, or a field after a comment inside a body, is still not a name', () => {
    const source = `struct disk {
/*00*/ unsigned int s_rev_level;
/*04*/ int (*s_handler)(void);
};
/* int hidden(void); */
/* open
   int also_hidden(void);
*/
int shown(void);
`;
    assert.deepEqual(symbolsOf('include/probe.h', source), ['disk', 'shown']);
  });

  it('TypeScript, Java, Go: a declaration after a comment starting at column 0, or after the `*/` of a doc comment', () => {
    assert.deepEqual(symbolsOf('src/a.ts', '/** @internal */ export function foo() {}\n/**\n * Doc.\n */ export class Bar {}\n'), ['foo', 'Bar']);
    assert.deepEqual(symbolsOf('src/A.java', '/* generated */ public class Baz {\n}\n'), ['Baz']);
    assert.deepEqual(symbolsOf('a.go', '/* one\n*/ func Qux() {\n}\n'), ['Qux']);
  });

  it('PHP and C#, read at their indentation: a method or type after a comment, but not a nested C# type', () => {
    const php = '<?php\nclass Runner {\n    /** @internal */ public function run() {}\n    /**\n     * Stops.\n     */ private function stop() {}\n}\n';
    assert.deepEqual(symbolsOf('src/Runner.php', php), ['Runner', 'run', 'stop']);
    const cs = 'namespace App {\n    /* generated */ public class Indented {\n        /* x */ class Nested {}\n    }\n}\n';
    assert.deepEqual(symbolsOf('src/App.cs', cs), ['Indented']);
  });
});

describe('memory: C typedefs with GNU attributes, read by the regexes (the default)', () => {
  const symbolsOf = (source: string) => extractFacts({ path: 'include/probe.h', blobSha: 'a'.repeat(40), mode: '100644', size: null, content: new TextEncoder().encode(source), maxFileSize: 1_000_000 }, { parsers: false })?.symbols;

  it('names the alias, wherever the attribute stands, also for a function type, and never the attribute', () => {
    const source = `typedef int name __attribute__((deprecated));
typedef unsigned int fpu_control_t __attribute__ ((__mode__ (__HI__)));
typedef CK_TRUST __CKT_NSS_VALID __attribute__((deprecated("CKT_NSS_VALID really means CKT_NSS_NOT_TRUSTED")));
typedef unsigned long __attribute__((aligned(4))) packed_ulong;
typedef int __BLAPI_DEPRECATED __attribute__((deprecated));
typedef unsigned int __CERTDB_VALID_PEER __attribute__((
    deprecated("use CERTDB_TERMINAL_RECORD")));
typedef int Function () __attribute__((deprecated));
typedef void OSSL_DECODER_CLEANUP(void *construct_data);
`;
    assert.deepEqual(symbolsOf(source), ['name', 'fpu_control_t', '__CKT_NSS_VALID', 'packed_ulong', '__BLAPI_DEPRECATED', '__CERTDB_VALID_PEER', 'Function', 'OSSL_DECODER_CLEANUP']);
  });
});

describe('memory: JavaScript method chains read by the regexes (the default)', () => {
  it("names every method of a chained assignment (express's res.set = res.header = function), not a local name of module.exports", () => {
    const source = `'use strict';
var proto = module.exports = function (options) {
  return options;
};
res.set =
res.header = function header(field, val) {
  return this;
};
res.contentType = res.type = function contentType(type) {};
app.a =
app.b =
app.c = function c() {};
res.locals = res.defaults = {};
app.enabled = function enabled(setting) {};
`;
    const f = extractFacts({ path: 'lib/response.js', blobSha: 'a'.repeat(40), mode: '100644', size: null, content: new TextEncoder().encode(source), maxFileSize: 1_000_000 }, { parsers: false });
    assert.deepEqual(f?.symbols, ['res.set', 'res.header', 'res.contentType', 'res.type', 'app.a', 'app.b', 'app.c', 'app.enabled']);
  });
});

describe('memory: Python module-level names', () => {
  before(() => loadMemoryParsers());
  // flask/signals.py, pickle.py, zipfile.py and argparse.py in miniature.
  const source = `"""Signals and constants.

Example:
x = connect()
"""
from blinker import Namespace
try:
    import zlib
except ImportError:
    zlib = None
import os.path as osp

_signals = Namespace()
template_rendered = _signals.signal("template-rendered")
HIGHEST_PROTOCOL: int = 5
SUPPRESS = OPTIONAL = '?'
__all__ = ['template_rendered']
if os.name == 'nt':
    LINESEP = '\\r\\n'
settings = dict(
debug=True,
)
count == 3
osp = None

def connect(receiver):
    local = 1
    return local

class Unpickler:
    dispatch = {}

if __name__ == '__main__':
    parser = make_parser()
    def main():
        pass
`;
  const expected = ['template_rendered', 'HIGHEST_PROTOCOL', 'SUPPRESS', 'OPTIONAL', 'LINESEP', 'settings', 'connect', 'Unpickler'];
  for (const parsers of [false, true]) {
    it(`${parsers ? 'parsers' : 'regexes'}: public assignments are symbols; private, imported, nested, docstring and main-block names are not`, () => {
      const f = extractFacts({ path: 'src/flask/signals.py', blobSha: 'a'.repeat(40), mode: '100644', size: null, content: new TextEncoder().encode(source), maxFileSize: 1_000_000 }, { parsers });
      assert.deepEqual(f?.symbols, expected);
    });
  }
});

describe('memory: summaries that are credits, licences or editor lines', () => {
  const summary = (path: string, source: string) =>
    extractFacts({ path, blobSha: 'a'.repeat(40), mode: '100644', size: null, content: new TextEncoder().encode(source), maxFileSize: 1_000_000 }, { parsers: false })?.summary;

  it("skips a short licence line and a 'by Name <email>' credit (git-send-email.perl)", () => {
    const source = `#!/usr/bin/perl
#
# Copyright 2002,2005 Greg Kroah-Hartman <greg@kroah.com>
#
# GPL v2 (See COPYING)
#
# Ported to support git "mbox" format files by Ryan Anderson <ryan@michonline.com>
#
# Sends a collection of emails to the given email addresses, disturbingly fast.
#
use strict;
`;
    assert.equal(summary('git-send-email.perl', source), 'Sends a collection of emails to the given email addresses, disturbingly fast.');
  });

  it('skips the names a copyright line goes on with (ewah/bitmap.c, a test script), and an editor modeline', () => {
    const c = `/**
 * Copyright 2013, GitHub, Inc
 * Copyright 2009-2013, Daniel Lemire, Cliff Moon,
 *	David McIntosh, Robert Becho, Google Inc. and Veronika Zenz
 *
 * Compressed bitmaps for object reachability.
 */
#include "git-compat-util.h"
`;
    assert.equal(summary('ewah/bitmap.c', c), 'Compressed bitmaps for object reachability.');
    const sh = `#!/bin/sh
#
# Copyright (c) 2012 Valentin Duperray, Lucien Kong, Franck Jonas,
#		     Thomas Nguy, Khoi Nguyen
#		     Grenoble INP Ensimag
#
`;
    assert.equal(summary('t/t1306-xdg-files.sh', sh), '');
    const tcl = `#!/bin/sh
# Tcl ignores the next line -*- tcl -*- \\
exec wish "$0" -- "$@"
`;
    assert.equal(summary('git-gui/git-gui.sh', tcl), '');
  });

  it('reads a C header past its include guard, includes and forward declarations, not a comment about a macro or prototype', () => {
    // tempfile.h's and lockfile.h's shape in git/git: the API's description follows the guard.
    const header = `#ifndef TEMPFILE_H
#define TEMPFILE_H

#include "list.h"
#include "strbuf.h"

struct repository;

/*
 * Handle temporary files.
 *
 * The tempfile API allows temporary files to be created and deleted.
 */

struct tempfile {
`;
    assert.equal(summary('tempfile.h', header), 'Handle temporary files.');
    // A comment past the includes right above a macro or a prototype is about it, not the file.
    const macro = `#include "git-compat-util.h"
#include "commit.h"

/* Remember to update object flag allocation in object.h */
#define PARENT1 (1u<<16)
`;
    assert.equal(summary('builtin/last-modified.c', macro), '');
    const prototype = `#ifndef BLOCKSOURCE_H
#define BLOCKSOURCE_H

#include "reftable-blocksource.h"

/*
 * Close the block source and the underlying resource.
 */
void block_source_close(struct reftable_block_source *source);
`;
    assert.equal(summary('reftable/blocksource.h', prototype), '');
    // The file's own first comment stays its summary, whatever line follows it.
    const first = `/*
 * Builtin "git count-objects".
 *
 * Copyright (c) 2006 Junio C Hamano
 */
#define USE_THE_REPOSITORY_VARIABLE
#include "builtin.h"
`;
    assert.equal(summary('builtin/count-objects.c', first), 'Builtin "git count-objects".');
  });

  it('reads real headers whose purpose follows a licence and the include guard (libc6-dev, linux-libc-dev)', function () {
    const cases: [string, string, string][] = [
      ['/usr/include/arpa/ftp.h', 'e2b96194209f5c7c8daae16bc71f713bff36ba76759e676c711cd3cac664424e', 'Definitions for FTP; see RFC-765.'],
      ['/usr/include/asm-generic/hugetlb_encode.h', '5729768670c725f24359cea8da0e5520fbdff157c3303a54b1e00797a96aa943', 'Several system calls take a flag to request "hugetlb" huge pages.'],
    ];
    const here = cases.filter(([file, sha]) => existsSync(file) && createHash('sha256').update(readFileSync(file)).digest('hex') === sha);
    // Like the corpus: a missing or changed file is reported, not failed (scripts/install-corpus.sh installs them).
    for (const [file] of cases.filter((c) => !here.includes(c))) console.log(`      (skipped ${file}: missing or changed)`);
    if (here.length === 0) this.skip();
    for (const [file, , want] of here) assert.ok(summary(file.slice(1), readFileSync(file, 'latin1'))?.startsWith(want), file);
  });

  it("takes a test script's test_description (git's test suite, Sharness), and a manual page's NAME line", () => {
    const test = `#!/bin/sh
#
# Copyright (c) 2012 Avery Pennaraum
#
test_description='Basic porcelain support for subtrees

This test verifies the basic operation of the add, merge, split, pull,
and push subcommands of git subtree.
'

. ./test-lib.sh
`;
    assert.equal(summary('contrib/subtree/t/t7900-subtree.sh', test), 'Basic porcelain support for subtrees');
    assert.equal(summary('t/t5318-commit-graph.sh', `#!/bin/sh\n\ntest_description="commit graph"\n. ./test-lib.sh\n`), 'commit graph');
    // Past the first test it is a variable like any other.
    assert.equal(summary('t/helper.sh', `#!/bin/sh\ntest_expect_success 'setup' 'true'\ntest_description='late'\n`), '');
    const manpage = `git-commit(1)
=============

NAME
----
git-commit - Record changes to the repository

SYNOPSIS
--------
git commit [-a | --interactive]
`;
    assert.equal(summary('Documentation/git-commit.adoc', manpage), 'Record changes to the repository');
    // Not a manual page: its NAME section is not the second title.
    assert.equal(summary('notes.adoc', `= Notes\n\n== Usage\n\nfoo - bar\n\n== NAME\n\nx - y\n`), '');
    // Nor is a document with prose before its NAME section; a header's attribute entries are fine.
    assert.equal(summary('guide.adoc', `= Style Guide\n\nHow we write code here.\n\n== Name\n\nfoo - the thing we call it\n`), 'How we write code here.');
    assert.equal(summary('git-foo.adoc', `= git-foo(1)\n:doctype: manpage\n:manmanual: Git Manual\n\n== NAME\n\ngit-foo - Frobnicate the index\n`), 'Frobnicate the index');
  });

  it('review cases: a bug-report address is no credit, a credit in @fileOverview is one, C++ guards and GNU return types, quoted test descriptions', () => {
    assert.equal(
      summary('frob.c', '/*\n * Copyright 2001 A\n * Frobnicate widgets for the toolkit.\n * Send bug reports to <bugs@example.org>\n */\nint x;\n'),
      'Frobnicate widgets for the toolkit. Send bug reports to <bugs@example.org>',
    );
    assert.equal(summary('a.js', '/**\n * @fileoverview Copyright (c) 2015 Foo Inc. All rights reserved.\n */\nvar a = 1;\n'), '');
    // A header's comment above `#ifdef __cplusplus` is the file's; one above a GNU-style definition is the function's.
    assert.equal(summary('api.h', '#ifndef API_H\n#define API_H\n\n/* The widget API. */\n#ifdef __cplusplus\nextern "C" {\n#endif\n'), 'The widget API.');
    assert.equal(summary('main.c', '#include <stdio.h>\n\n/* Parse the options and run. */\nint\nmain (int argc, char **argv)\n{\n'), '');
    // The shell's quoting inside test_description, and Sharness's *.t (Perl by its name, sh by its first line).
    assert.equal(summary('t/t1-foo.sh', `#!/bin/sh\ntest_description='Test that '\\''git foo'\\'' works'\n. ./test-lib.sh\n`), "Test that 'git foo' works");
    assert.equal(summary('t/t2-bar.sh', '#!/bin/sh\ntest_description="Test the \\"bar\\" command"\n'), 'Test the "bar" command');
    assert.equal(summary('test/basic.t', '#!/bin/sh\n\ntest_description="Show basic features of Sharness"\n\n. ./sharness.sh\n'), 'Show basic features of Sharness');
  });

  it('skips what a credit contributed (between copyright lines, or in parentheses), and a licence whose words come past the summary length', () => {
    // list.h's shape in git/git: the file's purpose is the comment after the licence and the guard.
    const list = `/*
 * Copyright (C) 2002 Free Software Foundation, Inc.
 * (originally part of the GNU C Library and Userspace RCU)
 * Contributed by Ulrich Drepper <drepper@redhat.com>, 2002.
 *
 * Copyright (C) 2009 Pierre-Marc Fournier
 * Conversion to RCU list.
 * Copyright (C) 2010 Mathieu Desnoyers <mathieu.desnoyers@efficios.com>
 */

#ifndef LIST_H
#define LIST_H	1

/*
 * The definitions of this file are adopted from those which can be
 * found in the Linux kernel headers.
 */
`;
    assert.equal(summary('list.h', list), 'The definitions of this file are adopted from those which can be found in the Linux kernel headers.');
    // A purpose line right under a single copyright line stays (contrib/rerere-train.sh).
    assert.equal(summary('contrib/rerere-train.sh', '#!/bin/sh\n# Copyright (c) 2008, Nanako Shiraishi\n# Prime rerere database from existing merge commits\n\nme=rerere-train\n'), 'Prime rerere database from existing merge commits');
    // flask's tests/test_cli.py: a licence sentence cut by its copyright.
    assert.equal(summary('tests/test_cli.py', '# This file was part of Flask-CLI and was modified under the terms of\n# its Revised BSD License. Copyright © 2015 CERN.\nimport os\n'), '');
    // An X11-style permission notice: the licence words come after the first 200 characters.
    const notice = `/*
Copyright 1987, 1988, 1998  The Open Group

Permission to use, copy, modify, distribute, and sell this software and its
documentation for any purpose is hereby granted without fee, provided that
the above copyright notice appear in all copies and that both that
copyright notice and this permission notice appear in supporting
documentation.

Except as contained in this notice, the name of The Open Group shall
not be used in advertising or otherwise to promote the sale, use or
other dealings in this Software without prior written authorization
from The Open Group.
*/
`;
    assert.equal(summary('X11/Core.h', notice), '');
  });

  it('skips a "see the included COPYING file" licence line and a "years, Name <email>" credit; reads a JSDoc @fileOverview', () => {
    const c = `/*
 * For full terms see the included COPYING file.
 */
`;
    assert.equal(summary('t/unit-tests/clar/clar.c', c), '');
    const js = `/**
 * @fileOverview Datetime manipulation: parsing and formatting
 * @license GPLv2 or later
 */
`;
    assert.equal(summary('gitweb/static/js/lib/datetime.js', js), 'Datetime manipulation: parsing and formatting');
    const credits = `// Copyright (C) 2007, Fredrik Kuivinen <frekui@gmail.com>
//               2007, Petr Baudis <pasky@suse.cz>
//          2008-2011, Jakub Narebski <jnareb@gmail.com>

`;
    assert.equal(summary('gitweb/static/js/blame_incremental.js', credits), '');
  });

  it("takes neither a Makefile's comment on the rule under it nor a work's byline (git: Makefile, xdiff)", () => {
    // git's Makefiles open with this comment on `all::` (17 of them had it as their summary).
    assert.equal(summary('Makefile', '# The default target of this Makefile is...\nall::\n\n# Import tree-wide shared Makefile behavior and libraries\ninclude shared.mak\n'), '');
    // A comment above a variable, or apart from the rule, is the file's.
    assert.equal(summary('Makefile', '# Build the documentation of the foo library\nCC = gcc\n\nall: docs\n'), 'Build the documentation of the foo library');
    assert.equal(summary('Makefile', '# Build the documentation of the foo library\n\nall: docs\n'), 'Build the documentation of the foo library');
    // xdiff's 14 files open with the library's byline and its author's copyright.
    const xdiff = `/*
 *  LibXDiff by Davide Libenzi ( File Differential Library )
 *  Copyright (C) 2003  Davide Libenzi
 *
 *  This library is free software; you can redistribute it and/or
 *  modify it under the terms of the GNU Lesser General Public
 *  License as published by the Free Software Foundation; either
 *  version 2.1 of the License, or (at your option) any later version.
 */
`;
    assert.equal(summary('xdiff/xdiffi.c', xdiff), '');
    assert.equal(summary('lib/Module/Build.pm', '# Module-Build by Ken Williams\n# Build and install Perl modules\n'), 'Build and install Perl modules');
    // A sentence with "by" and a name in it is no byline.
    assert.equal(summary('lib/lfs.js', '// Large files are handled by Git LFS when it is installed.\n\nmodule.x = 1;\n'), 'Large files are handled by Git LFS when it is installed.');
    assert.equal(summary('lookups.py', '"""Lookups by Postal Code."""\n'), 'Lookups by Postal Code.');
    assert.equal(summary('sort.js', '// Sorting by Last Name\n\nmodule.x = 1;\n'), 'Sorting by Last Name');
    // Python's unittest/mock.py: who maintains it is a credit.
    assert.equal(summary('mock.py', '# mock.py\n# Test tools for mocking and patching.\n# Maintained by Michael Foord\n'), 'Test tools for mocking and patching.');
  });

});
