// A snapshot listed from local git objects with `git ls-tree -r` — no REST. (The portable path lists
// whole trees by REST, as isomorphic-git would inflate every blob to learn its size; it compares two
// trees with diffTreesWithIsoGit in isoGitTree.ts, which sizes only the blobs that changed.)
import { decodeGitPath } from '../../core/paths';
import type { ListedPieces, OnListed, OnPiece } from '../../core/ports';
import { fileModeSchema, type FileMode, type RepositoryFile, type SnapshotDiff } from '../../core/types';
import { runGit, runGitEach } from './catFile';

const EMPTY = Buffer.alloc(0);

/**
 * Every entry of the tree from the git binary, or undefined when this object database lacks it.
 * The output (11 MB at 100k files) is parsed as it arrives, in place, whole entries at a time:
 * never gathered (gathered, it and its chunks stayed on the heap as garbage until the end of a
 * first sync), and a chunk is copied only for the one entry it shares with the chunk before.
 */
export async function lsTreeWithGit(gitPath: string, gitDir: string, treeSha: string, signal?: AbortSignal, onListed?: OnListed): Promise<RepositoryFile[] | undefined>;
/** With `onPiece`: the listing held as git's output (see LsTreeReader), each piece's entries handed to `onPiece`. */
export async function lsTreeWithGit(gitPath: string, gitDir: string, treeSha: string, signal: AbortSignal | undefined, onListed: OnListed | undefined, onPiece: OnPiece): Promise<ListedPieces | undefined>;
export async function lsTreeWithGit(gitPath: string, gitDir: string, treeSha: string, signal?: AbortSignal, onListed?: OnListed, onPiece?: OnPiece): Promise<RepositoryFile[] | ListedPieces | undefined> {
  const reader = new LsTreeReader(onListed, onPiece);
  try {
    await runGitEach(gitPath, ['--git-dir', gitDir, 'ls-tree', '-r', '-l', '-z', '--full-tree', treeSha], (chunk) => reader.push(chunk), undefined, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    return undefined; // not a tree here (missing object, or a shallow cache without it)
  }
  return onPiece ? reader.lean() : reader.end();
}

/**
 * `ls-tree -r -l -z` output parsed as its chunks arrive, cut anywhere (see lsTreeWithGit).
 * `onListed` is called with the list so far (the array end() returns) whenever a chunk added entries.
 * With `onPiece` the reader is lean: each chunk's entries are handed to `onPiece` and dropped, and
 * git's output is kept instead, as whole entries (views of its chunks), for lean() to list again: a
 * 100k-file tree held as 11 MB of bytes rather than 100k objects and their 200k strings, which
 * outlived the young generation's collections as they were listed (growing it to its 32 MB) and
 * stayed through a first sync's memory step.
 */
export class LsTreeReader {
  private readonly files: RepositoryFile[] = [];
  /** Lean: the output's whole entries, in pieces; their count. */
  private readonly raw: Buffer[] | undefined;
  private rawCount = 0;
  /** The start of an entry the chunks so far have not ended. */
  private carry: Buffer | undefined;
  private malformed: unknown;

  constructor(
    private readonly onListed?: OnListed,
    private readonly onPiece?: OnPiece,
  ) {
    this.raw = onPiece ? [] : undefined;
  }

  push(chunk: Buffer): void {
    if (this.raw) {
      const piece: RepositoryFile[] = [];
      this.parse(chunk, piece);
      this.handOver(piece);
      return;
    }
    const before = this.files.length;
    this.parse(chunk, this.files);
    if (this.onListed && this.files.length > before) this.onListed(this.files);
  }

  private handOver(piece: RepositoryFile[]): void {
    if (piece.length === 0) return;
    this.rawCount += piece.length;
    this.onPiece?.(piece);
  }

  /** `files` gets the entries of `buf` from `from` to `to`; a lean reader keeps those bytes. */
  private parseRange(buf: Buffer, from: number, to: number, files: RepositoryFile[]): void {
    parseLsTreeInto(buf, from, to, files);
    this.raw?.push(from === 0 && to === buf.length ? buf : buf.subarray(from, to));
  }

  private parse(chunk: Buffer, files: RepositoryFile[]): void {
    if (this.malformed !== undefined) return;
    try {
      let from = 0;
      if (this.carry) {
        // The entry the last chunk began: completed by this one's bytes up to its first NUL.
        const first = chunk.indexOf(0);
        if (first < 0) {
          this.carry = Buffer.concat([this.carry, chunk]);
          return;
        }
        const whole = Buffer.concat([this.carry, chunk.subarray(0, first + 1)]);
        this.carry = undefined;
        this.parseRange(whole, 0, whole.length, files);
        from = first + 1;
      }
      const last = chunk.lastIndexOf(0);
      if (last >= from) this.parseRange(chunk, from, last + 1, files);
      // Copied: a view would keep the whole chunk alive for a few bytes.
      const rest = Math.max(from, last + 1);
      if (rest < chunk.length) this.carry = Buffer.from(chunk.subarray(rest));
    } catch (e) {
      this.malformed = e;
    }
  }

  /** Every entry; throws when the output was not ls-tree's. */
  end(): RepositoryFile[] {
    this.last(this.files);
    if (this.malformed !== undefined) throw this.malformed;
    return this.files;
  }

  /** A lean reader's listing (see the class); throws when the output was not ls-tree's. */
  lean(): ListedPieces {
    const raw = this.raw;
    if (!raw) throw new Error('not a lean ls-tree reader');
    const piece: RepositoryFile[] = [];
    this.last(piece);
    if (this.malformed !== undefined) throw this.malformed;
    this.handOver(piece);
    const count = this.rawCount;
    let read = false;
    return {
      count,
      // Once: each piece's bytes are let go as its entries are made.
      pieces() {
        if (read) throw new Error('a lean listing is read once');
        read = true;
        return piecesOf(raw);
      },
    };
  }

  /** The entry the output ended with, when its NUL was left out. */
  private last(files: RepositoryFile[]): void {
    if (this.malformed === undefined && this.carry && this.carry.length > 0) {
      try {
        this.parseRange(this.carry, 0, this.carry.length, files);
      } catch (e) {
        this.malformed = e;
      }
      this.carry = undefined;
    }
  }
}

/** The entries of each piece of ls-tree's output, each piece's bytes let go as its entries are made. */
function* piecesOf(raw: Buffer[]): Generator<RepositoryFile[]> {
  for (let i = 0; i < raw.length; i++) {
    const buf = raw[i] as Buffer;
    raw[i] = EMPTY;
    const files: RepositoryFile[] = [];
    parseLsTreeInto(buf, 0, buf.length, files);
    yield files;
  }
  raw.length = 0;
}

/**
 * The modes a snapshot records (trees are not listed with -r; anything else is unknown and skipped),
 * each one string shared by every entry of that mode (not 100k copies), found by the six digits'
 * value: no string is made to look one up.
 */
const FILE_MODES: ReadonlyMap<number, FileMode> = new Map(fileModeSchema.options.map((m) => [Number(m), m]));

/** `<mode> SP <type> SP <sha> SP+ <size|-> TAB <path> NUL` entries: see parseLsTreeInto. */
export function parseLsTree(out: Buffer): RepositoryFile[] {
  const files: RepositoryFile[] = [];
  parseLsTreeInto(out, 0, out.length, files);
  return files;
}

/**
 * The entries of `out` between `from` and `to` (whole entries, the last one's NUL optional) added
 * to `files`: `<mode> SP <type> SP <sha> SP+ <size|-> TAB <path> NUL`, paths as raw bytes (see
 * core/paths.ts). Read byte by byte: at 100k entries a split, a regex and a schema check per entry
 * cost 0.3 s.
 */
function parseLsTreeInto(out: Buffer, from: number, to: number, files: RepositoryFile[]): void {
  let start = from;
  while (start < to) {
    let end = out.indexOf(0, start);
    if (end < 0 || end > to) end = to;
    const tab = out.indexOf(9, start);
    if (tab < 0 || tab > end) throw new Error('unexpected ls-tree output');
    const modeEnd = out.indexOf(32, start);
    const typeEnd = modeEnd < 0 ? -1 : out.indexOf(32, modeEnd + 1);
    // A 40-digit sha then a space (`-l`) or the tab: anything else (a SHA-256 repository) is not read wrongly.
    if (modeEnd < 0 || typeEnd < 0 || typeEnd + 41 > tab || (out[typeEnd + 41] !== 32 && out[typeEnd + 41] !== 9)) throw new Error('unexpected ls-tree output');
    let modeValue = modeEnd - start === 6 ? 0 : -1;
    for (let i = start; modeValue >= 0 && i < modeEnd; i++) {
      const digit = (out[i] as number) - 48;
      modeValue = digit >= 0 && digit <= 7 ? modeValue * 10 + digit : -1;
    }
    const known = FILE_MODES.get(modeValue);
    if (known === undefined) {
      start = end + 1;
      continue;
    }
    const sha = out.toString('latin1', typeEnd + 1, typeEnd + 41);
    let size: number | null = null;
    let i = typeEnd + 41;
    while (i < tab && out[i] === 32) i++;
    if (out[i] !== 45 /* '-' */) {
      size = 0;
      for (; i < tab; i++) size = size * 10 + ((out[i] as number) - 48);
    }
    const path = pathAt(out, tab + 1, end);
    start = end + 1;
    files.push({ path, blobSha: sha, mode: known, size: known === '160000' ? null : size });
  }
}

/** An ASCII name is its bytes; any other goes through decodeGitPath. */
function pathAt(out: Buffer, from: number, to: number): string {
  for (let i = from; i < to; i++) if ((out[i] as number) >= 0x80) return decodeGitPath(out.subarray(from, to));
  return out.toString('latin1', from, to);
}

/**
 * What changed between two trees, from `git diff-tree -r`: git skips every subtree whose sha is
 * equal, so the cost grows with the change, not the repository. Sizes of the blobs involved come
 * from `sizes` (a reader already running, the cache's after a transfer) or else one `cat-file
 * --batch-check`. Undefined when this object database lacks either tree. (Reading the trees through
 * the running `cat-file --batch` instead, treeDiff.ts, cost more of this thread than diff-tree's
 * spawn: 412 trees at 10k files 1%, one pipe round trip per level, 24 ms slower a sync.)
 */
export async function diffTreesWithGit(
  gitPath: string,
  gitDir: string,
  baseTree: string,
  newTree: string,
  signal?: AbortSignal,
  opts: { sizes?: (shas: readonly string[]) => Promise<ReadonlyMap<string, number>> } = {},
): Promise<SnapshotDiff | undefined> {
  let out: Buffer;
  try {
    out = await runGit(gitPath, ['--git-dir', gitDir, 'diff-tree', '-r', '-z', '--raw', '--no-renames', '--full-index', baseTree, newTree], undefined, { signal });
  } catch (e) {
    if (signal?.aborted) throw e;
    return undefined;
  }
  const raw = parseDiffTree(out);
  const shas = new Set<string>();
  for (const r of raw) {
    if (r.oldMode !== '000000' && r.oldMode !== '160000') shas.add(r.oldSha);
    if (r.newMode !== '000000' && r.newMode !== '160000') shas.add(r.newSha);
  }
  const sizes = shas.size === 0 ? new Map<string, number>() : await (opts.sizes ?? ((list) => objectSizes(gitPath, gitDir, list, signal)))([...shas]);
  const entry = (path: string, mode: string, sha: string): RepositoryFile | undefined => {
    const m = fileModeSchema.safeParse(mode);
    if (!m.success) return undefined;
    const size = m.data === '160000' ? null : sizes.get(sha);
    if (size === undefined) throw new Error(`git diff-tree named ${sha}, which cat-file cannot size`);
    return { path, blobSha: sha, mode: m.data, size };
  };
  const diff: SnapshotDiff = { added: [], modified: [], removed: [] };
  for (const r of raw) {
    const before = r.oldMode === '000000' ? undefined : entry(r.path, r.oldMode, r.oldSha);
    const after = r.newMode === '000000' ? undefined : entry(r.path, r.newMode, r.newSha);
    if (before && after) diff.modified.push({ before, after });
    else if (after) diff.added.push(after);
    else if (before) diff.removed.push(before);
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  diff.added.sort(byPath);
  diff.removed.sort(byPath);
  diff.modified.sort((a, b) => byPath(a.after, b.after));
  return diff;
}

interface RawChange {
  oldMode: string;
  newMode: string;
  oldSha: string;
  newSha: string;
  path: string;
}

/** `:<old mode> <new mode> <old sha> <new sha> <status> NUL <path> NUL`, repeated; paths raw bytes. */
export function parseDiffTree(out: Buffer): RawChange[] {
  const changes: RawChange[] = [];
  let start = 0;
  while (start < out.length) {
    const metaEnd = out.indexOf(0, start);
    if (metaEnd < 0) break;
    const pathEnd = out.indexOf(0, metaEnd + 1);
    const meta = out.toString('latin1', start, metaEnd);
    const path = decodeGitPath(out.subarray(metaEnd + 1, pathEnd < 0 ? out.length : pathEnd));
    start = pathEnd < 0 ? out.length : pathEnd + 1;
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]{40}) ([0-9a-f]{40}) [A-Z]\d*$/.exec(meta);
    if (!m) throw new Error(`unexpected diff-tree output: ${meta}`);
    changes.push({ oldMode: m[1] as string, newMode: m[2] as string, oldSha: m[3] as string, newSha: m[4] as string, path });
  }
  return changes;
}

/** The sizes of the blobs `shas` names, from one `cat-file --batch-check`. */
async function objectSizes(gitPath: string, gitDir: string, shas: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const out = await runGit(gitPath, ['--git-dir', gitDir, 'cat-file', '--batch-check=%(objectname) %(objectsize)'], `${shas.join('\n')}\n`, { signal });
  for (const line of out.toString('latin1').split('\n')) {
    const [sha, size] = line.split(' ');
    if (sha && size && /^\d+$/.test(size)) sizes.set(sha, Number(size));
  }
  return sizes;
}
