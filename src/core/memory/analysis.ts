// What a sync needs to analyse file content, as one module: the pipeline and the engine load it with
// `import()` on the first sync that has content to read, so a no-change resync (and every command that
// reads no content) never loads the language tables, the extractors or web-tree-sitter. The bundles
// turn that import into a separate file (dist/memoryAnalysis.js, scripts/engineSplit.mjs); one module
// keeps one parser state: loadMemoryParsers and extractFacts must come from the same copy.
export { extractFacts, type FileVersion } from './extract';
export { languageByName } from './language';
export { linguistTables } from './linguist';
export { loadMemoryParsers, loadParsersProblem, parserFailures } from './parsers';
export { createFactsPool, type FactsPool } from './pool';
