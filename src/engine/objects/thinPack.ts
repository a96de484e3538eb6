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
import { crc32, idxCrcs, idxOffsets, idxOids, OBJ_REF_DELTA, packIndex, wholeEntry } from './packFormat';

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
  const appended: Buffer[] = [];
  let offset = pack.length - 20;
  for (const oid of bases) {
    // A base another pack holds whole is copied as it is stored (its CRC-32 is in that pack's index).
    const stored = await repo.wholeEntry(oid);
    if (stored) {
      appended.push(stored.entry);
      entries.push({ oid, offset, crc: stored.crc });
      offset += stored.entry.length;
      continue;
    }
    const { type, object } = await repo.readObject(oid);
    const entry = wholeEntry(type, object as Uint8Array);
    appended.push(entry);
    entries.push({ oid, offset, crc: crc32(entry) });
    offset += entry.length;
  }
  const body = Buffer.concat([pack.subarray(0, pack.length - 20), ...appended]);
  body.writeUInt32BE(pack.readUInt32BE(8) + appended.length, 8);
  const sha = createHash('sha1').update(body).digest();
  const fat = `pack-${sha.toString('hex')}`;
  const tmp = path.join(packDir, `tmp_pack_${process.pid}_${sha.toString('hex')}`);
  await fsp.writeFile(tmp, Buffer.concat([body, sha]));
  await fsp.writeFile(`${tmp}.idx`, packIndex(entries, sha));
  await fsp.rename(tmp, path.join(packDir, `${fat}.pack`));
  await fsp.rename(`${tmp}.idx`, path.join(packDir, `${fat}.idx`));
  await fsp.rm(path.join(packDir, `${stem}.idx`), { force: true });
  await fsp.rm(path.join(packDir, name), { force: true });
  await repo.invalidate();
  return `${fat}.pack`;
}
