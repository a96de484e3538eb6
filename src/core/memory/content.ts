// What kind of bytes a blob holds, and turning text bytes into lines.

export type ContentKind = 'text' | 'binary' | 'oversized' | 'lfs-pointer';

/** Git's own heuristic: a NUL byte in the first 8,000 bytes means binary; we look at 8 KiB. */
export const BINARY_SNIFF_BYTES = 8 * 1024;
/** LFS pointer files are tiny; anything this size or larger is the real file. */
export const LFS_POINTER_MAX_BYTES = 1024;

const LFS_PREFIX = new TextEncoder().encode('version https://git-lfs.github.com/spec/v1');

/**
 * Classify a blob's bytes: an LFS pointer (recognised before anything else, it is
 * a small text file), `oversized` above `maxFileSize`, `binary` with a NUL in the
 * first 8 KiB, otherwise `text`.
 */
export function classifyContent(bytes: Uint8Array, maxFileSize: number): { kind: ContentKind } {
  if (isLfsPointer(bytes)) return { kind: 'lfs-pointer' };
  if (bytes.length > maxFileSize) return { kind: 'oversized' };
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  // Buffer#indexOf is memchr over the same bytes (no copy): several times a typed array's indexOf.
  if (Buffer.from(bytes.buffer, bytes.byteOffset, end).indexOf(0) !== -1) return { kind: 'binary' };
  return { kind: 'text' };
}

function isLfsPointer(bytes: Uint8Array): boolean {
  if (bytes.length >= LFS_POINTER_MAX_BYTES || bytes.length < LFS_PREFIX.length) return false;
  for (let i = 0; i < LFS_PREFIX.length; i++) if (bytes[i] !== LFS_PREFIX[i]) return false;
  return true;
}

// Non-fatal: invalid sequences become U+FFFD. ignoreBOM false means a leading BOM is stripped.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });

/** UTF-8 text with a leading byte-order mark removed. */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * The lines of a text, accepting LF, CRLF and lone CR endings. A final line
 * without a newline is a line; the empty text has no lines.
 */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  // Most text has no CR at all: a plain split is several times the regex's speed.
  const lines = text.includes('\r') ? text.split(/\r\n|\n|\r/) : text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
