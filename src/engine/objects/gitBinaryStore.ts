import type { ObjectStore } from './store';
import { CatFileBatch, presentObjects } from './catFile';

/** Objects read through the git binary: `cat-file --batch-check` to find, one `--batch` process to read. */
export class GitBinaryStore implements ObjectStore {
  private batch: CatFileBatch | undefined;

  constructor(
    private readonly gitPath: string,
    readonly gitDir: string,
  ) {}

  present(shas: readonly string[]): Promise<Set<string>> {
    return presentObjects(this.gitPath, this.gitDir, shas);
  }

  read(sha: string): Promise<Uint8Array | undefined> {
    this.batch ??= new CatFileBatch(this.gitPath, this.gitDir);
    return this.batch.read(sha);
  }

  /**
   * Objects written since (new packs, loose objects) are seen by a fresh reader; the old one answers
   * the reads it was given first (a sync reads a transfer's pack before the transfer has ended).
   */
  refresh(): void {
    this.batch?.retire();
    this.batch = undefined;
  }

  close(): void {
    this.batch?.close();
    this.batch = undefined;
  }
}
