// The store's only door to the file system. Every mutating step first calls the failpoint hook,
// so tests can "kill" the process between any two writes and check what a reopen sees.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SyncError } from '../core/errors';

/** Called before every mutating step with a name like `write snapshots/x.json`; throwing simulates a crash there. */
export type Failpoint = (step: string) => void;

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A file being written through openAtomic. */
export interface AtomicFile {
  write(text: string | Uint8Array): void;
  /** Resolves once what was written so far reached the file (or failed: the failure surfaces at commit). */
  drained(): Promise<void>;
  /** Complete the file under its name; resolves to its size in bytes. */
  commit(): Promise<number>;
  abort(): Promise<void>;
}

export class FileOps {
  constructor(
    readonly dir: string,
    private readonly failpoint: Failpoint = () => undefined,
  ) {}

  /**
   * The absolute path of `rel`, which must stay inside the storage folder: a name that climbs out
   * (`../x`, an absolute path) is refused before anything touches the file system.
   */
  abs(rel: string): string {
    const target = path.resolve(this.dir, rel);
    const inside = path.relative(this.dir, target);
    if (inside.startsWith('..') || path.isAbsolute(inside)) {
      throw new SyncError('STORAGE_CORRUPT', `Refusing to touch ${JSON.stringify(rel)}: it is outside the storage folder ${this.dir}.`, { path: this.dir });
    }
    return target;
  }

  /** The file's text, or undefined when it does not exist. */
  async readText(rel: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.abs(rel), 'utf8');
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** The file's bytes, or undefined when it does not exist. */
  async readBytes(rel: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(this.abs(rel));
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  async mkdirs(...rels: string[]): Promise<void> {
    for (const rel of ['', ...rels]) {
      const abs = this.abs(rel);
      await fs.mkdir(abs, { recursive: true }).catch((e: unknown) => {
        throw storageFailure(e, abs, this.dir) ?? e;
      });
    }
  }

  /** Temp file + fsync + rename + directory fsync: readers see the old or the new file, never a torn one. */
  async writeAtomic(rel: string, text: string | Uint8Array): Promise<void> {
    const file = await this.openAtomic(rel);
    file.write(text);
    await file.commit();
  }

  /**
   * writeAtomic for a file written piece by piece (never held whole): `write` queues text, `commit`
   * waits for it, fsyncs and renames; `abort` removes the temp file. Errors surface at commit.
   */
  async openAtomic(rel: string): Promise<AtomicFile> {
    const target = this.abs(rel);
    const tmp = `${target}.tmp-${randomSuffix()}`;
    let handle: fs.FileHandle;
    try {
      this.failpoint(`write ${rel}`);
      handle = await fs.open(tmp, 'wx').catch(async (e: unknown) => {
        // Opening a store creates nothing: the folder appears with its first write.
        if (errno(e) !== 'ENOENT') throw e;
        await fs.mkdir(path.dirname(tmp), { recursive: true });
        return fs.open(tmp, 'wx');
      });
    } catch (e) {
      throw await this.writeFailure(e, tmp, target);
    }
    // Pieces queue while one write is under way; the next write takes every piece queued by then
    // (writev). One write per piece needed this thread between pieces: a first sync's listing, which
    // keeps it busy, left its snapshot 4 MB behind now and then, and gave up on writing it early.
    let queue: Uint8Array[] = [];
    /** The pump while it runs: one write at a time. */
    let pumping: Promise<void> | undefined;
    let failure: { error: unknown } | undefined;
    /** Set by abort(): what is queued is dropped, not written. */
    let aborted = false;
    /** Bytes handed to write(), and how many of them reached the file. */
    let bytes = 0;
    let done = 0;
    /** drained() calls waiting for the bytes handed to write() before them. */
    let waiting: { upTo: number; resolve: () => void }[] = [];
    const settle = () => {
      const ready = waiting.filter((w) => failure || aborted || done >= w.upTo);
      waiting = waiting.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    };
    let closed = false;
    const pump = async () => {
      while (queue.length > 0 && !failure && !aborted) {
        const batch = queue;
        queue = [];
        try {
          await writeAll(handle, batch);
          for (const piece of batch) done += piece.length;
        } catch (e) {
          failure ??= { error: e };
        }
        settle();
      }
      queue = [];
      pumping = undefined;
      settle();
    };
    const drained = (): Promise<void> =>
      new Promise((resolve) => {
        waiting.push({ upTo: bytes, resolve });
        settle();
      });
    const close = async () => {
      if (closed) return;
      closed = true;
      await handle.close();
    };
    return {
      write: (text: string | Uint8Array) => {
        const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
        bytes += buf.length;
        if (failure || aborted || buf.length === 0) return;
        queue.push(buf);
        pumping ??= pump();
      },
      drained,
      commit: async () => {
        try {
          await drained();
          if (failure) throw failure.error;
          await handle.sync();
          await close();
          this.failpoint(`rename ${rel}`);
          await fs.rename(tmp, target);
        } catch (e) {
          await close().catch(() => undefined);
          throw await this.writeFailure(e, tmp, target);
        }
        await this.syncDir(path.dirname(target));
        return bytes;
      },
      abort: async () => {
        // Only the write under way is waited for: the file goes.
        aborted = true;
        queue = [];
        await pumping;
        await close().catch(() => undefined);
        await fs.rm(tmp, { force: true }).catch(() => undefined);
      },
    };
  }

  /** A full disk or a read-only folder: STORAGE_ERROR naming what to do, and no temp file left behind. */
  private async writeFailure(e: unknown, tmp: string, target: string): Promise<unknown> {
    const err = e instanceof SyncError ? undefined : storageFailure(e, target, this.dir);
    if (!err) return e;
    await fs.rm(tmp, { force: true }).catch((rmError: unknown) => rmError);
    return new SyncError('STORAGE_ERROR', `${err.message} Nothing was lost; the previous sync is still active.`, { ...err.details });
  }

  async unlink(rel: string): Promise<void> {
    this.failpoint(`unlink ${rel}`);
    try {
      await fs.unlink(this.abs(rel));
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
  }

  /** Add bytes at the end of `rel` (created when missing). Not atomic: for caches whose reader checks what it reads. */
  async append(rel: string, bytes: Uint8Array): Promise<void> {
    this.failpoint(`append ${rel}`);
    const target = this.abs(rel);
    await fs.appendFile(target, bytes).catch((e: unknown) => {
      const err = e instanceof SyncError ? undefined : storageFailure(e, target, this.dir);
      throw err ? new SyncError('STORAGE_ERROR', `${err.message} Nothing was lost; the previous sync is still active.`, { ...err.details }) : e;
    });
  }

  /** Bytes at these offsets (a range past the end comes back short), or undefined when the file does not exist. */
  async readRanges(rel: string, ranges: readonly { offset: number; length: number }[]): Promise<Buffer[] | undefined> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.abs(rel), 'r');
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const out: Buffer[] = [];
      for (const r of ranges) {
        const buf = Buffer.alloc(r.length);
        const { bytesRead } = await handle.read(buf, 0, r.length, r.offset);
        out.push(bytesRead === r.length ? buf : buf.subarray(0, bytesRead));
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  /** Rename `rel` to `<rel>.corrupt-<timestamp>` in the same folder; returns the new absolute path. */
  async moveAside(rel: string, now: Date): Promise<string> {
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    let dest = `${this.abs(rel)}.corrupt-${stamp}`;
    if (await this.exists(dest)) dest = `${dest}-${randomSuffix()}`;
    await fs.rename(this.abs(rel), dest);
    return dest;
  }

  async exists(abs: string): Promise<boolean> {
    try {
      await fs.stat(abs);
      return true;
    } catch (e) {
      if (errno(e) === 'ENOENT') return false;
      throw e;
    }
  }

  /** File names in a folder (empty when missing). */
  async list(rel: string): Promise<string[]> {
    try {
      return await fs.readdir(this.abs(rel));
    } catch (e) {
      if (errno(e) === 'ENOENT') return [];
      throw e;
    }
  }

  /** A cheap identity of the file's current version (undefined when missing). */
  async version(rel: string): Promise<string | undefined> {
    try {
      const s = await fs.stat(this.abs(rel));
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Size in bytes, or undefined when missing. */
  async sizeOf(rel: string): Promise<number | undefined> {
    try {
      return (await fs.stat(this.abs(rel))).size;
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  async mtimeMs(rel: string): Promise<number | undefined> {
    try {
      return (await fs.stat(this.abs(rel))).mtimeMs;
    } catch (e) {
      if (errno(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  private async syncDir(abs: string): Promise<void> {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(abs, 'r');
      await handle.sync();
    } catch (e) {
      // Some platforms (Windows) cannot fsync a directory; the rename itself is still atomic.
      if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes(errno(e) ?? '')) throw e;
    } finally {
      await handle?.close();
    }
  }
}

/** Why a file-system step failed, as people say it; undefined for errors that are not about the storage itself. */
export function storageProblem(code: string | undefined, dir: string): { what: string; hint: string } | undefined {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return { what: 'the disk is full', hint: 'Free some disk space, then run the command again.' };
    case 'EROFS':
      return { what: 'the storage folder is on a read-only file system', hint: `Point --storage at a writable folder (${dir} is read-only).` };
    case 'EACCES':
    case 'EPERM':
      return { what: 'the storage folder is not writable', hint: `Make ${dir} writable, then run the command again.` };
    case 'EEXIST':
    case 'ENOTDIR':
      return { what: 'a file is in the way where a folder should be', hint: `Point --storage at a folder, not a file (${dir}).` };
    default:
      return undefined;
  }
}

/** A SyncError STORAGE_ERROR for a full disk, a read-only folder or a file in the way; undefined for anything else. */
export function storageFailure(e: unknown, target: string, dir: string): SyncError | undefined {
  if (e instanceof SyncError) return e;
  const code = errno(e);
  const problem = storageProblem(code, dir);
  if (!problem) return undefined;
  return new SyncError('STORAGE_ERROR', `Could not write ${target}: ${problem.what} (${code}).`, { hint: problem.hint, path: target, cause: e });
}

export function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
}

/** Every byte of `pieces` at the file's position, in as few writes as the system takes (a write may take part). */
export async function writeAll(handle: Pick<fs.FileHandle, 'writev'>, pieces: Uint8Array[]): Promise<void> {
  let rest = pieces;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest);
    if (bytesWritten <= 0) throw new Error(`no byte of ${rest.length} pieces was written`);
    let i = 0;
    while (i < rest.length && bytesWritten >= (rest[i] as Uint8Array).length) bytesWritten -= (rest[i++] as Uint8Array).length;
    rest = rest.slice(i);
    if (bytesWritten > 0) rest[0] = (rest[0] as Uint8Array).subarray(bytesWritten);
  }
}
