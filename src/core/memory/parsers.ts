// Real parsers for the memory: web-tree-sitter with the prebuilt grammars of `tree-sitter-wasms`,
// read with the tags queries of ./symbols/tags. Loading is asynchronous (WebAssembly); parsing is
// synchronous, so extractFacts stays synchronous and falls back to regexes until loadMemoryParsers
// has resolved. The .wasm files are read from `tree-sitter/` next to the bundle (esbuild.mjs copies
// them into dist/), or from node_modules when running from source.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Language, Parser, Query, type Node, type Tree } from 'web-tree-sitter';
import { SymbolList } from './symbols/list';
import { TAGS, type TagsGrammar } from './symbols/tags';

interface Grammar {
  language: Language;
  query: Query;
  spec: TagsGrammar;
  transparent: ReadonlySet<string>;
  /** How deep a definition can start: 1 (the root's children) when the grammar has no transparent wrappers. */
  maxStartDepth: number;
}

interface Loaded {
  parser: Parser;
  grammars: Map<string, Grammar>;
}

let loaded: Loaded | undefined;
/** Languages whose grammar or query failed to load, with why (they use regex extraction). */
export const failures: string[] = [];
let loading: Promise<void> | undefined;
/** The grammars folder of `loading` ('' for wasmDirs()'s). */
let loadingFrom: string | undefined;
let runtime: Promise<void> | undefined;

/** Folder holding the grammar .wasm files, and the one holding web-tree-sitter's own tree-sitter.wasm. */
export function wasmDirs(): { grammars: string; runtime: string } {
  const bundled = path.join(__dirname, 'tree-sitter');
  if (existsSync(path.join(bundled, 'tree-sitter.wasm'))) return { grammars: bundled, runtime: bundled };
  // Running from source (tests, tsx): the packages themselves. createRequire keeps bundlers from resolving these.
  const resolve = createRequire(__filename).resolve;
  return {
    grammars: path.join(path.dirname(resolve('tree-sitter-wasms/package.json')), 'out'),
    runtime: path.dirname(resolve('web-tree-sitter')),
  };
}

/** The .wasm files the memory needs at run time (for packaging). */
export function wasmFiles(): string[] {
  return ['tree-sitter.wasm', ...new Set(Object.values(TAGS).map((g) => g.wasm))];
}

/**
 * Load the memory's parsers; idempotent. Until it resolves, extractFacts uses its regex extraction.
 * Languages whose grammar does not load are in `failures` (and use the regexes). `grammars`: the
 * folder of the grammar .wasm files (default wasmDirs()'s; tests point it at a folder with a damaged
 * one): another folder than the last load's loads them again from there.
 */
export function loadMemoryParsers(grammars?: string): Promise<void> {
  if (loading && loadingFrom === (grammars ?? '')) return loading;
  // After the load under way (one at a time: loads share the runtime and `failures`).
  const current: Promise<void> = (loading ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => load(grammars))
    .catch((e: unknown) => {
      if (loading === current) {
        loading = undefined;
        loadingFrom = undefined;
      }
      throw e;
    });
  loading = current;
  loadingFrom = grammars ?? '';
  return current;
}

/** Why the grammars that did not load in the last load did not (empty when all did). */
export function parserFailures(): readonly string[] {
  return [...failures];
}

/**
 * loadMemoryParsers, then what did not load in words for the log (undefined when all did): the
 * extension's engine and each worker thread say it the same way.
 */
export async function loadParsersProblem(grammars?: string): Promise<string | undefined> {
  try {
    await loadMemoryParsers(grammars);
  } catch (e) {
    return `the memory parsers did not load (${(e instanceof Error ? e.message : String(e)).split('\n')[0]}): symbols come from the regex extraction`;
  }
  return failures.length > 0 ? `some memory parsers did not load (${failures.join('; ')}): those languages use the regex extraction` : undefined;
}

async function load(from: string | undefined): Promise<void> {
  // Resolved here, so a packaging without the grammars is a rejection (the caller's regexes), not a throw.
  const grammarsDir = from ?? wasmDirs().grammars;
  // The runtime once per thread (an init again would start another WebAssembly module under the languages loaded).
  runtime ??= Parser.init({ locateFile: (name: string) => path.join(wasmDirs().runtime, name) }).catch((e: unknown) => {
    runtime = undefined;
    throw e;
  });
  await runtime;
  // One at a time: concurrent loads of WebAssembly side modules race in the runtime's symbol table.
  const byWasm = new Map<string, Language>();
  const grammars: Loaded['grammars'] = new Map();
  failures.length = 0;
  for (const [id, spec] of Object.entries(TAGS)) {
    try {
      let language = byWasm.get(spec.wasm);
      if (!language) byWasm.set(spec.wasm, (language = await Language.load(path.join(grammarsDir, spec.wasm))));
      grammars.set(id, {
        language,
        query: new Query(language, spec.query),
        spec,
        transparent: new Set(spec.transparent),
        maxStartDepth: spec.transparent.length === 0 ? 1 : MAX_START_DEPTH,
      });
    } catch (e) {
      // A grammar that does not load (or a query it rejects) leaves its language to the regexes.
      failures.push(`${id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  loaded = { parser: new Parser(), grammars };
}

/** Whether `language` is read by a real parser right now. */
export function hasParser(language: string): boolean {
  return loaded?.grammars.has(language) ?? false;
}

const MAX_START_DEPTH = 8;

/** Files larger than this are not parsed (a parse is linear, but generated code of this size says little). */
const MAX_PARSE_CHARS = 2_000_000;

/**
 * The work a parse may do, in the parser's progress checks (one per 100 of its operations): a fixed
 * allowance plus so many per 1,000 characters, five times what real files need (at most 12 per 1,000
 * characters in the corpus). A parse that goes over is stopped and the file gets the regex symbols.
 * A count, not a clock, so the outcome depends on the text alone, as the facts must; it bounds the
 * operations, not their cost (error recovery does more per operation: the bench repository's Python
 * files, which are not valid Python, parse at a tenth of the speed for the same count). Mutable for tests only.
 */
export const parseBudget = { base: 500, perKChar: 60 };

/**
 * Top-level symbols of `text` by the language's grammar and tags query, in source order; undefined
 * when no parser is loaded for the language, or the parse went over its budget (the caller then uses regexes).
 */
export function parseSymbols(language: string, text: string): string[] | undefined {
  const g = loaded?.grammars.get(language);
  if (!loaded || !g || text.length > MAX_PARSE_CHARS) return undefined;
  const { parser } = loaded;
  if (parser.language !== g.language) parser.setLanguage(g.language);
  const source = g.spec.prepare ? g.spec.prepare(text) : text;
  const budget = parseBudget.base + Math.ceil((source.length * parseBudget.perKChar) / 1000);
  let checks = 0;
  const tree = parser.parse(source, null, { progressCallback: () => ++checks > budget });
  if (!tree) {
    // A stopped parse stays in the parser, and its next parse would resume it (on another file's text).
    parser.reset();
    return undefined;
  }
  try {
    // Without transparent wrappers a definition is top level by its depth (maxStartDepth 1: the root's
    // children). With them, its parents are looked at; in a long file, the set of top-level nodes instead.
    const wrapped = g.transparent.size > 0;
    const top = wrapped && tree.rootNode.childCount > MANY_TOP_LEVEL_NODES ? topLevelIds(tree, g) : undefined;
    const found: { at: number; name: string; assigned: boolean }[] = [];
    const imported = new Set<string>();
    // Top-level definitions start near the root (under export statements, preprocessor blocks,
    // `extern "C"`): matches starting deeper are nested definitions and need not be looked at.
    for (const m of g.query.matches(tree.rootNode, { maxStartDepth: g.maxStartDepth })) {
      let def: Node | undefined;
      let recv: string | undefined;
      const names: Node[] = [];
      for (const c of m.captures) {
        if (c.name === 'def') def = c.node;
        else if (c.name === 'name') names.push(c.node);
        else if (c.name === 'recv') recv = c.node.text;
        else if (c.name === 'imported') imported.add(c.node.text);
      }
      if (!def || names.length === 0 || (wrapped && !(top ? top.has(def.id) : topLevel(def, g)))) continue;
      for (const n of names) {
        const raw = g.spec.name ? g.spec.name(n.text, def.type) : n.text;
        if (raw) found.push({ at: n.startIndex, name: recv ? `${recv}.${raw}` : raw, assigned: def.type === 'expression_statement' });
      }
    }
    found.sort((a, b) => a.at - b.at);
    const out = new SymbolList();
    for (const f of found) if (!(f.assigned && imported.has(f.name))) out.add(f.name);
    return out.names;
  } finally {
    tree.delete();
  }
}

/** Whether every node between `def` and the root is of a transparent type (and not opaque). */
function topLevel(def: Node, g: Grammar): boolean {
  for (let n = def.parent; n; n = n.parent) {
    if (!n.parent) return true; // the root
    if (!g.transparent.has(n.type) || g.spec.opaque?.(n.type, n.text)) return false;
  }
  return true;
}

/**
 * Above this many children of the root, topLevelIds rather than topLevel: web-tree-sitter finds a
 * node's parent by descending from the root, a scan of the siblings before it at each level, so a
 * parent walk per definition is quadratic in a long file (16,000 top-level functions: some 0.15 s);
 * below it, the walk over every top-level node (two calls into the runtime each) costs more.
 */
const MANY_TOP_LEVEL_NODES = 1000;

/**
 * Ids of the nodes that count as top level: the root's children, and the children of a top-level node
 * of a transparent type (export statements, preprocessor blocks, ...). One cursor walk over just
 * those.
 */
function topLevelIds(tree: Tree, g: Grammar): Set<number> {
  const ids = new Set<number>();
  const cursor = tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return ids;
    for (;;) {
      ids.add(cursor.nodeId);
      if (g.transparent.has(cursor.nodeType) && !g.spec.opaque?.(cursor.nodeType, cursor.currentNode.text) && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        // Back up to the next sibling of a transparent node whose children are done; stop at the root.
        if (!cursor.gotoParent() || cursor.currentDepth === 0) return ids;
      }
    }
  } finally {
    cursor.delete();
  }
}
