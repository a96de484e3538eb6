// Project memory: facts from file content, and search over them.
export { BINARY_SNIFF_BYTES, LFS_POINTER_MAX_BYTES, classifyContent, decodeText, splitLines, type ContentKind } from './content';
export { MAX_SCANNED_LINE_LENGTH, extractFacts, type FileVersion } from './extract';
export { languageOf } from './language';
export { SearchIndex, searchMemory, type Searchable } from './search';
export { loadMemoryParsers } from './parsers';
export { createFactsPool, type FactsPool } from './pool';
export { MAX_SUMMARY_LENGTH, extractSummary } from './summary';
export { MAX_SYMBOLS, extractSymbols } from './symbols';
