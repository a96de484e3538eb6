import type { ObjectStore } from './store';
import { CatFileBatch, presentObjects } from './catFile';

/**
 * Objects read through the git binary: `cat-file --batch-check` to find, one long-lived `--batch`
 * process to read and one `--batch-check` process to size. Both may start before a transfer's pack
 * is in (warm()): git looks for new packs before it answers "missing", so they answer from it.
 */
export class GitBinaryStore implements ObjectStore {
  private batch: CatFileBatch | undefined;
  private check: CatFileBatch | undefined;

  constructor(
    private readonly gitPath: string,
    readonly gitDir: string,
  ) {}

  present(shas: readonly string[]): Promise<Set<string>> {
    return presentObjects(this.gitPath, this.gitDir, shas);
  }

  read(sha: string): Promise<Uint8Array | undefined> {
    return this.reader().read(sha);
  }

  /** The running contents reader; a new one when there is none or it failed (its process died). */
  private reader(): CatFileBatch {
    if (!this.batch || this.batch.failed) {
      // A reader fails with its process still running (an answer it could not parse): stopped, not left behind.
      this.batch?.close();
      this.batch = new CatFileBatch(this.gitPath, this.gitDir);
    }
    return this.batch;
  }

  private sizer(): CatFileBatch {
    if (!this.check || this.check.failed) {
      this.check?.close();
      this.check = new CatFileBatch(this.gitPath, this.gitDir, '--batch-check');
    }
    return this.check;
  }

  /** The sizes of the objects `shas` names that this database holds. */
  async sizes(shas: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (shas.length === 0) return out;
    const check = this.sizer();
    const sizes = await Promise.all(shas.map((sha) => check.sizeOf(sha)));
    shas.forEach((sha, i) => {
      const size = sizes[i];
      if (size !== undefined) out.set(sha, size);
    });
    return out;
  }

  /**
   * Start the readers now, while this thread waits on the network: each spawn holds it ~10 ms (a
   * fork of the whole process), which the reads after the transfer no longer wait for. `sizes`: the
   * sizing one too (an incremental sync's changed blobs). An idle reader keeps no process alive.
   */
  warm(sizes: boolean): void {
    this.reader();
    if (sizes) this.sizer();
  }

  /** Nothing to do: the readers see objects written since they started (see the class comment). */
  refresh(): void {}

  close(): void {
    this.batch?.close();
    this.check?.close();
    this.batch = this.check = undefined;
  }
}
