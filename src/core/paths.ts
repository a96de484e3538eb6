// Git names are bytes. A tree may hold names that are not UTF-8 (`caf\xe8.txt` from a Latin-1
// machine); decoding them with replacement characters would merge `caf\xe8.txt` and `caf\xe9.txt`
// into one path. This is the one conversion between a name's bytes and the string the product
// stores, compares and prints: Python's "surrogateescape" (PEP 383). Valid UTF-8 decodes as usual;
// every byte b of an invalid sequence becomes the lone surrogate U+DC00+b (b is 0x80–0xFF).
// Well-formed UTF-8 never yields a lone surrogate, so the mapping is injective, and JSON keeps lone
// surrogates exactly (`"\udce8"`), so the store holds such names losslessly.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The string for a git name's bytes: UTF-8, with each byte of an invalid sequence as U+DC80–U+DCFF. */
export function decodeGitPath(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes);
  } catch {
    return escapeDecode(bytes);
  }
}

/** The exact bytes of a name `decodeGitPath` produced (its inverse): what trees hash and git is given. */
export function encodeGitPath(name: string): Uint8Array {
  if (!hasEscapedByte(name)) return new TextEncoder().encode(name);
  const out: number[] = [];
  for (const ch of name) {
    const cp = ch.codePointAt(0) as number;
    // `for…of` pairs surrogates, so a lone one here is never half of a real character.
    if (cp >= 0xdc80 && cp <= 0xdcff) out.push(cp - 0xdc00);
    else for (const b of new TextEncoder().encode(ch)) out.push(b);
  }
  return Uint8Array.from(out);
}

/** A lone U+DC80–U+DCFF (not the low half of a surrogate pair): a byte that was not UTF-8. */
const ESCAPED_BYTE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;
const ESCAPED_BYTES = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

/** True when the name held bytes that are not UTF-8. */
export function hasEscapedByte(name: string): boolean {
  return ESCAPED_BYTE.test(name);
}

/**
 * A name for people: each byte that was not UTF-8 as `\xe8` (the form `escapeControls` uses for
 * control characters). Display only; stored names and JSON keep the lossless form.
 */
export function displayGitPath(name: string): string {
  return name.replace(ESCAPED_BYTES, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16)}`);
}

/** Split `name` around its escaped bytes: text pieces and the byte values between them. */
export function splitEscapedBytes(name: string): Array<string | number> {
  const parts: Array<string | number> = [];
  let last = 0;
  for (const m of name.matchAll(ESCAPED_BYTES)) {
    if (m.index > last) parts.push(name.slice(last, m.index));
    parts.push(name.charCodeAt(m.index) - 0xdc00);
    last = m.index + 1;
  }
  if (last < name.length) parts.push(name.slice(last));
  return parts;
}

function escapeDecode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = validSequence(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(0xdc00 + (bytes[i] as number));
      i++;
    } else {
      out += strict.decode(bytes.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence at `i` (Unicode table 3-7), or 0 when there is none. */
function validSequence(b: Uint8Array, i: number): number {
  const c0 = b[i] as number;
  if (c0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) return cont(1) ? 2 : 0;
  if (c0 >= 0xe0 && c0 <= 0xef) {
    // No overlongs (E0 A0..), no UTF-16 surrogates (ED 80..9F).
    const [lo, hi] = c0 === 0xe0 ? [0xa0, 0xbf] : c0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c0 >= 0xf0 && c0 <= 0xf4) {
    // No overlongs (F0 90..), nothing past U+10FFFF (F4 80..8F).
    const [lo, hi] = c0 === 0xf0 ? [0x90, 0xbf] : c0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * A path as it goes into a URI (the extension's `projectsync:` and `projectsync-browse:` URIs):
 * a URI cannot hold a lone surrogate (VS Code's `Uri.toString` throws on one), so each escaped byte
 * becomes U+FFFD and two hex digits (`caf\xe8.txt` → `caf�e8.txt`), and a literal U+FFFD is
 * doubled, which keeps the mapping injective. `fromUriPath` inverts it.
 */
export function toUriPath(path: string): string {
  if (!hasEscapedByte(path) && !path.includes('\ufffd')) return path;
  return path.replace(/(?<![\ud800-\udbff])[\udc80-\udcff]|\ufffd/g, (c) => (c === '\ufffd' ? '\ufffd\ufffd' : `\ufffd${(c.charCodeAt(0) - 0xdc00).toString(16)}`));
}

/** The path a `toUriPath` string stands for. */
export function fromUriPath(text: string): string {
  if (!text.includes('\ufffd')) return text;
  return text.replace(/\ufffd(\ufffd|[89a-f][0-9a-f])/g, (_, x: string) => (x === '\ufffd' ? '\ufffd' : String.fromCharCode(0xdc00 + parseInt(x, 16))));
}
