// Building the memory search index off the calling thread. A store without a usable memory.index
// builds it on its first query: at 100k entries that is seconds of reading memory files,
// tokenizing and sorting, which on the extension host's main thread would stall every extension of
// the window. A worker thread (./searchIndexWorker) reads the memory files and builds the index; the
// calling thread opens the bytes it gets back (StoredIndex.open: views, no decoding) and never
// holds the entries.
import path from 'node:path';
import { startWorkerThread } from '../core/memory/workerThread';
import type { HistoryFile } from './schema';
import type { IndexRequest } from './searchIndexWorker';

/**
 * From how many bytes of memory files the index is built in a worker (1,300 to 2,000 entries, at 200
 * to 300 bytes an entry): below, building it on the calling thread takes less than starting a
 * worker would. Mutable for tests only.
 */
export const offThread = { minMemoryBytes: 400_000 };

/** Why a build in a worker did not answer: the worker failed, or a memory file did not read (the caller builds as before, and reports what it finds). */
export class IndexWorkerError extends Error {}

/**
 * memory.index's bytes for `data`'s memory in the storage folder `dir`, built in a worker thread
 * (StoredIndex.build of the active entries, then toBytes). Rejects with IndexWorkerError when the
 * worker fails, and with the signal's reason when aborted (the worker is stopped).
 */
export function buildIndexFile(dir: string, data: HistoryFile, meta: unknown, signal?: AbortSignal): Promise<Uint8Array> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<Uint8Array>((resolve, reject) => {
    let worker: ReturnType<typeof startWorkerThread>;
    try {
      worker = startWorkerThread('memoryIndexWorker.js', path.join(__dirname, 'searchIndexWorker.ts'), null);
    } catch (e) {
      reject(new IndexWorkerError(`the index worker did not start (${e instanceof Error ? e.message : String(e)})`));
      return;
    }
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => settle(() => reject(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: { bytes?: Uint8Array; error?: string }) =>
      settle(() => (m.bytes ? resolve(m.bytes) : reject(new IndexWorkerError(`the index worker failed: ${m.error ?? 'no answer'}`)))),
    );
    worker.once('error', (e) => settle(() => reject(new IndexWorkerError(`the index worker failed: ${e.message}`))));
    worker.once('exit', (code) => settle(() => reject(new IndexWorkerError(`the index worker exited (${code}) before answering`))));
    const request: IndexRequest = { dir, data, meta };
    worker.postMessage(request);
  });
}

/** Bytes of the memory files `data`'s commits name (as recorded when written). */
export function memoryBytes(data: HistoryFile): number {
  let n = 0;
  for (const c of data.commits) n += c.memoryBytes ?? 0;
  return n;
}
