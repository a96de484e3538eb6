// Memory search: finding files by symbol, heading, path and summary, ranked.
import assert from 'node:assert/strict';
import { extractFacts, SearchIndex, searchMemory, type Searchable } from '../../src/core/memory';
import { isCommon } from '../../src/core/memory/engine';
import { queryTerms, shownSymbols, stems } from '../../src/core/memory/tokens';

const enc = new TextEncoder();
function fromSource(path: string, text: string): Searchable {
  const f = extractFacts({ path, blobSha: 'e'.repeat(40), mode: '100644', size: null, content: enc.encode(text), maxFileSize: 1_000_000 });
  assert.ok(f);
  return f;
}
const entry = (path: string, symbols: string[] = [], summary = ''): Searchable => ({ path, symbols, summary });
const paths = (xs: readonly Searchable[]) => xs.map((x) => x.path);

const repo = [
  fromSource('src/core/pipeline.ts', '// The sync pipeline.\nexport async function runSync() {}\nexport function cancelSync() {}\n'),
  fromSource('README.md', '# Project Sync\n\n## Getting started\n\nInstall it.\n## Memory queries\n'),
  fromSource('src/github/server.go', 'package github\nfunc (s *Server) Start() {}\n'),
  fromSource('docs/branches.md', '# Choosing a branch\n'),
  fromSource('src/extension/status.ts', '/** Status bar: shows the last sync. */\nexport class StatusBar {}\n'),
];

describe('memory: search', () => {
  it('finds a TypeScript function by its name, case-insensitively', () => {
    assert.deepEqual(paths(searchMemory(repo, 'runSync')), ['src/core/pipeline.ts']);
    assert.deepEqual(paths(searchMemory(repo, 'RUNSYNC')), ['src/core/pipeline.ts']);
  });

  it('finds a Markdown heading, every word of it', () => {
    assert.deepEqual(paths(searchMemory(repo, 'getting started')), ['README.md']);
    assert.deepEqual(paths(searchMemory(repo, 'memory queries')), ['README.md']);
  });

  it('finds a Go method by the method name alone', () => {
    assert.deepEqual(paths(searchMemory(repo, 'start')), ['src/github/server.go', 'README.md']);
  });

  it('finds a name that writes two query words as one (buildflags.mk for "build flags"), before files with one of them', () => {
    const many = [
      entry('usr/share/dpkg/buildflags.mk'),
      entry('src/build.ts', ['build', 'buildAll']),
      entry('src/flags.ts', ['flags']),
      entry('docs/build/flags-of-the-compiler.md', [], 'Build flags.'),
      entry('lib/cookies.js', ['setcookie']),
    ];
    const found = paths(searchMemory(many, 'build flags'));
    assert.deepEqual(found.slice(0, 2).sort(), ['docs/build/flags-of-the-compiler.md', 'usr/share/dpkg/buildflags.mk']);
    assert.ok(found.indexOf('src/build.ts') > 1 && found.indexOf('src/flags.ts') > 1, found.join(', '));
    assert.equal(paths(searchMemory(many, 'set cookie'))[0], 'lib/cookies.js');
    // Two words a name does not join still match one by one.
    assert.deepEqual(paths(searchMemory(many, 'flags build')).slice(0, 1), ['docs/build/flags-of-the-compiler.md']);
  });

  it('finds a file named by the beginning of a query word (inc.js for "increment", repo.go for "repository"), not a symbol that begins it', () => {
    const many = [
      fromSource('functions/inc.js', "const inc = (version, release) => version + 1\nmodule.exports = inc\n"),
      fromSource('lib/command.js', 'class Command {}\nfunction incrementNodeInspectorPort(args) {}\n'),
      fromSource('lib/codecs.py', 'class IncrementalEncoder:\n    pass\nclass IncrementalDecoder:\n    pass\n'),
      fromSource('src/version.ts', '/** The version of the format. */\nexport const FORMAT = 1;\n'),
      fromSource('internal/repo.go', 'package internal\nfunc Open() {}\n'),
      fromSource('lib/form.js', 'export function form() {}\n'),
      fromSource('lib/format.js', 'export function format() {}\n'),
      fromSource('lib/widgets.js', 'export function form() {}\n'),
    ];
    const found = paths(searchMemory(many, 'increment version'));
    assert.ok(found.indexOf('functions/inc.js') >= 0 && found.indexOf('functions/inc.js') < 3, found.join(', '));
    assert.equal(paths(searchMemory(many, 'repository'))[0], 'internal/repo.go');
    // The whole word still comes first; a symbol that begins the word (form in widgets.js) is no abbreviation of it.
    const format = paths(searchMemory(many, 'format'));
    assert.deepEqual(format.slice(0, 2), ['lib/format.js', 'lib/form.js']);
    assert.ok(!format.includes('lib/widgets.js'), format.join(', '));
  });

  it("leaves out a question's little words, unless the query has no other (flask: where is the request context)", () => {
    const files = [
      entry('src/flask/ctx.py', ['AppContext', 'RequestContext', 'has_request_context'], ''),
      entry('docs/quickstart.rst', ['A Minimal Application'], 'This is where the fun starts: it is the place to begin.'),
      entry('docs/is.md', [], ''),
    ];
    assert.deepEqual(queryTerms('where is the request context'), ['request', 'context']);
    assert.equal(paths(searchMemory(files, 'where is the request context'))[0], 'src/flask/ctx.py');
    // A query of little words only is searched as it is.
    assert.deepEqual(queryTerms('is'), ['is']);
    // One little word is a word like any other: `from operator` looks for rxjs's from.ts.
    assert.deepEqual(queryTerms('from operator'), ['from', 'operator']);
    assert.equal(paths(searchMemory(files, 'is'))[0], 'docs/is.md');
  });

  it("does not count a word most files match among the words matched (git/git: how does git lock the index)", () => {
    // `git` names 41 of these 42 files, as the project's own name does in git/git (39% of its files).
    const files = [
      ...Array.from({ length: 40 }, (_, i) => entry(`Documentation/git-tool${i}.adoc`, [`git-tool${i}(1)`, 'NAME'], `git-tool${i} - Run tool ${i}`)),
      entry('Documentation/git-lock.adoc', ['git-lock(1)', 'NAME'], 'git-lock - Lock a ref'),
      entry('lockfile.c', ['hold_lock_file_for_update', 'commit_lock_file'], 'Locks the index while it is written.'),
    ];
    const found = paths(searchMemory(files, 'how does git lock the index'));
    // lockfile.c matches lock and index; git-lock.adoc matches lock well, and git, which nearly every file matches.
    assert.deepEqual(found.slice(0, 2), ['lockfile.c', 'Documentation/git-lock.adoc']);
    // When every word of the query is common, each counts: the notes matching `git` and `tool` (weakly,
    // in their summaries) come before git.c, which matches `git` alone, however well.
    const notes = [
      ...Array.from({ length: 30 }, (_, i) => entry(`notes/n${i}.txt`, [], 'A git tool note.')),
      entry('git.c', ['git_main', 'git_exit', 'git_config'], 'git'),
    ];
    const both = paths(searchMemory(notes, 'git tool'));
    assert.equal(both.length, 31);
    assert.equal(both.at(-1), 'git.c');
    // Common: more than a third of the files, and at least 20 of them.
    assert.deepEqual([isCommon(20, 59), isCommon(20, 60), isCommon(19, 30)], [true, false, false]);
  });

  it('finds the singular for a plural query word (git: hooks → hook.h), after files with the word as written', () => {
    const files = [
      entry('hook.h', ['find_hook', 'hook_exists'], ''),
      entry('t/t1800-hook.sh', [], ''),
      entry('Documentation/githooks.adoc', ['githooks(5)', 'NAME', 'DESCRIPTION'], ''),
      entry('builtin/commit.c', ['cmd_commit'], ''),
    ];
    const found = paths(searchMemory(files, 'hooks'));
    assert.ok(found.indexOf('hook.h') >= 0 && found.indexOf('hook.h') < 2, found.join(', '));
    assert.ok(found.includes('t/t1800-hook.sh'), found.join(', '));
    assert.ok(!found.includes('builtin/commit.c'));
    assert.deepEqual(stems('hooks'), ['hook']);
    assert.deepEqual(stems('libraries'), ['library', 'librari', 'librarie']);
    assert.deepEqual(stems('branches'), ['branch', 'branche']);
    // Both readings of -es: sizes finds getSize, aliases finds getAlias.
    assert.deepEqual(stems('sizes'), ['siz', 'size']);
    assert.equal(paths(searchMemory([entry('lib/size.js', ['getSize']), entry('lib/alias.js', ['getAlias'])], 'sizes'))[0], 'lib/size.js');
    assert.equal(paths(searchMemory([entry('lib/size.js', ['getSize']), entry('lib/alias.js', ['getAlias'])], 'aliases'))[0], 'lib/alias.js');
    assert.deepEqual([stems('process'), stems('status'), stems('analysis'), stems('tags')], [[], [], [], ['tag']]);
  });

  it('shows the symbols a query names first (a word of the symbol is, or begins with, a query word), the rest after, each in file order', () => {
    const symbols = ['init', 'helper', 'renderView', 'parse', 'render_template', 'View'];
    assert.deepEqual(shownSymbols(symbols, 'render', 3), ['renderView', 'render_template', 'init']);
    assert.deepEqual(shownSymbols(symbols, 'view', 10), ['renderView', 'View', 'init', 'helper', 'parse', 'render_template']);
    assert.deepEqual(shownSymbols(symbols, undefined, 2), ['init', 'helper']);
    assert.deepEqual(shownSymbols(symbols, 'nothing', 2), ['init', 'helper']);
    // A plural query word names its singular's symbols too, as the search matched them.
    assert.deepEqual(shownSymbols(['a', 'b', 'find_hook'], 'hooks', 2), ['find_hook', 'a']);
  });

  it('a camelCase query word names a symbol: the file defining it comes before a file named by its first part (express: sendFile)', () => {
    const files = [
      fromSource('test/fixtures/broken.send', ''),
      fromSource('lib/response.js', "res.send = function send(body) {};\nres.sendFile = function sendFile(path) {};\n"),
    ];
    assert.equal(paths(searchMemory(files, 'sendFile'))[0], 'lib/response.js');
    // Written as a plain word it may still be cut short.
    assert.equal(paths(searchMemory([fromSource('lib/send.js', ''), fromSource('lib/other.js', 'export const x = 1;\n')], 'sendfile'))[0], 'lib/send.js');
  });

  it('matches any word of the query, entries matching every word first', () => {
    const found = paths(searchMemory(repo, 'status sync'));
    assert.equal(found[0], 'src/extension/status.ts');
    assert.ok(found.includes('src/core/pipeline.ts'), 'a file matching one word is still found');
    assert.equal(paths(searchMemory(repo, 'sync nothing-like-this'))[0], 'src/core/pipeline.ts');
    assert.deepEqual(paths(searchMemory(repo, 'nothing-like-this')), []);
  });

  it('ranks the file name first, a whole symbol above a symbol containing the word, the summary last', () => {
    const entries = [
      entry('a/one.ts', ['Sync']),
      entry('a/two.ts', ['syncNow']),
      entry('a/three.ts', ['runSync']),
      entry('lib/sync.ts'),
      entry('lib/resync-tool.ts'),
      entry('sync/index.ts'),
      entry('a/seven.ts', [], 'Keeps things in sync.'),
    ];
    const found = paths(searchMemory(entries, 'sync'));
    // sync/index.ts stands for its folder: named `sync` as lib/sync.ts is.
    assert.deepEqual(found.slice(0, 2).sort(), ['lib/sync.ts', 'sync/index.ts']);
    const at = (p: string) => found.indexOf(p);
    assert.ok(at('a/one.ts') < at('a/two.ts') && at('a/two.ts') < at('a/three.ts'), found.join(' '));
    assert.equal(found[found.length - 1], 'a/seven.ts');
    assert.ok(!found.includes('lib/resync-tool.ts'), 'words match whole words and prefixes, not any substring');
  });

  it("names a file that stands for its folder by the folder (router/index.js, json/__init__.py, mod.rs)", () => {
    const entries = [
      entry('node_modules/express/lib/router/index.js', ['proto.use', 'proto.route']),
      entry('node_modules/express/lib/router/route.js', ['Route']),
      entry('node_modules/express/lib/express.js', ['createApplication', 'Router']),
      entry('usr/lib/python3.11/json/__init__.py', ['dump', 'loads']),
      entry('node_modules/body-parser/lib/types/json.js', ['json']),
      entry('src/store/mod.rs', ['Store']),
      entry('src/indexer.js', ['index']),
    ];
    assert.equal(paths(searchMemory(entries, 'router'))[0], 'node_modules/express/lib/router/index.js');
    assert.ok(paths(searchMemory(entries, 'json')).slice(0, 2).includes('usr/lib/python3.11/json/__init__.py'));
    assert.equal(paths(searchMemory(entries, 'store'))[0], 'src/store/mod.rs');
  });

  it('splits identifiers: a query word finds camelCase and snake_case parts, with prefixes and typos', () => {
    const entries = [entry('lib/response.js', ['res.cookie', 'res.clearCookie']), entry('conf/parse_config.py', ['load_config_file']), entry('other.ts', ['unrelated'])];
    assert.deepEqual(paths(searchMemory(entries, 'set cookie')), ['lib/response.js']);
    assert.equal(paths(searchMemory(entries, 'load config from file'))[0], 'conf/parse_config.py');
    assert.equal(paths(searchMemory(entries, 'cook'))[0], 'lib/response.js');
    assert.equal(paths(searchMemory(entries, 'configg'))[0], 'conf/parse_config.py');
  });

  it('breaks score ties by path depth and length, not by alphabet', () => {
    const entries = [entry('pages/de/common/tar.md', ['tar']), entry('pages/common/tar.md', ['tar']), entry('pages/zh_TW/common/tar.md', ['tar'])];
    assert.deepEqual(paths(searchMemory(entries, 'tar')), ['pages/common/tar.md', 'pages/de/common/tar.md', 'pages/zh_TW/common/tar.md']);
  });

  it('adds up the words: a file matching two words well beats one matching one word well', () => {
    const entries = [entry('a.ts', ['parse'], 'json reader'), entry('b.ts', ['parse', 'json'])];
    assert.deepEqual(paths(searchMemory(entries, 'parse json')), ['b.ts', 'a.ts']);
  });

  it('breaks equal ties by path and returns the path order for an empty query', () => {
    const entries = [entry('c.ts', ['x']), entry('a.ts', ['x']), entry('b.ts', ['x'])];
    assert.deepEqual(paths(searchMemory(entries, 'x')), ['a.ts', 'b.ts', 'c.ts']);
    assert.deepEqual(paths(searchMemory(entries, '   ')), ['a.ts', 'b.ts', 'c.ts']);
    assert.deepEqual(paths(searchMemory(entries, '', 2)), ['a.ts', 'b.ts']);
    assert.deepEqual(searchMemory(entries, 'x', 0), []);
  });

  it('returns with a limit exactly the first results of the unlimited search', () => {
    const words = ['alpha', 'beta', 'gamma', 'delta'];
    const entries = Array.from({ length: 400 }, (_, i) =>
      entry(`dir${i % 7}/${words[i % 4]}${i}.ts`, [`${words[(i * 3) % 4]}Handler`, `${words[(i + 1) % 4]}`], i % 5 === 0 ? 'alpha notes' : ''),
    );
    const index = new SearchIndex(entries);
    for (const q of ['alpha', 'beta handler', 'dir3', 'notes']) {
      const all = index.search(q);
      assert.ok(all.length > 10, q);
      assert.deepEqual(index.search(q, 10), all.slice(0, 10), q);
    }
  });

  it('keeps answering the same after construction: the index copies the entry list', () => {
    const entries = [entry('a.ts', ['one'])];
    const index = new SearchIndex(entries);
    entries.push(entry('b.ts', ['one']));
    assert.equal(index.size, 1);
    assert.deepEqual(paths(index.search('one')), ['a.ts']);
  });

  it('is updated in place: added entries are found, removed ones no longer', () => {
    const a = entry('a.ts', ['one']);
    const b = entry('b.ts', ['one']);
    const index = new SearchIndex([a]);
    index.add(b);
    assert.deepEqual(paths(index.search('one')), ['a.ts', 'b.ts']);
    index.remove(a);
    assert.deepEqual(paths(index.search('one')), ['b.ts']);
    assert.deepEqual(paths(index.search('')), ['b.ts']);
  });
});
