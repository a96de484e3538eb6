// The portable path: isomorphic-git reads, for machines without a git binary.
import { isoGit } from './isoGit';
import { IsoGitRepo } from './isoGitFs';
import type { ObjectStore } from './store';

export class IsoGitStore implements ObjectStore {
  readonly gitDir: string;

  /**
   * `repo`: the database's file system and isomorphic-git cache, shared with its other readers
   * during the sync (see isoGitFs.ts); by default one of its own for `gitDir`, memoizing nothing.
   */
  constructor(gitDir: string, private repo: IsoGitRepo = new IsoGitRepo(gitDir, false)) {
    this.gitDir = gitDir;
  }

  async present(shas: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const sha of shas) if ((await this.read(sha)) !== undefined) found.add(sha);
    return found;
  }

  async read(sha: string): Promise<Uint8Array | undefined> {
    try {
      const { type, object } = await this.repo.readObject(sha, true);
      // A plain Uint8Array, as isomorphic-git's readBlob gives (a view, not a copy).
      if (type === 'blob') return new Uint8Array(object.buffer, object.byteOffset, object.byteLength);
      // A tag is read through as isomorphic-git's readBlob does; anything else is no blob.
      if (type !== 'tag') return undefined;
      const { blob } = await (await isoGit()).readBlob({ fs: this.repo.fs, gitdir: this.gitDir, oid: sha, cache: this.repo.cache });
      return blob;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The database changed (a pack or loose objects written): what was read of its files is forgotten. */
  async refresh(): Promise<void> {
    await this.repo.invalidate();
  }

  close(): void {
    this.repo = new IsoGitRepo(this.gitDir, false);
  }
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'NotFoundError' || code === 'ObjectTypeError' || code === 'ENOENT';
}
