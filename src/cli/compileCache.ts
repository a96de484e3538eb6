// V8's code cache for the CLI's own bundles. Every `project-sync` command is a new Node process that
// compiles about 1 MB of JavaScript before it does anything; with the bytecode V8 produced last time
// (kept per user in the system's temp folder), a no-change resync or a `--version` starts about
// 0.05–0.1 s sooner. The files of the CLI's own folder (dist/cli.js's parts: cliMain.js,
// memoryAnalysis.js, …) are compiled here with vm.Script and its cachedData, as v8-compile-cache
// does, on every Node: Node 22.1+'s own module.enableCompileCache makes a module's cache as it
// compiles it, with V8's flags of that moment, which the sync's heap bound changes as it runs
// (./heapBounds: a cache made before the change is refused after it, and made again, every run).
// One cache per command, written by the command's first run after a build (Windows: under
// %LOCALAPPDATA%). Anything amiss with the cache
// (no temp folder, a folder another user could write, a damaged or stale file) only costs the
// compile: the code runs the same. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does in Node.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { withStartFlags } from './heapBounds';

interface InternalModule {
  exports: unknown;
  filename: string;
}
interface ModuleInternals {
  _extensions: Record<string, (module: InternalModule, filename: string) => void>;
  wrap(source: string): string;
  createRequire(filename: string): NodeJS.Require;
}

/**
 * Compile the bundles of `bundleDir` through V8's code cache from now on; returns the cache folder
 * in use, or undefined when caching is off or unsafe here.
 */
export function enableCompileCache(bundleDir: string, variant: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  // One cache per command (`sync`, `history`…): bytecode is written by a command's first run and then
  // only read, so a `--version` run first must not leave every later sync compiling lazily again.
  const base = cacheDir(env);
  const dir = base && path.join(base, variant);
  if (!dir || !privateFolder(dir)) return undefined;
  const internals = nodeModule as unknown as ModuleInternals;
  const compileJs = internals._extensions['.js'];
  if (!compileJs || typeof internals.wrap !== 'function') return undefined;
  const own = path.resolve(bundleDir);
  const produced: { script: vm.Script; file: string }[] = [];
  internals._extensions['.js'] = function (module, filename) {
    if (path.dirname(filename) !== own) return compileJs.call(this, module, filename);
    const bytes = readFileSync(filename);
    // Decoded as UTF-8. Taking an ASCII bundle's bytes as latin1 saved ~10 ms, but Node makes an
    // external string of one over 1 MB, and runs using a code cache that such a run had written now
    // and then peaked 110 MB higher in a 100k first sync's memory step (1 run in 4).
    const source = bytes.toString('utf8');
    const file = cacheFile(dir, filename, bytes);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    // A bundle starting with `#!` (dist/cli.js) is not valid inside the module wrapper: blank the line.
    const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
    // No importModuleDynamically: a bundle compiled here cannot import() (esbuild turns every import()
    // into a require, scripts/engineSplit.mjs). On Node 20 vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER
    // prints an experimental warning, and a script made from a code cache loses it.
    const script = withStartFlags(() => new vm.Script(internals.wrap(body), { filename, ...(cachedData ? { cachedData } : {}) }));
    if (!cachedData || script.cachedDataRejected === true) produced.push({ script, file });
    const fn = script.runInThisContext({ displayErrors: true }) as (this: unknown, ...args: unknown[]) => void;
    fn.call(module.exports, module.exports, internals.createRequire(filename), module, filename, path.dirname(filename));
  };
  // At exit the bytecode also holds the functions this run compiled lazily: the next run skips those too.
  process.once('exit', () => {
    for (const p of produced.splice(0)) writeCache(p.file, p.script);
  });
  return dir;
}

/**
 * The per-user cache folder: under the system temp folder, named for the user; on Windows (no uid
 * to check a folder's owner by) under %LOCALAPPDATA%, which only its user can write. Undefined when
 * neither applies.
 */
function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (typeof process.getuid === 'function') return path.join(os.tmpdir(), `project-sync-v8-${process.getuid()}`);
  return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'project-sync', 'v8') : undefined;
}

/** `dir` (and its parent) created private to this user; false when they cannot be trusted. */
function privateFolder(dir: string): boolean {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const d of [path.dirname(dir), dir]) {
      const st = lstatSync(d); // a symlink is refused too: the folder must be this one, ours
      // Bytecode is code: never run what another user could have written.
      if (!st.isDirectory() || (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * One file per bundle build and Node version. V8 checks a cache against the source's length only, so
 * the name carries a digest of the whole source: a rebuild of the same length must never run the
 * old bytecode. `LOADER` names how the source was read for it: bytecode written when the source was
 * taken as latin1 (an external string) is never used by this loader.
 */
function cacheFile(dir: string, filename: string, bytes: Uint8Array): string {
  const digest = createHash('sha1').update(bytes).digest('hex').slice(0, 20);
  return path.join(dir, `${path.basename(filename)}.${digest}-${LOADER}-${process.version}-${process.arch}.bin`);
}

const LOADER = 'utf8';

/**
 * Files of other builds of a bundle kept beside this one's: two installed CLIs (a global one and a
 * project's) each keep their bytecode instead of removing the other's on every run; older builds' go.
 */
export const OTHER_BUILDS_KEPT = 2;

function writeCache(file: string, script: vm.Script): void {
  try {
    const dir = path.dirname(file);
    const prefix = `${path.basename(file).split('.').slice(0, 2).join('.')}.`;
    // Another process may rename or remove a file meanwhile: each one is on its own, and this run's
    // file is written whatever happens to them.
    const mtime = (f: string): number => {
      try {
        return statSync(path.join(dir, f)).mtimeMs;
      } catch {
        return -1;
      }
    };
    const others = readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f !== path.basename(file))
      .map((f) => ({ f, at: mtime(f) }))
      .filter((o) => o.at >= 0)
      .sort((a, b) => b.at - a.at);
    // A file is written once per build (then only read): the newest written are the builds in use
    // (a build kept in use but written long ago may be pruned after two newer ones: one recompile).
    // A temp file is another process's write under way, or one cut short (gone after a minute).
    const bins = others.filter((o) => o.f.endsWith('.bin'));
    const cut = others.filter((o) => o.f.endsWith('.tmp') && Date.now() - o.at > 60_000);
    for (const { f } of [...bins.slice(OTHER_BUILDS_KEPT), ...cut]) {
      try {
        unlinkSync(path.join(dir, f));
      } catch {
        // gone already
      }
    }
    // Written whole under another name, then renamed: a process starting meanwhile reads the old file or the new.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, withStartFlags(() => script.createCachedData()), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // A full disk or a read-only temp folder: the next run compiles again.
  }
}
