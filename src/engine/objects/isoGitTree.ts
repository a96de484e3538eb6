// A tree listed from raw tree objects with isomorphic-git, for the portable path's one case where
// REST cannot answer: names that are not UTF-8 (GitHub's JSON carries them as U+FFFD). isomorphic-git's
// own tree parser decodes names the same lossy way, so the raw object bytes are parsed here and each
// name goes through core/paths.ts. Sizes come from the REST answer (they are keyed by blob sha, which
// REST gives exactly); a blob it did not size is read to learn its length.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import git from 'isomorphic-git';
import { throwIfAborted } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { decodeGitPath } from '../../core/paths';
import type { RepositoryFile } from '../../core/types';
import { toRepositoryFile, type TreeEntry } from '../../github/tree';

/** One entry of a raw git tree object: `<mode> SP <name bytes> NUL <20-byte sha>`. */
export interface RawTreeEntry {
  mode: string;
  name: string;
  sha: string;
}

export function parseTreeObject(body: Uint8Array): RawTreeEntry[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const entries: RawTreeEntry[] = [];
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    const nul = space < 0 ? -1 : buf.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > buf.length) throw new Error('malformed tree object');
    entries.push({ mode: buf.toString('latin1', at, space), name: decodeGitPath(buf.subarray(space + 1, nul)), sha: buf.toString('hex', nul + 1, nul + 21) });
    at = nul + 21;
  }
  return entries;
}

/**
 * Every file, symlink and submodule under `treeSha` in the object database `gitDir`, or undefined
 * when it lacks the tree or one of its subtrees. Each tree object is checked against its sha.
 */
export async function lsTreeWithIsoGit(
  gitDir: string,
  treeSha: string,
  sizes: ReadonlyMap<string, number>,
  opts: { logger?: Logger; signal?: AbortSignal } = {},
): Promise<RepositoryFile[] | undefined> {
  const cache = {};
  const readTree = async (oid: string): Promise<RawTreeEntry[] | undefined> => {
    let found;
    try {
      found = await git.readObject({ fs, gitdir: gitDir, oid, format: 'content', cache });
    } catch (e) {
      if ((e as { code?: string }).code === 'NotFoundError') return undefined;
      throw e;
    }
    const body = found.object as Uint8Array;
    const actual = createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
    if (found.type !== 'tree' || actual !== oid) throw new Error(`object ${oid} in ${gitDir} is not that tree`);
    return parseTreeObject(body);
  };
  const files: RepositoryFile[] = [];
  const pending: Array<[prefix: string, sha: string]> = [['', treeSha]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    throwIfAborted(opts.signal);
    const [prefix, sha] = next;
    const entries = await readTree(sha);
    if (!entries) return undefined;
    for (const e of entries) {
      const path = prefix + e.name;
      if (e.mode === '40000') {
        pending.push([`${path}/`, e.sha]);
        continue;
      }
      const type: TreeEntry['type'] = e.mode === '160000' ? 'commit' : 'blob';
      const size = type === 'commit' ? undefined : (sizes.get(e.sha) ?? (await blobSize(gitDir, e.sha, cache)));
      const file = toRepositoryFile({ path, mode: e.mode.padStart(6, '0'), type, sha: e.sha, ...(size === undefined ? {} : { size }) }, opts.logger);
      if (file) files.push(file);
    }
  }
  return files;
}

async function blobSize(gitDir: string, oid: string, cache: object): Promise<number | undefined> {
  try {
    return (await git.readBlob({ fs, gitdir: gitDir, oid, cache })).blob.length;
  } catch {
    return undefined; // not here (a shallow cache); the entry is listed without a size
  }
}
