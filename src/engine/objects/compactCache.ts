// The portable path's cache stays about one shallow clone: each fetch adds a pack of what is new on
// top of the older ones, and when the packs together outgrow the largest one by 40%, they are
// rewritten on this machine (no network) as one pack of the head's commit, trees and blobs. Entries
// are copied as they are stored (git's deltas kept, an OFS_DELTA's offset rewritten), and only an
// object whose delta base is not kept is written whole; its index is written here too, so nothing
// is decompressed but those few objects.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isoGit } from './isoGit';
import type { Logger } from '../../core/logger';
import { IsoGitRepo } from './isoGitFs';
import { crc32, idxOffsets, idxOids, OBJ_OFS_DELTA, OBJ_REF_DELTA, packIndex, readOfs, wholeEntry, writeOfs } from './packFormat';

/**
 * The packs may hold this many times the largest of them (one snapshot: the first fetch's pack or
 * the last compaction's) before they are compacted: under the 1.5x of a depth-1 clone the cache is
 * held to, with room for loose objects and a compacted pack a little larger than git's.
 */
export const CACHE_SLACK = 1.4;

/** The cache's packs (`pack-*.pack` names) and their sizes. */
async function packSizes(packDir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const name of await fsp.readdir(packDir).catch(() => [] as string[])) {
    if (/^pack-[0-9a-f]+\.pack$/.test(name)) sizes.set(name, (await fsp.stat(path.join(packDir, name))).size);
  }
  return sizes;
}

/** Whether the cache's packs outgrew CACHE_SLACK times the largest of them. */
export async function cacheOutgrown(gitDir: string): Promise<boolean> {
  const sizes = [...(await packSizes(path.join(gitDir, 'objects', 'pack'))).values()];
  if (sizes.length < 2) return false;
  return sizes.reduce((a, b) => a + b, 0) > CACHE_SLACK * Math.max(...sizes);
}

/** The commit `head`, its trees and blobs (submodule commits are not objects of this repository), into `oids`. */
async function reachable(repo: IsoGitRepo, head: string, oids: Set<string>): Promise<void> {
  const { fs, gitDir, cache } = repo;
  const git = await isoGit();
  const { commit } = await git.readCommit({ fs, gitdir: gitDir, oid: head, cache });
  oids.add(head).add(commit.tree);
  const trees = [commit.tree];
  for (let tree = trees.pop(); tree !== undefined; tree = trees.pop()) {
    const { tree: entries } = await git.readTree({ fs, gitdir: gitDir, oid: tree, cache });
    for (const entry of entries) {
      if (entry.type === 'commit' || oids.has(entry.oid)) continue;
      oids.add(entry.oid);
      if (entry.type === 'tree') trees.push(entry.oid);
    }
  }
}

/**
 * Rewrite the cache's packs as one pack of `head`'s commit, trees and blobs; the older packs, the
 * other shallow commits and the refs that named commits only they held go. Loose objects stay.
 * Returns the sizes before and after, or undefined when the cache lacks an object of the head
 * (left as is). `repo`: the database's shared reader (see isoGitFs.ts), told of the new pack.
 */
export async function compactCache(
  gitDir: string,
  head: string,
  logger: Logger,
  repo: IsoGitRepo = new IsoGitRepo(gitDir),
): Promise<{ before: number; after: number; packs: number } | undefined> {
  const packDir = path.join(gitDir, 'objects', 'pack');
  const packs = await packSizes(packDir);
  const keep = new Set<string>();
  try {
    await reachable(repo, head, keep);
  } catch (e) {
    logger.warn(`[pack] the content cache lacks part of ${head.slice(0, 12)}'s tree (${(e as Error).message}); not compacting it`);
    return undefined;
  }
  const tmp = path.join(packDir, `tmp_pack_${process.pid}_${Date.now()}`);
  const out = await fsp.open(tmp, 'w');
  const hash = createHash('sha1');
  const written = new Map<string, number>();
  const entries: { oid: string; offset: number; crc: number }[] = [];
  let offset = 12;
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(keep.size, 8);
  const put = async (oid: string, entry: Buffer): Promise<void> => {
    await out.write(entry);
    hash.update(entry);
    written.set(oid, offset);
    entries.push({ oid, offset, crc: crc32(entry) });
    offset += entry.length;
  };
  const whole = async (oid: string): Promise<void> => {
    const { type, object } = await repo.readObject(oid);
    await put(oid, wholeEntry(type, object as Uint8Array));
  };
  try {
    await out.write(header);
    hash.update(header);
    for (const name of [...packs.keys()].sort((a, b) => (packs.get(b) ?? 0) - (packs.get(a) ?? 0))) {
      const pack = await fsp.readFile(path.join(packDir, name));
      const idx = await fsp.readFile(path.join(packDir, name.replace(/\.pack$/, '.idx')));
      const oids = idxOids(idx);
      const offsets = idxOffsets(idx);
      const order = oids.map((oid, i) => ({ oid, at: offsets[i] as number })).sort((a, b) => a.at - b.at);
      const byOffset = new Map(order.map((e) => [e.at, e.oid]));
      for (let i = 0; i < order.length; i++) {
        const { oid, at } = order[i] as { oid: string; at: number };
        if (!keep.has(oid) || written.has(oid)) continue;
        const end = i + 1 < order.length ? (order[i + 1] as { at: number }).at : pack.length - 20;
        let p = at;
        let byte = pack[p++] as number;
        const type = (byte >> 4) & 7;
        while (byte & 0x80) byte = pack[p++] as number;
        if (type === OBJ_OFS_DELTA) {
          const { distance, end: data } = readOfs(pack, p);
          const base = byOffset.get(at - distance);
          const baseAt = base === undefined ? undefined : written.get(base);
          if (baseAt === undefined) await whole(oid);
          else await put(oid, Buffer.concat([pack.subarray(at, p), writeOfs(offset - baseAt), pack.subarray(data, end)]));
        } else if (type === OBJ_REF_DELTA) {
          if (keep.has(pack.subarray(p, p + 20).toString('hex'))) await put(oid, pack.subarray(at, end));
          else await whole(oid);
        } else {
          await put(oid, pack.subarray(at, end));
        }
      }
    }
    // Loose objects (REST blobs) and anything no pack held.
    for (const oid of keep) if (!written.has(oid)) await whole(oid);
    const sha = hash.digest();
    await out.write(sha);
    await out.close();
    const name = `pack-${sha.toString('hex')}`;
    const idxTmp = `${tmp}.idx`;
    await fsp.writeFile(idxTmp, packIndex(entries, sha));
    await fsp.rename(tmp, path.join(packDir, `${name}.pack`));
    await fsp.rename(idxTmp, path.join(packDir, `${name}.idx`));
    for (const old of packs.keys()) {
      if (old === `${name}.pack`) continue;
      await fsp.rm(path.join(packDir, old.replace(/\.pack$/, '.idx')), { force: true });
      await fsp.rm(path.join(packDir, old), { force: true });
    }
  } catch (e) {
    await out.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    await fsp.rm(`${tmp}.idx`, { force: true });
    await repo.invalidate();
    throw e;
  }
  await repo.invalidate();
  await fsp.writeFile(path.join(gitDir, 'shallow'), `${head}\n`);
  await dropDanglingRefs(repo);
  const before = [...packs.values()].reduce((a, b) => a + b, 0);
  logger.info(`[pack] compacted the content cache: ${packs.size} packs of ${before} bytes into one of ${offset + 20} bytes (${keep.size} objects of ${head.slice(0, 12)})`);
  return { before, after: offset + 20, packs: packs.size };
}

/** Remove the refs whose commit the cache no longer holds (a fetch would send them as haves). */
async function dropDanglingRefs(repo: IsoGitRepo): Promise<void> {
  const { fs, gitDir, cache } = repo;
  const git = await isoGit();
  const refs = await git.listRefs({ fs, gitdir: gitDir, filepath: 'refs' });
  for (const rel of refs) {
    const ref = `refs/${rel}`;
    const oid = await git.resolveRef({ fs, gitdir: gitDir, ref }).catch(() => undefined);
    const held = oid !== undefined && (await git.readCommit({ fs, gitdir: gitDir, oid, cache }).then(() => true, () => false));
    if (!held) await git.deleteRef({ fs, gitdir: gitDir, ref }).catch(() => undefined);
  }
}

