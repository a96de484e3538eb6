// Shared by the table-driven memory extraction tests.
import assert from 'node:assert/strict';
import { extractFacts } from '../../../src/core/memory';

const enc = new TextEncoder();

/** The facts of one text file version, which must be indexed with content. */
export function facts(path: string, text: string) {
  const result = extractFacts({ path, blobSha: 'a'.repeat(40), mode: '100644', size: null, content: enc.encode(text), maxFileSize: 1_000_000 });
  assert.ok(result, `${path} should be indexed with content`);
  return result;
}

/** One row of a language table: the exact symbols and summary a source yields. */
export interface Case {
  name: string;
  path: string;
  source: string;
  symbols: string[];
  summary: string;
}
