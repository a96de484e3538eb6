// Snapshots live outside history.json as a graph keyed by tree sha: a node is either a full base
// or a delta (upserted and removed paths) on top of its parent node. A tree sha is stored once, so
// a no-change sync or a restore writes nothing; a new base is written only when the deltas since
// the last base grow past half a snapshot, which keeps many small syncs near one snapshot's size.
import { diffSnapshots, sortedByPath } from '../core/diff';
import type { SnapshotPrewrite } from '../core/ports';
import type { RepositoryFile, SnapshotDiff } from '../core/types';
import { CorruptFileError, parseJsonWith } from './historyAdapter';
import { randomSuffix, type AtomicFile, type FileOps } from './fsOps';
import { fromTuple, SNAPSHOT_DIR, toTuple, type FileTuple, type SnapshotFile, type SnapshotNode } from './schema';
import { checkRepositoryFile, snapshotFile } from './validate';

/** Rebase when accumulated delta entries exceed this share of the snapshot's file count. */
const REBASE_RATIO = 0.5;
const MAX_DEPTH = 100;
const CACHE_SIZE = 3;
/** Bytes of a node file per write (each piece a buffer of its own, held by the file until written). */
const WRITE_PIECE = 64 * 1024;

/** A node file's content, its entries as tuples or (a full base) as the files themselves. */
type SnapshotContent = Omit<SnapshotFile, 'upsert'> & { upsert: readonly (FileTuple | RepositoryFile)[] };

export const snapshotRel = (file: string): string => `${SNAPSHOT_DIR}/${file}`;

export class SnapshotStore {
  private readonly cache = new Map<string, RepositoryFile[]>();

  constructor(
    private readonly files: FileOps,
    private readonly index: () => Record<string, SnapshotNode>,
  ) {}

  has(treeSha: string): boolean {
    return this.index()[treeSha] !== undefined;
  }

  /** The file count of a stored snapshot, without reading it. */
  fileCount(treeSha: string): number | undefined {
    return this.index()[treeSha]?.files;
  }

  /** The full file set at `treeSha`, sorted by path. CorruptFileError when a node file is unusable. */
  async read(treeSha: string): Promise<RepositoryFile[]> {
    const hit = this.cache.get(treeSha);
    if (hit) {
      this.remember(treeSha, hit);
      return hit.slice();
    }
    const chain = this.chainTo(treeSha);
    const byPath = new Map<string, RepositoryFile>();
    for (const sha of chain) applyDelta(byPath, await this.readNode(sha));
    const result = sortByPath([...byPath.values()]);
    this.remember(treeSha, result);
    return result.slice();
  }

  /**
   * On open, without decoding anything: every node file must exist with the byte size recorded when
   * it was written (a truncated or replaced file is found here). Nodes written before sizes were
   * recorded are parsed and validated in full. Contents are validated on every read.
   */
  async verifyAll(): Promise<void> {
    for (const [sha, node] of Object.entries(this.index())) {
      if (node.bytes === undefined) {
        await this.readNode(sha);
        continue;
      }
      const rel = snapshotRel(node.file);
      const actual = await this.files.sizeOf(rel);
      if (actual === undefined) throw new CorruptFileError(rel, 'is missing');
      if (actual !== node.bytes) throw new CorruptFileError(rel, `has ${actual} bytes, ${node.bytes} were written`);
    }
  }

  /**
   * Write the node for `treeSha` under a fresh file name (not yet referenced by history.json) and
   * return it; undefined when that tree is already stored.
   */
  async writeNode(treeSha: string, parentSha: string | null, files: RepositoryFile[]): Promise<SnapshotNode | undefined> {
    if (this.has(treeSha)) return undefined;
    const parentNode = parentSha === null ? undefined : this.index()[parentSha];
    let content: SnapshotContent;
    let node: Omit<SnapshotNode, 'file'>;
    const sorted = sortByPath(files);
    const delta = parentNode && parentSha ? diffForDelta(await this.read(parentSha), sorted) : undefined;
    const entries = delta ? delta.upsert.length + delta.remove.length : 0;
    if (delta && parentNode && parentSha && parentNode.deltaEntries + entries <= files.length * REBASE_RATIO && parentNode.depth < MAX_DEPTH) {
      content = { parent: parentSha, treeSha, ...delta };
      node = { parent: parentSha, files: files.length, deltaEntries: parentNode.deltaEntries + entries, depth: parentNode.depth + 1 };
    } else {
      content = { parent: null, treeSha, upsert: sorted, remove: [] };
      node = { parent: null, files: files.length, deltaEntries: 0, depth: 0 };
    }
    const written = await this.writeFile(treeSha, content, node);
    this.remember(treeSha, sorted);
    return written;
  }

  /**
   * Write the node for `treeSha` as `parentSha`'s snapshot plus `diff`, reading neither in full while
   * the accumulated deltas stay small (then the cost is the diff's); past the rebase threshold, a
   * full base is written from the parent's files with the diff applied. Returns the node and the
   * new snapshot's file count.
   */
  async writeDeltaNode(treeSha: string, parentSha: string, diff: SnapshotDiff): Promise<{ node: SnapshotNode | undefined; fileCount: number }> {
    const parentNode = this.index()[parentSha];
    if (!parentNode) throw new Error(`snapshot ${parentSha} is not stored`);
    const fileCount = parentNode.files + diff.added.length - diff.removed.length;
    const upsert = [...diff.added, ...diff.modified.map((m) => m.after)].sort(byPathCmp).map(toTuple);
    const remove = diff.removed.map((f) => f.path).sort();
    const entries = upsert.length + remove.length;
    if (parentNode.deltaEntries + entries <= fileCount * REBASE_RATIO && parentNode.depth < MAX_DEPTH) {
      const content: SnapshotFile = { parent: parentSha, treeSha, upsert, remove };
      const node = { parent: parentSha, files: fileCount, deltaEntries: parentNode.deltaEntries + entries, depth: parentNode.depth + 1 };
      return { node: await this.writeFile(treeSha, content, node), fileCount };
    }
    const byPath = new Map((await this.read(parentSha)).map((f) => [f.path, f]));
    applyDelta(byPath, { parent: parentSha, treeSha, upsert, remove });
    const files = sortByPath([...byPath.values()]);
    return { node: await this.writeNode(treeSha, null, files), fileCount: files.length };
  }

  /**
   * The node file is written piece by piece, each piece once the last reached the file: at 100k
   * files, the whole text (13 MB, its bytes as much again) and a tuple per file were held at once,
   * old-generation garbage that stayed until the sync's end.
   */
  private async writeFile(treeSha: string, content: SnapshotContent, node: Omit<SnapshotNode, 'file' | 'bytes'>): Promise<SnapshotNode> {
    const file = nodeFileName(treeSha);
    const out = await this.files.openAtomic(snapshotRel(file));
    try {
      for (const piece of snapshotJson(content, WRITE_PIECE)) {
        out.write(piece);
        await out.drained();
      }
    } catch (e) {
      await out.abort();
      throw e;
    }
    return { file, ...node, bytes: await out.commit() };
  }

  /**
   * Start the full node file of `treeSha` (no parent) before its files are known: a listing hands
   * them over as it grows (`SnapshotPrewrite.listed`), so the file is written while git still lists
   * and complete() only ends it. Undefined when that tree is already stored.
   */
  async prewrite(treeSha: string): Promise<PrewrittenSnapshot | undefined> {
    if (this.has(treeSha)) return undefined;
    const file = nodeFileName(treeSha);
    return new PrewrittenSnapshot(await this.files.openAtomic(snapshotRel(file)), treeSha, file);
  }

  /**
   * The node of a prewritten snapshot (checked by the caller with `holds` or `wrote`): its file is
   * completed, and `files`, when the caller holds them, remembered as writeNode remembers them.
   */
  async adopt(prewritten: PrewrittenSnapshot, files?: RepositoryFile[]): Promise<SnapshotNode> {
    const node = await prewritten.finish();
    // A copy, as writeNode keeps: the cache never shares an array with a caller.
    if (files) this.remember(prewritten.treeSha, files.slice());
    return node;
  }

  /** Forget cached reconstructions (after the index was reloaded from disk). */
  clearCache(): void {
    this.cache.clear();
  }

  private chainTo(treeSha: string): string[] {
    const chain: string[] = [];
    let sha: string | null = treeSha;
    while (sha !== null) {
      const node: SnapshotNode | undefined = this.index()[sha];
      if (!node) throw new Error(`snapshot ${sha} is not stored`);
      chain.unshift(sha);
      sha = node.parent;
    }
    return chain;
  }

  private async readNode(sha: string): Promise<SnapshotFile> {
    const node = this.index()[sha];
    if (!node) throw new Error(`snapshot ${sha} is not stored`);
    const rel = snapshotRel(node.file);
    const text = await this.files.readText(rel);
    if (text === undefined) throw new CorruptFileError(rel, 'is missing');
    const parsed = parseJsonWith(rel, text, snapshotFile);
    if (parsed.treeSha !== sha || parsed.parent !== node.parent) throw new CorruptFileError(rel, 'does not match its index entry');
    return parsed;
  }

  private remember(treeSha: string, files: RepositoryFile[]): void {
    this.cache.delete(treeSha);
    this.cache.set(treeSha, files);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
  }
}

/**
 * A full snapshot node (no parent) written as its listing grows, the text a node of those files
 * gets from writeNode: each entry checked as checkCompleteInput checks a snapshot's files, and in
 * strictly ascending path order (a listing in another order — git's byte order differs from a
 * string's for some names — or with a bad entry stops being written and is left to writeNode).
 * complete() takes the file only when its snapshot is the very list that was listed (`holds`).
 */
export class PrewrittenSnapshot implements SnapshotPrewrite {
  private list: readonly RepositoryFile[] | undefined;
  private count = 0;
  /** The last path written. */
  private lastPath: string | undefined;
  private lean = false;
  private readonly bytes: NodeBytes;
  private usable = true;
  private ended = false;
  /** Bytes handed to the file, and how many of them it has taken (see PREWRITE_QUEUE). */
  private queued = 0;
  private flushed = 0;

  constructor(
    private readonly out: AtomicFile,
    readonly treeSha: string,
    private readonly file: string,
  ) {
    this.bytes = new NodeBytes(WRITE_PIECE, (piece) => this.write(piece));
    this.bytes.text(nodeHead(null, treeSha));
  }

  listed(files: readonly RepositoryFile[]): void {
    if (!this.usable || this.ended) return;
    if (this.lean || (this.list !== undefined && files !== this.list)) return this.giveUp();
    this.list = files;
    this.append(files, this.count);
  }

  piece(entries: readonly RepositoryFile[]): void {
    if (!this.usable || this.ended) return;
    // One listing per file: a list after pieces, or pieces after a list, is another listing.
    if (this.list !== undefined) return this.giveUp();
    this.lean = true;
    this.append(entries, 0);
  }

  /** `entries` from `from` on, each checked and after the last path written, to the file; else it gives up. */
  private append(entries: readonly RepositoryFile[], from: number): void {
    try {
      for (let i = from; i < entries.length; i++) {
        const f = entries[i] as RepositoryFile;
        checkRepositoryFile(f);
        if (this.lastPath !== undefined && !(this.lastPath < f.path)) return this.giveUp();
        this.bytes.tuple(this.count === 0, f.path, f.blobSha, f.mode, f.size);
        if (!this.usable) return;
        this.count++;
        this.lastPath = f.path;
      }
    } catch {
      return this.giveUp();
    }
  }

  /** Whether `files` is exactly the list written (the same array, every entry of it). */
  holds(files: readonly RepositoryFile[] | undefined): boolean {
    return this.usable && !this.ended && !this.lean && files !== undefined && files === this.list && files.length === this.count;
  }

  wrote(count: number): boolean {
    return this.usable && !this.ended && this.lean && count === this.count;
  }

  /** Complete the file under its name: its node. */
  async finish(): Promise<SnapshotNode> {
    this.ended = true;
    this.bytes.text(`${UPSERT_END}${NODE_END}`);
    this.bytes.end();
    let bytes: number;
    try {
      bytes = await this.out.commit();
    } catch (e) {
      // Not left behind until the next open (a failure that is not the disk's keeps it otherwise).
      await this.out.abort().catch(() => undefined);
      throw e;
    }
    return { file: this.file, parent: null, files: this.count, deltaEntries: 0, depth: 0, bytes };
  }

  async abort(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.list = undefined;
    await this.out.abort();
  }

  /**
   * A piece to the file. The listing hands entries over in its data callback, which cannot wait for
   * the disk: pieces queue instead, and a disk more than PREWRITE_QUEUE behind the listing ends the
   * head start (writeFile waits for each piece instead).
   */
  private write(piece: Buffer): void {
    if (!this.usable) return;
    if (!this.ended && this.queued - this.flushed > PREWRITE_QUEUE) return this.giveUp();
    this.out.write(piece);
    this.queued += piece.length;
    const upTo = this.queued;
    void this.out.drained().then(() => {
      this.flushed = Math.max(this.flushed, upTo);
    });
  }

  /** Written no further (the temp file goes at abort, which complete() or the pipeline calls). */
  private giveUp(): void {
    this.usable = false;
    this.list = undefined;
  }
}

/** Bytes of a prewritten snapshot the file may be behind by (4 MB; 13 MB is the whole at 100k files). */
const PREWRITE_QUEUE = 64 * WRITE_PIECE;

/** A node file's fresh name (not yet referenced by history.json). */
const nodeFileName = (treeSha: string): string => `${treeSha}-${randomSuffix()}.json`;

const nodeHead = (parent: string | null, treeSha: string): string => `{"parent":${JSON.stringify(parent)},"treeSha":${JSON.stringify(treeSha)},"upsert":[`;
const UPSERT_END = '],"remove":[';
const NODE_END = ']}';

/** JSON.stringify(content)'s bytes (UTF-8) with each file as its tuple, in pieces of about `piece` bytes. */
export function* snapshotJson(content: SnapshotContent, piece: number): Generator<Buffer> {
  const pieces: Buffer[] = [];
  const out = new NodeBytes(piece, (b) => pieces.push(b));
  out.text(nodeHead(content.parent, content.treeSha));
  for (let i = 0; i < content.upsert.length; i++) {
    const entry = content.upsert[i] as FileTuple | RepositoryFile;
    if (Array.isArray(entry)) out.tuple(i === 0, entry[0], entry[1], entry[2], entry[3]);
    else out.tuple(i === 0, entry.path, entry.blobSha, entry.mode, entry.size);
    if (pieces.length > 0) yield* pieces.splice(0);
  }
  out.text(UPSERT_END);
  for (let i = 0; i < content.remove.length; i++) {
    out.text((i === 0 ? '' : ',') + JSON.stringify(content.remove[i]));
    if (pieces.length > 0) yield* pieces.splice(0);
  }
  out.text(NODE_END);
  out.end();
  yield* pieces;
}

/**
 * A node file's bytes written straight into buffers of about `piece` bytes, each handed to `emit`
 * once full, or before text that needs a piece of its own, or at the end (and never touched again:
 * the file holds it until written). A file is its tuple,
 * `JSON.stringify([path, blobSha, mode, size])`, without the tuple or its text: at 100k files the
 * strings and their conversion to bytes were a fifth of a first sync's listing on this thread. The
 * sha and the mode were validated (hex digits, one of four modes); a path of printable ASCII
 * without `"` or `\` is its own JSON, any other goes through JSON.stringify.
 */
class NodeBytes {
  private buf: Buffer;
  private pos = 0;

  constructor(
    private readonly piece: number,
    private readonly emit: (bytes: Buffer) => void,
  ) {
    this.buf = Buffer.allocUnsafe(piece + TUPLE_ROOM);
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    if (this.pos + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) return this.emit(Buffer.from(s, 'utf8'));
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
    if (this.pos >= this.piece) this.flush();
  }

  tuple(first: boolean, path: string, blobSha: string, mode: string, size: number | null): void {
    if (this.pos + path.length + TUPLE_ROOM > this.buf.length) {
      this.flush();
      // A path longer than a piece: its tuple as text, a piece of its own.
      if (path.length + TUPLE_ROOM > this.buf.length) return this.text((first ? '' : ',') + tupleText(JSON.stringify(path), blobSha, mode, size));
    }
    const buf = this.buf;
    let at = this.pos;
    if (!first) buf[at++] = 0x2c; // ,
    buf[at++] = 0x5b; // [
    const start = at;
    buf[at++] = 0x22; // "
    let plain = true;
    for (let i = 0; i < path.length; i++) {
      const c = path.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        plain = false;
        break;
      }
      buf[at++] = c;
    }
    if (plain) buf[at++] = 0x22;
    else {
      const json = JSON.stringify(path);
      if (start + json.length * 3 + TUPLE_ROOM > buf.length) {
        // Escaped, it may not fit: what was written of it is dropped (this.pos is before it).
        this.flush();
        return this.text((first ? '' : ',') + tupleText(json, blobSha, mode, size));
      }
      at = start + buf.write(json, start, 'utf8');
    }
    buf[at++] = 0x2c; // ,
    buf[at++] = 0x22;
    for (let i = 0; i < 40; i++) buf[at++] = blobSha.charCodeAt(i);
    buf[at++] = 0x22;
    buf[at++] = 0x2c;
    buf[at++] = 0x22;
    for (let i = 0; i < 6; i++) buf[at++] = mode.charCodeAt(i);
    buf[at++] = 0x22;
    buf[at++] = 0x2c;
    if (size === null) at += buf.write('null', at, 'latin1');
    else at = writeDigits(buf, at, size);
    buf[at++] = 0x5d; // ]
    this.pos = at;
    if (at >= this.piece) this.flush();
  }

  /** What is left, handed over. */
  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.emit(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(this.piece + TUPLE_ROOM);
    this.pos = 0;
  }
}

/** A tuple's text, its path already JSON: for the rare path too long for a piece. */
const tupleText = (pathJson: string, blobSha: string, mode: string, size: number | null): string => `[${pathJson},"${blobSha}","${mode}",${size === null ? 'null' : size}]`;

/** Bytes of a tuple besides its path's: brackets, quotes, commas, 40 + 6 digits, a size of up to 16 digits. */
const TUPLE_ROOM = 80;

/** A non-negative integer's decimal digits at `at`; the end returned. */
function writeDigits(buf: Buffer, at: number, n: number): number {
  let digits = 1;
  for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
  let end = at + digits;
  for (let v = n; end > at; v = Math.floor(v / 10)) buf[--end] = 0x30 + (v % 10);
  return at + digits;
}

function applyDelta(byPath: Map<string, RepositoryFile>, delta: SnapshotFile): void {
  for (const p of delta.remove) byPath.delete(p);
  for (const t of delta.upsert) byPath.set(t[0], fromTuple(t));
}

/** What turns `before` into `after`: the one diff of core/diff.ts, as upserts and removals. */
export function diffForDelta(before: RepositoryFile[], after: RepositoryFile[]): Pick<SnapshotFile, 'upsert' | 'remove'> {
  const d = diffSnapshots(before, after);
  const upsert = [...d.added, ...d.modified.map((m) => m.after)].sort(byPathCmp).map(toTuple);
  return { upsert, remove: d.removed.map((f) => f.path) };
}

const byPathCmp = (a: RepositoryFile, b: RepositoryFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** A copy sorted by path (core's check-then-sort: an already sorted input is only checked). */
export function sortByPath(files: RepositoryFile[]): RepositoryFile[] {
  const sorted = sortedByPath(files);
  return sorted === files ? files.slice() : (sorted as RepositoryFile[]);
}
