// Whether a git object database holds an object, answered from its files instead of a git process
// (a `git cat-file` costs this thread 7-11 ms to spawn, and the answer ~15 ms more, on the path of
// every sync's transfer): a loose object's file, else a binary search of each pack index's names.
// Where git's answer could differ, the answer is 'unknown' and the caller asks git: alternates (other
// databases, which git reads too), an index that is not version 2 with SHA-1 names, an empty
// or damaged loose file (a crash's leftover, which git reports missing), a pack that is not the one
// its index describes (cut, or replaced), or a file that cannot be read. A `true` says a loose file's
// header inflates as an object's, or an index lists the object inside a pack git would read; as
// `git cat-file --batch-check`, the object itself is not inflated (damage inside it shows when it is
// read: the sync's reads prove themselves, see engine/source.ts packArrived).
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { nodeZlib } from '../../core/builtins';
import { presentObjects } from './catFile';

export type Held = boolean | 'unknown';

const IDX_MAGIC = 0xff744f63; // "\377tOc"
const FANOUT_AT = 8;
const NAMES_AT = FANOUT_AT + 256 * 4;
const NAME_BYTES = 20;

export async function holdsObject(gitDir: string, oid: string): Promise<Held> {
  if (!/^[0-9a-f]{40}$/.test(oid)) return 'unknown';
  const objects = path.join(gitDir, 'objects');
  try {
    const [alternates, loose, names] = await Promise.all([
      exists(path.join(objects, 'info', 'alternates')),
      looseHeaderReads(path.join(objects, oid.slice(0, 2), oid.slice(2))),
      fsp.readdir(path.join(objects, 'pack')).catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
        throw e;
      }),
    ]);
    if (loose !== 'absent') return loose ? true : 'unknown';
    if (alternates) return 'unknown';
    const listed = new Set(names);
    const indexes = names.filter((n) => n.endsWith('.idx') && listed.has(`${n.slice(0, -4)}.pack`));
    let unknown = false;
    for (const answer of await Promise.all(indexes.map((n) => indexHolds(path.join(objects, 'pack', n), oid, path.join(objects, 'pack', `${n.slice(0, -4)}.pack`))))) {
      if (answer === true) return true;
      if (answer === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : false;
  } catch {
    return 'unknown';
  }
}

/**
 * One pack index (version 2, SHA-1 names: told by its size as well as its header) searched for
 * `oid`. With `packFile`, a found entry counts only when the pack is the one the index describes,
 * as git checks it before reading (its header's object count, its trailing checksum the one the
 * index records) and the entry's offset lies inside it; else 'unknown' (a cut or replaced pack).
 */
export async function indexHolds(idxFile: string, oid: string, packFile?: string): Promise<Held> {
  const want = Buffer.from(oid, 'hex');
  const file = await fsp.open(idxFile, 'r');
  try {
    const head = Buffer.alloc(NAMES_AT);
    const { bytesRead } = await file.read(head, 0, NAMES_AT, 0);
    if (bytesRead < NAMES_AT || head.readUInt32BE(0) !== IDX_MAGIC || head.readUInt32BE(4) !== 2) return 'unknown';
    const count = head.readUInt32BE(FANOUT_AT + 255 * 4);
    // names, CRCs and 4-byte offsets of `count` objects, then 8-byte offsets (at most one per object), then two SHA-1 trailers.
    const size = (await file.stat()).size;
    const rest = size - NAMES_AT - count * (NAME_BYTES + 8) - 2 * NAME_BYTES;
    if (rest < 0 || rest % 8 !== 0 || rest / 8 > count) return 'unknown';
    const first = want[0]!;
    let lo = first === 0 ? 0 : head.readUInt32BE(FANOUT_AT + (first - 1) * 4);
    let hi = head.readUInt32BE(FANOUT_AT + first * 4);
    if (lo > hi || hi > count) return 'unknown';
    const name = Buffer.alloc(NAME_BYTES);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const read = await file.read(name, 0, NAME_BYTES, NAMES_AT + mid * NAME_BYTES);
      if (read.bytesRead < NAME_BYTES) return 'unknown';
      const order = name.compare(want);
      if (order === 0) return packFile === undefined ? true : await inPack(file, { size, count, large: rest / 8 }, packFile, mid);
      if (order < 0) lo = mid + 1;
      else hi = mid;
    }
    return false;
  } finally {
    await file.close();
  }
}

/** Whether the pack is the index's (header count, trailing checksum) and entry `i`'s offset lies inside it. */
async function inPack(idx: FileHandle, layout: { size: number; count: number; large: number }, packFile: string, i: number): Promise<Held> {
  const { size, count, large } = layout;
  const offsets = NAMES_AT + count * (NAME_BYTES + 4);
  const word = Buffer.alloc(8);
  if ((await idx.read(word, 0, 4, offsets + i * 4)).bytesRead < 4) return 'unknown';
  let offset = word.readUInt32BE(0);
  if (offset & 0x80000000) {
    const entry = offset & 0x7fffffff;
    if (entry >= large) return 'unknown';
    if ((await idx.read(word, 0, 8, offsets + count * 4 + entry * 8)).bytesRead < 8) return 'unknown';
    offset = Number(word.readBigUInt64BE(0));
  }
  // The pack checksum the index records: the first of its two trailing SHA-1s.
  const recorded = Buffer.alloc(NAME_BYTES);
  if ((await idx.read(recorded, 0, NAME_BYTES, size - 2 * NAME_BYTES)).bytesRead < NAME_BYTES) return 'unknown';
  const pack = await fsp.open(packFile, 'r');
  try {
    const packSize = (await pack.stat()).size;
    // 12 bytes of header before the first object, a 20-byte checksum after the last.
    if (offset < 12 || offset + 2 + NAME_BYTES > packSize) return 'unknown';
    const header = Buffer.alloc(12);
    const trailer = Buffer.alloc(NAME_BYTES);
    if ((await pack.read(header, 0, 12, 0)).bytesRead < 12 || (await pack.read(trailer, 0, NAME_BYTES, packSize - NAME_BYTES)).bytesRead < NAME_BYTES) return 'unknown';
    const version = header.readUInt32BE(4);
    const whole = header.toString('latin1', 0, 4) === 'PACK' && (version === 2 || version === 3) && header.readUInt32BE(8) === count && trailer.equals(recorded);
    return whole ? true : 'unknown';
  } finally {
    await pack.close();
  }
}

/**
 * Whether a loose object's file starts as git reads one (`git cat-file --batch-check` inflates its
 * header): a zlib stream whose first bytes inflate to `<type> <size>\0`. An empty or damaged file,
 * a crash's leftover, is missing to git. 'absent' when there is no such file.
 */
async function looseHeaderReads(file: string): Promise<boolean | 'absent'> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return 'absent';
    throw e;
  }
  try {
    const start = Buffer.alloc(64);
    const { bytesRead } = await fh.read(start, 0, 64, 0);
    const zlib = nodeZlib();
    const out = zlib.inflateSync(start.subarray(0, bytesRead), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    return /^(blob|tree|commit|tag) \d+\0/.test(out.toString('latin1', 0, Math.min(out.length, 32)));
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw e;
  }
}

/**
 * Which of `shas` the database holds, as presentObjects (one `git cat-file --batch-check`) answers,
 * with git asked only about those its files leave unknown.
 */
export async function objectsHeld(gitPath: string, gitDir: string, shas: readonly string[]): Promise<Set<string>> {
  const answers = await Promise.all(shas.map((sha) => holdsObject(gitDir, sha)));
  const held = new Set(shas.filter((_, i) => answers[i] === true));
  const ask = shas.filter((_, i) => answers[i] === 'unknown');
  if (ask.length > 0) for (const sha of await presentObjects(gitPath, gitDir, ask)) held.add(sha);
  return held;
}
