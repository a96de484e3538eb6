// The portable path: isomorphic-git reads, for machines without a git binary.
import fs from 'node:fs';
import git from 'isomorphic-git';
import type { ObjectStore } from './store';

export class IsoGitStore implements ObjectStore {
  /** isomorphic-git is much faster with a shared cache object across reads. */
  private cache: object = {};

  constructor(readonly gitDir: string) {}

  async present(shas: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const sha of shas) if ((await this.read(sha)) !== undefined) found.add(sha);
    return found;
  }

  async read(sha: string): Promise<Uint8Array | undefined> {
    try {
      const { blob } = await git.readBlob({ fs, gitdir: this.gitDir, oid: sha, cache: this.cache });
      return blob;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  refresh(): void {
    this.cache = {};
  }

  close(): void {
    this.cache = {};
  }
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'NotFoundError' || code === 'ObjectTypeError' || code === 'ENOENT';
}
