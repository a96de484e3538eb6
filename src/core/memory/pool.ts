// Memory facts off the calling thread: a small pool of worker threads (./worker), each with its own
// parsers, so parsing a sync's changed blobs neither blocks the extension host's main thread nor
// waits for one core. The answer for a file is exactly extractFacts' (same code, parsers loaded).
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { MemoryFacts } from '../types';
import type { FileVersion } from './extract';
import { startWorkerThread } from './workerThread';

export interface FactsPool {
  /** The facts of one file version, computed in a worker. */
  extract(input: FileVersion): Promise<MemoryFacts | undefined>;
  /** The facts of several file versions (one message each way), in order. */
  extractMany(inputs: readonly FileVersion[]): Promise<(MemoryFacts | undefined)[]>;
  /** Whether a worker has failed or exited (a pool kept between syncs is then replaced). */
  broken(): boolean;
  /** Whether a worker said some of its parsers did not load (its answers then hold regex symbols for those languages). */
  degraded(): boolean;
  /** Stop the workers; pending extractions reject. */
  close(): Promise<void>;
  /**
   * Stop the workers now, whatever they are doing (a cancelled sync with batches still out): pending
   * extractions reject. A pool's own close() does that already; a kept pool's lease is let go of and
   * its workers with it.
   */
  stop(): Promise<void>;
}

export interface PoolOptions {
  /** Load the real parsers in each worker (as loadMemoryParsers does on the calling thread). Default true. */
  parsers?: boolean;
  /** Told what a worker could not load (its parsers): the facts then come from the regexes. */
  onWarning?: (message: string) => void;
  /** The folder of the grammar .wasm files (loadMemoryParsers' `grammars`; tests only). */
  grammarsDir?: string;
}

interface Pending {
  resolve(facts: (MemoryFacts | undefined)[]): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Why the worker stopped (an error, or it exited): it takes no more work. */
  failure?: Error;
}

/**
 * A worker's young generation, in MB (V8's default is 16 MB a semi-space): what it allocates per
 * batch dies young, and at 100k files the default's committed pages cost ~10 MB of peak RSS.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/** A worker of the pool: dist/memoryWorker.js next to the running bundle, or (tests, tsx) ./worker.ts. */
function startWorker(workerData: { parsers: boolean; grammars?: string }): Worker {
  return startWorkerThread('memoryWorker.js', path.join(__dirname, 'worker.ts'), workerData, { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB });
}

/** A pool of `size` workers (default: one less than the cores, at least one, at most four). */
export function createFactsPool(size = Math.min(4, Math.max(1, availableParallelism() - 1)), opts: PoolOptions = {}): FactsPool {
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;
  // Each worker says what it could not load; the pool's owner hears each message once.
  const warned = new Set<string>();
  let degraded = false;
  for (let i = 0; i < size; i++) {
    const slot: Slot = { worker: startWorker({ parsers: opts.parsers ?? true, ...(opts.grammarsDir !== undefined ? { grammars: opts.grammarsDir } : {}) }), pending: new Map() };
    slot.worker.on('message', (m: { id: number; facts?: (MemoryFacts | undefined)[]; error?: string; warning?: string }) => {
      // Said before the answer it comes with is handed over: whoever reads the answer can tell.
      if (m.warning !== undefined) degraded = true;
      if (m.warning !== undefined && !warned.has(m.warning)) {
        warned.add(m.warning);
        opts.onWarning?.(m.warning);
      }
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.facts ?? []);
    });
    const failAll = (e: Error): void => {
      slot.failure ??= e;
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
    };
    slot.worker.on('error', failAll);
    slot.worker.on('exit', (code) => failAll(new Error(`memory worker exited (${code})`)));
    slots.push(slot);
  }
  const extractMany = (inputs: readonly FileVersion[]): Promise<(MemoryFacts | undefined)[]> => {
    if (closed) return Promise.reject(new Error('the facts pool is closed'));
    // A worker that failed (or never started: a missing bundle) takes nothing: its requests would never be answered.
    const live = slots.filter((s) => s.failure === undefined);
    if (live.length === 0) return Promise.reject(slots[0]?.failure ?? new Error('the facts pool has no worker'));
    const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = nextId++;
    // Copy just each file's bytes and move the copies: the caller's bytes are often a view of a larger
    // buffer (Buffer#slice is a view too), which moving would detach under the caller's feet.
    const moved = inputs.map((input) => ({ ...input, content: input.content && new Uint8Array(input.content) }));
    const transfer = moved.flatMap((m) => (m.content ? [m.content.buffer] : []));
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, inputs: moved }, transfer);
    });
  };
  return {
    async extract(input) {
      return (await extractMany([input]))[0];
    },
    extractMany,
    broken: () => slots.some((s) => s.failure !== undefined),
    degraded: () => degraded,
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
    async stop() {
      await this.close();
    },
  };
}
