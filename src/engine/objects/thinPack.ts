// Thin packs on the portable path. isomorphic-git's fetch never asks for one (`_fetch` passes its
// own capability list, without `thin-pack`, through `filterCapabilities`), and upload-pack answers a
// shallow fetch that is not thin with the whole tree of the new commit, haves or not: only a thin
// request makes pack-objects run with `--objects-edge-aggressive`, which marks the trees of the
// commits the client has as uninteresting. So the request asks for a thin pack (its HTTP client
// adds the capability when the server offers it), and the pack is made whole afterwards the way
// `git index-pack --fix-thin` does: the delta bases it names but does not hold are appended to it
// from the cache, so every pack in the cache stands alone (git itself can read it too).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { IsoGitRepo } from './isoGitFs';
import { crc32, idxCrcs, idxOffsets, idxOids, inflateObject, OBJ_OFS_DELTA, OBJ_REF_DELTA, OBJECT_TYPES, objectSha, packIndex, readEntryHeader, readOfs, wholeEntry } from './packFormat';
import { applyDelta, type ObjectType } from './packReader';
import { SmartHttpUnsupported } from './smartFetch';

const THIN_PACK = 'thin-pack';
/** Progress messages ("Counting objects: 1% (1/90)\r" and so on) are kilobytes nobody reads here. */
const NO_PROGRESS = 'no-progress';

/**
 * `inner`, with `thin-pack` (when the request sends haves) and `no-progress` added to an upload-pack
 * request, each only when the server's ref advertisement offered it (a client must not ask for a
 * capability the server did not offer).
 */
export function thinPackHttp(inner: HttpClient): HttpClient {
  let offered: string[] = [];
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const service = new URL(req.url).pathname;
      if (offered.length > 0 && req.method === 'POST' && service.endsWith('/git-upload-pack') && req.body) {
        const body = withCapabilities(await collect(req.body), offered);
        req = { ...req, body: [body] as unknown as AsyncIterableIterator<Uint8Array> };
      }
      const res = await inner.request(req);
      if ((req.method ?? 'GET') === 'GET' && service.endsWith('/info/refs') && res.body) {
        res.body = sniffCapabilities(res.body, (caps) => void (offered = [THIN_PACK, NO_PROGRESS].filter((c) => caps.includes(c))));
      }
      return res;
    },
  };
}

/**
 * The request with `offered` capabilities added to its first want line: `thin-pack` only when it
 * sends haves (a pack can only be thin on top of objects the client has).
 */
export function withCapabilities(body: Uint8Array, offered: readonly string[]): Uint8Array {
  const text = Buffer.from(body).toString('latin1');
  if (!/^[0-9a-f]{4}want [0-9a-f]{40} /.test(text)) return body;
  const haves = /[0-9a-f]{4}have [0-9a-f]{40}\n/.test(text);
  const length = parseInt(text.slice(0, 4), 16);
  const line = text.slice(4, length);
  const present = new Set(line.replace(/\n$/, '').split(' ').slice(2));
  const wanted = offered.filter((c) => !present.has(c) && (c !== THIN_PACK || haves));
  if (wanted.length === 0) return body;
  const updated = `${line.replace(/\n$/, '')} ${wanted.join(' ')}\n`;
  const pkt = `${(updated.length + 4).toString(16).padStart(4, '0')}${updated}`;
  return Buffer.concat([Buffer.from(pkt, 'latin1'), Buffer.from(body).subarray(length)]);
}

/** Pass `body` through, telling `found` the capabilities of the advertisement's first ref line. */
async function* sniffCapabilities(body: AsyncIterableIterator<Uint8Array>, found: (caps: string[]) => void): AsyncIterableIterator<Uint8Array> {
  let head = '';
  let done = false;
  for await (const chunk of body) {
    if (!done) {
      head += Buffer.from(chunk).toString('latin1');
      const nul = head.indexOf('\0');
      const end = nul === -1 ? -1 : head.indexOf('\n', nul);
      if (end !== -1) {
        found(head.slice(nul + 1, end).split(' '));
        done = true;
      } else if (head.length > 65536) done = true;
    }
    yield chunk;
  }
}

async function collect(iterable: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of iterable) parts.push(part);
  return Buffer.concat(parts);
}

/** The delta bases a pack names by object id (REF_DELTA) but does not hold. */
export function externalBases(pack: Buffer, idx: Buffer): string[] {
  const held = new Set(idxOids(idx));
  const bases = new Set<string>();
  for (const offset of idxOffsets(idx)) {
    let at = offset;
    let byte = pack[at++] as number;
    const type = (byte >> 4) & 7;
    while (byte & 0x80) byte = pack[at++] as number;
    if (type !== OBJ_REF_DELTA) continue;
    const base = pack.subarray(at, at + 20).toString('hex');
    if (!held.has(base)) bases.add(base);
  }
  return [...bases];
}

/**
 * Make the thin pack `name` (`pack-<sha>.pack` in the cache's pack folder) whole: its external delta
 * bases, read from the rest of the cache, are appended as whole objects, and the pack is written
 * under its new name with its index (the thin index's entries, which keep their offsets, plus the
 * appended ones: no delta is resolved again), each through a temp file, before the thin one goes.
 * Returns the new pack's name, or `name` when the pack was whole already. `repo`: the database's
 * shared reader (see isoGitFs.ts), told of the new pack.
 */
export async function fattenPack(gitDir: string, name: string, repo: IsoGitRepo = new IsoGitRepo(gitDir)): Promise<string> {
  const packDir = path.join(gitDir, 'objects', 'pack');
  const stem = name.slice(0, -'.pack'.length);
  const pack = await fsp.readFile(path.join(packDir, name));
  const idx = await fsp.readFile(path.join(packDir, `${stem}.idx`));
  const bases = externalBases(pack, idx);
  if (bases.length === 0) return name;
  const offsets = idxOffsets(idx);
  const crcs = idxCrcs(idx);
  const entries = idxOids(idx).map((oid, i) => ({ oid, offset: offsets[i] as number, crc: crcs[i] as number }));
  const fat = await writeWholePack(repo, pack, entries, new Map(bases.map((oid) => [oid, undefined])));
  await fsp.rm(path.join(packDir, `${stem}.idx`), { force: true });
  await fsp.rm(path.join(packDir, name), { force: true });
  await repo.invalidate();
  return fat;
}

/**
 * Writes `pack` (whose entries are `indexed`) into the cache's pack folder with `bases` appended
 * whole — as stored when a pack of the cache holds one whole (its CRC-32 is in that pack's index),
 * else deflated from its content (given, or read from the cache) — so the pack never depends on
 * another; the pack and its index go through temp files renamed into place, the pack first (a
 * reader finds an object by an index, so never one without its pack). Returns the pack's name.
 */
async function writeWholePack(
  repo: IsoGitRepo,
  pack: Buffer,
  indexed: { oid: string; offset: number; crc: number }[],
  bases: ReadonlyMap<string, { type: ObjectType; content: Buffer } | undefined>,
): Promise<string> {
  const end = pack.length - 20;
  const appended: Buffer[] = [];
  let offset = end;
  for (const [oid, known] of bases) {
    const stored = await repo.wholeEntry(oid).catch(() => undefined);
    let entry = stored?.entry;
    if (!entry) {
      const base = known ?? (await repo.readObject(oid));
      entry = wholeEntry(base.type, 'content' in base ? base.content : base.object);
    }
    appended.push(entry);
    indexed.push({ oid, offset, crc: stored?.crc ?? crc32(entry) });
    offset += entry.length;
  }
  // With bases appended: one buffer for the new pack, its count rewritten and its trailer computed in place.
  const bytes = appended.length ? Buffer.concat([pack.subarray(0, end), ...appended, Buffer.alloc(20)]) : pack;
  if (appended.length) {
    bytes.writeUInt32BE(pack.readUInt32BE(8) + appended.length, 8);
    createHash('sha1').update(bytes.subarray(0, bytes.length - 20)).digest().copy(bytes, bytes.length - 20);
  }
  const sha = bytes.subarray(bytes.length - 20);
  const name = `pack-${sha.toString('hex')}`;
  const packDir = path.join(repo.gitDir, 'objects', 'pack');
  await fsp.mkdir(packDir, { recursive: true });
  const tmp = path.join(packDir, `tmp_pack_${process.pid}_${sha.toString('hex')}`);
  try {
    await fsp.writeFile(tmp, bytes);
    await fsp.writeFile(`${tmp}.idx`, packIndex(indexed, sha));
    await fsp.rename(tmp, path.join(packDir, `${name}.pack`));
    await fsp.rename(`${tmp}.idx`, path.join(packDir, `${name}.idx`));
  } finally {
    await fsp.rm(tmp, { force: true });
    await fsp.rm(`${tmp}.idx`, { force: true });
  }
  await repo.invalidate();
  // The pack's bytes, checked (its trailer is their sha-1), are what the sync reads next: handed to
  // the reader rather than read from the file again (58 MB read back at a first sync of 100k files,
  // while these bytes wait to be collected).
  repo.adoptPack(`${name}.idx`, bytes);
  return `${name}.pack`;
}

const TYPES: Readonly<Record<number, ObjectType>> = OBJECT_TYPES;

interface Entry {
  offset: number;
  crc: number;
  code: number;
  /** The inflated size its header gives, and where its zlib stream starts and ends. */
  size: number;
  dataAt: number;
  end: number;
  /** An OFS_DELTA's base, by offset; a REF_DELTA's, by name. */
  baseOffset?: number;
  baseOid?: string;
  /** Its name, once known (a whole object's at once, a delta's once resolved). */
  oid?: string;
  /** Its type and content, kept while some delta of the pack waits on it. */
  resolved?: { type: ObjectType; content: Buffer };
}

/** The pack as the server sent it cannot be made sense of: the transfer is left to isomorphic-git. */
function badPack(why: string): SmartHttpUnsupported {
  return new SmartHttpUnsupported(`the fetched pack does not index: ${why}`);
}

/** The zlib stream of an entry (see inflateObject); one that does not give its `size` bytes is a bad pack. */
function inflateEntry(pack: Buffer, at: number, end: number, size: number): { data: Buffer; used: number } {
  try {
    return inflateObject(pack, at, end, size);
  } catch (e) {
    throw badPack(`an object at ${at} does not inflate to its ${size} bytes (${(e as Error).message})`);
  }
}

/**
 * The portable path's `git index-pack --stdin --fix-thin`, for the pack a smart-HTTP fetch answered
 * (smartFetch.ts), as index-pack works: a first pass reads the entries in order (each inflated to
 * find its end and take its CRC-32, a whole object named at once and let go), a second resolves the
 * deltas (an OFS_DELTA on an entry before it, a REF_DELTA on an object of the pack or, for a thin
 * pack, of the cache), a base inflated again when a delta needs it and kept only while deltas wait
 * on it; the bases taken from the cache are appended whole, and the pack written with its index
 * into the cache's pack folder under its checksum (temp files renamed into place). isomorphic-git's
 * own fetch indexes a thin pack by reading each base through its reader, which loads and copies the
 * whole cache pack (0.4 s of a 1% sync at 100k files), and inflates in JavaScript. Returns the
 * pack's file name.
 */
export async function storeThinPack(repo: IsoGitRepo, pack: Buffer): Promise<string> {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw badPack('no PACK header');
  const version = pack.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw badPack(`pack version ${version}`);
  const count = pack.readUInt32BE(8);
  const end = pack.length - 20;
  if (!createHash('sha1').update(pack.subarray(0, end)).digest().equals(pack.subarray(end))) throw badPack('its checksum does not match');
  const entries: Entry[] = [];
  const byOffset = new Map<number, Entry>();
  let at = 12;
  for (let i = 0; i < count; i++) {
    if (at >= end) throw badPack(`it ends after ${i} of ${count} objects`);
    const offset = at;
    const { code, size, end: headerEnd } = readEntryHeader(pack, at);
    at = headerEnd;
    const entry: Entry = { offset, crc: 0, code, size, dataAt: 0, end: 0 };
    if (code === OBJ_OFS_DELTA) {
      const ofs = readOfs(pack, at);
      if (ofs.distance <= 0 || ofs.distance > offset) throw badPack(`a delta base offset out of the pack at ${offset}`);
      entry.baseOffset = offset - ofs.distance;
      if (!byOffset.has(entry.baseOffset)) throw badPack(`a delta at ${offset} on no entry (${entry.baseOffset})`);
      at = ofs.end;
    } else if (code === OBJ_REF_DELTA) {
      entry.baseOid = pack.toString('hex', at, at + 20);
      at += 20;
    } else if (!TYPES[code]) throw badPack(`an object of type ${code} at ${offset}`);
    const { data, used } = inflateEntry(pack, at, end, size);
    entry.dataAt = at;
    at += used;
    entry.end = at;
    entry.crc = crc32(pack.subarray(offset, at));
    const type = TYPES[code];
    if (type) entry.oid = objectSha(type, data);
    entries.push(entry);
    byOffset.set(offset, entry);
  }
  if (at !== end) throw badPack(`${end - at} bytes after its last object`);
  // An object twice in one pack is refused, as index-pack refuses it (its index would name it twice).
  const seen = new Set<string>();
  const once = (oid: string) => {
    if (seen.has(oid)) throw badPack(`the object ${oid} is in it twice`);
    seen.add(oid);
  };
  for (const e of entries) if (e.oid !== undefined) once(e.oid);

  // How many deltas wait on each base: by place (OFS_DELTA) and by name (REF_DELTA).
  const waitingOn = new Map<number | string, number>();
  for (const e of entries) {
    const key = e.baseOffset ?? e.baseOid;
    if (key !== undefined) waitingOn.set(key, (waitingOn.get(key) ?? 0) + 1);
  }
  /** Objects of the pack some REF_DELTA names; the cache's, read for the deltas on them (to be appended). */
  const named = new Map<string, Entry>();
  for (const e of entries) if (e.oid !== undefined && waitingOn.has(e.oid)) named.set(e.oid, e);
  const external = new Map<string, { type: ObjectType; content: Buffer }>();
  /** A resolved entry's content, for a delta on it: a whole object inflated again, a delta's kept. */
  const contentOf = (e: Entry): { type: ObjectType; content: Buffer } | undefined => {
    if (e.oid === undefined) return undefined;
    if (!e.resolved) {
      const type = TYPES[e.code];
      if (!type) throw badPack(`the delta at ${e.offset} was let go while deltas wait on it`);
      e.resolved = { type, content: inflateEntry(pack, e.dataAt, e.end, e.size).data };
    }
    return e.resolved;
  };
  const release = (e: Entry | undefined) => {
    if (e && !waitingOn.has(e.offset) && !(e.oid !== undefined && waitingOn.has(e.oid))) delete e.resolved;
  };
  let pending = entries.filter((e) => e.oid === undefined);
  while (pending.length > 0) {
    const waiting: Entry[] = [];
    for (const e of pending) {
      const baseEntry = e.baseOffset !== undefined ? byOffset.get(e.baseOffset) : named.get(e.baseOid as string);
      const base = baseEntry ? contentOf(baseEntry) : external.get(e.baseOid as string);
      if (!base) {
        waiting.push(e);
        continue;
      }
      let content: Buffer;
      try {
        content = applyDelta(inflateEntry(pack, e.dataAt, e.end, e.size).data, base.content);
      } catch (err) {
        throw err instanceof SmartHttpUnsupported ? err : badPack(`the delta at ${e.offset}: ${(err as Error).message}`);
      }
      e.oid = objectSha(base.type, content);
      once(e.oid);
      if (waitingOn.has(e.offset) || waitingOn.has(e.oid)) e.resolved = { type: base.type, content };
      if (waitingOn.has(e.oid)) named.set(e.oid, e);
      // This delta no longer waits on its base: the base goes once none does.
      const key = (e.baseOffset ?? e.baseOid) as number | string;
      const left = (waitingOn.get(key) ?? 1) - 1;
      if (left > 0) waitingOn.set(key, left);
      else {
        waitingOn.delete(key);
        release(baseEntry);
      }
    }
    if (waiting.length === pending.length) {
      // No progress: the REF_DELTA bases no entry gave are the cache's (a thin pack's bases). One
      // the cache lacks may still be an entry of the pack waiting itself: asked again next pass.
      let read = 0;
      for (const oid of new Set(waiting.flatMap((e) => (e.baseOid !== undefined && !named.has(e.baseOid) && !external.has(e.baseOid) ? [e.baseOid] : [])))) {
        const found = await repo.readObject(oid).catch(() => undefined);
        if (!found) continue;
        external.set(oid, { type: found.type, content: found.object });
        read++;
      }
      if (read === 0) throw badPack(`a delta base neither the pack nor the cache holds (${waiting.find((e) => e.baseOid)?.baseOid ?? waiting[0]?.baseOffset})`);
    }
    pending = waiting;
  }
  // A base read from the cache that the pack turned out to hold too is not appended twice.
  for (const e of entries) external.delete(e.oid as string);

  // Made whole, as index-pack --fix-thin does.
  return writeWholePack(
    repo,
    pack,
    entries.map((e) => ({ oid: e.oid as string, offset: e.offset, crc: e.crc })),
    external,
  );
}
