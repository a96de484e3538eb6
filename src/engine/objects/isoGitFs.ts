// What isomorphic-git is handed to read an object database: a file system and a `cache` object,
// shared by every reader of one database during a sync. isomorphic-git wraps the file system anew on
// every call (testing it twice by calling readFile() with no path, which made Node build a
// TypeError with its stack each time), stats the git dir, tries the loose object's path (a failed
// open and an ENOENT error per packed object) and lists objects/pack; and each `cache` object parses
// the pack indexes again (into a Map of every object) and hashes each pack whole once. Here the
// probe is answered without an error, and for the private cache repository (which only this sync
// writes: the storage is locked) the pack listing, the git dir's stat and the loose objects present
// are read once, until `invalidate()`: called after anything writes the database outside this file
// system (a pack fattened or compacted, a loose blob written); writes through it invalidate too.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isoGit } from './isoGit';
import { PackReader, Unsupported, type GitObject } from './packReader';

/** The file system isomorphic-git takes (`fs.promises`-shaped, found through an enumerable `promises`). */
export interface IsoFs {
  promises: typeof fsp;
}

/** Answers isomorphic-git's probe (`readFile()`, no path); a settled rejection without a stack. */
const NO_PATH = { code: 'ERR_INVALID_ARG_TYPE', message: 'no path' };
/** A loose object known to be absent: FileSystem.read turns any ENOENT into null. */
const ABSENT = { code: 'ENOENT', message: 'no such loose object' };

const PACKFILE_CACHE = 'PackfileCache';
/** isomorphic-git's answer for the empty tree, which no database needs to hold. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export class IsoGitRepo {
  readonly fs: IsoFs;
  /** isomorphic-git's `cache` argument: its parsed pack indexes and pack buffers, by file name. */
  readonly cache: object = {};
  private readonly objectsDir: string;
  private readonly packDir: string;
  private packs: Promise<string[]> | undefined;
  private gitDirStat: ReturnType<typeof fsp.stat> | undefined;
  /** The names of objects/ (the `xx` folders of loose objects) and of each `xx` folder. */
  private looseDirs: Promise<Set<string>> | undefined;
  private readonly loose = new Map<string, Promise<Set<string>>>();
  private readonly packed: PackReader;
  /** Packs this object wrote (thinPack.ts writeWholePack: storeThinPack, fattenPack), by index file name: their bytes, until the reader takes them. */
  private readonly adopted = new Map<string, Buffer>();

  /**
   * `memoize`: the database changes only through this object or with `invalidate()` called after
   * (the private cache repository); false for a database others write meanwhile (the workspace's),
   * which is only spared the probe's error.
   */
  constructor(
    readonly gitDir: string,
    private readonly memoize = true,
  ) {
    this.gitDir = path.resolve(gitDir);
    this.objectsDir = path.join(this.gitDir, 'objects');
    this.packDir = path.join(this.objectsDir, 'pack');
    this.fs = { promises: this.promises() };
    this.packed = new PackReader(
      this.packDir,
      () => this.listPacks(),
      (idxFile) => this.borrowPack(idxFile),
      (oid, via) => this.readObject(oid, false, via),
    );
  }

  /**
   * The object `oid` (its type and content), as isomorphic-git's readObject gives it (format
   * 'content'), with its errors (NotFoundError…). In the cache repository a packed object is read
   * by our own reader (packReader.ts); a loose one, the workspace's and anything else by isomorphic-git.
   * The bytes are shared with the next reads (not to be changed) unless `take`: then they are the
   * caller's. `via`: pack entries being read that wait for this one as their delta base (PackReader).
   */
  async readObject(oid: string, take = false, via: readonly string[] = []): Promise<GitObject> {
    if (this.memoize && oid !== EMPTY_TREE && !(await this.mayBeLoose(path.join(this.objectsDir, oid.slice(0, 2), oid.slice(2))))) {
      try {
        const found = await this.packed.read(oid, take, via);
        if (found) return found;
        // Neither loose nor in a pack of the cache (which has no alternates): absent. isomorphic-git
        // would say the same after loading every pack index of the cache and checking its pack (a
        // diff asked for a tree before the transfer that brings it: 0.2 s at 100k files).
        throw new (await isoGit()).Errors.NotFoundError(oid);
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
      }
    }
    const { type, object } = await (await isoGit()).readObject({ fs: this.fs, gitdir: this.gitDir, oid, format: 'content', cache: this.cache });
    return { type: type as GitObject['type'], object: Buffer.isBuffer(object) ? object : Buffer.from(object as Uint8Array) };
  }

  /**
   * The cache repository's pack entry of `oid` as stored, with its CRC-32, when a pack holds it
   * whole; undefined otherwise (a delta, a loose object, the workspace's database).
   */
  async wholeEntry(oid: string): Promise<{ entry: Buffer; crc: number } | undefined> {
    if (!this.memoize || (await this.mayBeLoose(path.join(this.objectsDir, oid.slice(0, 2), oid.slice(2))))) return undefined;
    try {
      return await this.packed.wholeEntry(oid);
    } catch (e) {
      if (e instanceof Unsupported) return undefined;
      throw e;
    }
  }

  /**
   * The bytes of a pack just written here (their sha-1 is the pack's trailer, which names it), for
   * the reader to take when it first reads the pack instead of reading the file: the pack is in
   * memory anyway when it is written, and a first sync's is the whole snapshot.
   */
  adoptPack(idxName: string, bytes: Buffer): void {
    if (this.memoize) this.adopted.set(idxName, bytes);
  }

  /**
   * The bytes of the pack of `idxFile` when this object wrote them (adoptPack), or when isomorphic-git
   * loaded (and checked) them in this cache.
   */
  private async borrowPack(idxFile: string): Promise<Buffer | undefined> {
    const name = path.basename(idxFile);
    const adopted = this.adopted.get(name);
    if (adopted && path.dirname(idxFile) === this.packDir) {
      this.adopted.delete(name);
      return adopted;
    }
    const parsed = packfileCache(this.cache);
    if (!parsed) return undefined;
    for (const [file, entry] of parsed) {
      if (path.resolve(file) !== idxFile) continue;
      const index = (await Promise.resolve(entry).catch(() => undefined)) as { pack?: Promise<Buffer | null> | null; _checksumVerification?: Promise<void> } | undefined;
      if (!index?.pack) return undefined;
      const pack = await index.pack.catch(() => null);
      if (!pack) return undefined;
      // Its check failing is the read's failure, as it is isomorphic-git's.
      if (index._checksumVerification) await index._checksumVerification;
      return pack;
    }
    return undefined;
  }

  /** Forget what was read of the database's files; pack indexes of packs no longer listed are dropped. */
  async invalidate(): Promise<void> {
    this.forget();
    const names = new Set(await this.listPacks().catch(() => [] as string[]));
    this.packed.forget(names);
    for (const name of [...this.adopted.keys()]) if (!names.has(name)) this.adopted.delete(name);
    const parsed = packfileCache(this.cache);
    if (!parsed) return;
    for (const file of [...parsed.keys()]) if (path.dirname(path.resolve(file)) !== this.packDir || !names.has(path.basename(file))) parsed.delete(file);
  }

  private forget(): void {
    this.packs = undefined;
    this.gitDirStat = undefined;
    this.looseDirs = undefined;
    this.loose.clear();
  }

  private listPacks(): Promise<string[]> {
    this.packs ??= fsp.readdir(this.packDir);
    const listed = this.packs;
    listed.catch(() => {
      if (this.packs === listed) this.packs = undefined;
    });
    return listed.then((names) => [...names]);
  }

  /** Whether the loose object at `file` (objects/xx/yyyy…) may exist: false only when known absent. */
  private async mayBeLoose(file: string): Promise<boolean> {
    const dir = path.dirname(file);
    const xx = path.basename(dir);
    this.looseDirs ??= fsp.readdir(this.objectsDir).then(
      (names) => new Set(names),
      () => new Set<string>(),
    );
    if (!(await this.looseDirs).has(xx)) return false;
    let names = this.loose.get(xx);
    if (!names) {
      names = fsp.readdir(dir).then(
        (n) => new Set(n),
        () => new Set<string>(),
      );
      this.loose.set(xx, names);
    }
    return (await names).has(path.basename(file));
  }

  private isLooseObject(file: string): boolean {
    return path.dirname(path.dirname(file)) === this.objectsDir && /^[0-9a-f]{2}$/.test(path.basename(path.dirname(file))) && /^[0-9a-f]{38}$/.test(path.basename(file));
  }

  private promises(): typeof fsp {
    const memoize = this.memoize;
    const written = <A extends unknown[], R>(op: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        this.forget();
        try {
          return await op(...args);
        } finally {
          this.forget();
        }
      };
    const api = {
      readFile: ((file?: unknown, options?: unknown) => {
        if (file === undefined) return Promise.reject(NO_PATH);
        if (memoize && typeof file === 'string') {
          const abs = path.resolve(file);
          if (this.isLooseObject(abs)) {
            return this.mayBeLoose(abs).then((may) => (may ? fsp.readFile(file, options as never) : Promise.reject(ABSENT)));
          }
        }
        return fsp.readFile(file as string, options as never);
      }) as typeof fsp.readFile,
      readdir: ((dir: string, options?: unknown) => {
        if (memoize && options === undefined && path.resolve(dir) === this.packDir) return this.listPacks();
        return fsp.readdir(dir, options as never);
      }) as typeof fsp.readdir,
      stat: ((file: string, options?: unknown) => {
        if (memoize && options === undefined && path.resolve(file) === this.gitDir) {
          this.gitDirStat ??= fsp.stat(file);
          const stat = this.gitDirStat;
          stat.catch(() => {
            if (this.gitDirStat === stat) this.gitDirStat = undefined;
          });
          return stat;
        }
        return fsp.stat(file, options as never);
      }) as typeof fsp.stat,
      lstat: fsp.lstat,
      readlink: fsp.readlink,
      writeFile: written(fsp.writeFile),
      mkdir: written(fsp.mkdir),
      rmdir: written(fsp.rmdir),
      unlink: written(fsp.unlink),
      symlink: written(fsp.symlink),
      rm: written(fsp.rm),
    };
    return api as unknown as typeof fsp;
  }
}

/** isomorphic-git's map of parsed pack indexes in a `cache` object (keyed by a symbol it does not export). */
function packfileCache(cache: object): Map<string, unknown> | undefined {
  const key = Object.getOwnPropertySymbols(cache).find((s) => s.description === PACKFILE_CACHE);
  const found = key === undefined ? undefined : (cache as Record<symbol, unknown>)[key];
  return found instanceof Map ? (found as Map<string, unknown>) : undefined;
}
