// One file version in, its memory facts out: language, line count, symbols, summary.
import { fileType } from '../fileType';
import type { FileMode, MemoryFacts } from '../types';
import { classifyContent, decodeText, splitLines } from './content';
import { languageOf } from './language';
import { parseSymbols } from './parsers';
import { extractSummary } from './summary';
import { extractSymbols } from './symbols';

export interface FileVersion {
  path: string;
  blobSha: string;
  mode: FileMode;
  /** Bytes of the blob, when known (null for submodules). */
  size: number | null;
  /** The blob's bytes; without them there is nothing to read. */
  content?: Uint8Array;
  maxFileSize: number;
}

/**
 * The memory facts of a text file, or undefined for what is indexed without content:
 * symlinks, submodules, missing content, binary, oversized and LFS-pointer blobs. Symbols come from
 * the tree-sitter parsers once loaded (loadMemoryParsers), unless `parsers: false`; else regexes.
 */
export function extractFacts(input: FileVersion, opts: { parsers?: boolean } = {}): MemoryFacts | undefined {
  const { path, blobSha, mode, size, content, maxFileSize } = input;
  if (fileType(mode) !== 'blob' || content === undefined) return undefined;
  if (size !== null && size > maxFileSize) return undefined;
  if (classifyContent(content, maxFileSize).kind !== 'text') return undefined;
  const text = decodeText(content);
  const lines = splitLines(text);
  const language = languageOf(path, lines[0] ?? '');
  const scan = readableLines(lines);
  return {
    path,
    blobSha,
    language,
    lines: lines.length,
    // The parser reads what the regexes read: data lines (minified code, base64) blanked out.
    symbols: (opts.parsers === false ? undefined : parseSymbols(language, scan === lines ? text : scan.join('\n'))) ?? extractSymbols(language, scan),
    summary: extractSummary(language, scan),
  };
}

/**
 * Lines longer than this are data (minified bundles, embedded base64), never a
 * declaration or a heading; skipping them keeps every regex scan short.
 */
export const MAX_SCANNED_LINE_LENGTH = 1000;

function readableLines(lines: string[]): readonly string[] {
  if (!lines.some((l) => l.length > MAX_SCANNED_LINE_LENGTH)) return lines;
  return lines.map((l) => (l.length > MAX_SCANNED_LINE_LENGTH ? '' : l));
}
