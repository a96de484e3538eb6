// How much memory a `project-sync sync` (or `restore`) process lets V8 keep, set by the CLI for its own
// process only: V8's flags are process-wide, so the extension never sets them (they would govern VS
// Code's whole extension host).
//
// Measured on the benchmark's 100k first sync (2 cores): the live JavaScript heap at the memory
// step is ~10–20 MB, but V8's defaults grow its young generation to 32 MB (two 16 MB semi-spaces:
// V8 doubles them whenever the bytes that survived its collections since the last growth exceed
// their size, which a few seconds of analysis always reaches) and let the old generation grow to
// several times what is live before a full collection (its limit's factor is up to 4), holding the
// blobs' buffers that died there with it. Peak RSS 118–132 MB, against git's largest process's 69.
// Both are read by V8 when it collects, so a started process can still set them (Node leaves V8's
// flags unfrozen; `v8.setFlagsFromString`): semi-spaces kept at about 2 MB (the growth is stopped
// once they are seen there: see boundHeap) and the old generation's limit at about 1.4× what
// survived the last full collection (V8 adds a minimum step) bring the peak to 92–99 MB, the
// snapshot saved no later and memory complete 3–6% later (831 scavenges instead of 132: the
// collections' own time, on the same thread).
//
// V8's code cache is only taken by a process whose flags hash as the writer's did: the CLI's own
// cache (./compileCache) reads and writes with the flags as they were when the command started
// (withStartFlags), else the cache written at exit, after the growth stopped, would be refused by
// every next run's start-up, and written again, forever. (Node 22.1+'s own compile cache, which
// makes a module's cache as it compiles it, with the flags of that moment, is not used for that.)
//
// Measured on Node 20 (V8 11.3), 22 and 24: a young generation that grows to 32 MB (128 MB on
// Node 24) without the bound stays at 4 MB with it (Node 24 passes 7–9 MB for a moment now and
// then; test/unit/heapBounds.test.ts).
import v8 from 'node:v8';

/** The largest semi-space the young generation grows to, in MB (V8 starts at 1 MB and doubles). */
export const SEMI_SPACE_CAP_MB = 2;
/** The old generation's limit after a full collection: what survived it × (1 + this / 100). */
export const HEAP_GROWING_PERCENT = 40;
/** How often the young generation's size is looked at until it reaches the cap. */
const WATCH_MS = 10;

/**
 * Bound this process's heap as above. V8 has no runtime setting for the young generation's largest
 * size, only for its growth factor, so the growth is stopped (factor 1) once the young generation
 * (both semi-spaces) has reached the cap: it is looked at every WATCH_MS when the event loop turns,
 * so a long synchronous stretch can take it one doubling or two past the cap before it stops.
 * Returns a function that ends the watch and forgets the stop (for tests: the flags stay as set,
 * and withStartFlags no longer restores them); the watch never holds the process open.
 */
export function boundHeap(flags: (f: string) => void = v8.setFlagsFromString, newSpaceBytes: () => number | undefined = youngGenerationBytes): () => void {
  flags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const cap = 2 * SEMI_SPACE_CAP_MB * 1024 * 1024;
  let timer: NodeJS.Timeout | undefined;
  const reached = (): boolean => {
    const size = newSpaceBytes();
    if (size !== undefined && size < cap) return false;
    flags(STOPPED);
    stopped = flags;
    return true;
  };
  if (!reached()) {
    timer = setInterval(() => {
      if (reached()) clearInterval(timer);
    }, WATCH_MS);
    timer.unref();
  }
  return () => {
    clearInterval(timer);
    stopped = undefined;
  };
}

const STOPPED = '--semi-space-growth-factor=1';
/** V8's own default (a flag at its default is left out of the flags' hash). */
const GROWING = '--semi-space-growth-factor=2';
/** How the growth was stopped, once it was. */
let stopped: ((f: string) => void) | undefined;

/**
 * `fn` run with V8's flags as they were when the command started, so that a code cache read or
 * written in it hashes the same flags whenever it runs: the young generation's growth factor is at
 * its default meanwhile (a collection during a compile could grow it once more).
 */
export function withStartFlags<T>(fn: () => T): T {
  const set = stopped;
  if (!set) return fn();
  set(GROWING);
  try {
    return fn();
  } finally {
    set(STOPPED);
  }
}

/** The young generation's committed size (both semi-spaces), or undefined when V8 does not say. */
function youngGenerationBytes(): number | undefined {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size;
}
