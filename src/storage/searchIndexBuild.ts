// Building and folding the memory search index off the calling thread. A store without a usable
// memory.index builds it on its first query, and one that applied a large change (or many links)
// folds them into a new file: at 100k entries seconds of reading memory files, tokenizing, sorting
// and merging, which on the extension host's main thread would stall every extension of the window.
// A worker thread (./searchIndexWorker) does that work and answers with the file's bytes; the
// calling thread opens them (StoredIndex.open: views, no decoding) and never holds the entries.
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

/**
 * Bytes of memory files not yet applied to an index from which the worker brings it up to date
 * (1,300 entries and up: more than the 1,000 changes past which the file is rewritten anyway).
 */
export const LARGE_CHANGE_BYTES = 400_000;

/** Why a build in a worker did not answer: the worker failed, or a memory file did not read (the caller builds as before, and reports what it finds). */
export class IndexWorkerError extends Error {}

/**
 * memory.index's bytes for the memory of `data` (every commit of it) in the storage folder `dir`,
 * made in a worker thread: the file on disk opened and brought up to date (the changes folded in),
 * or the index built from the memory files. Rejects with IndexWorkerError when the worker fails, and
 * with the signal's reason when aborted (the worker is stopped).
 */
export function buildIndexFile(dir: string, data: HistoryFile, signal?: AbortSignal): Promise<Uint8Array> {
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
    const request: IndexRequest = { dir, data };
    try {
      worker.postMessage(request);
    } catch (e) {
      settle(() => reject(new IndexWorkerError(`the history could not be sent to the index worker (${e instanceof Error ? e.message : String(e)})`)));
    }
  });
}

/** Bytes of the memory files `data`'s commits name (as recorded when written). */
export function memoryBytes(data: HistoryFile): number {
  return pendingBytes(data, 0);
}

/** Bytes of the memory files of `data`'s commits from the `from`-th on. */
export function pendingBytes(data: HistoryFile, from: number): number {
  let n = 0;
  for (let i = from; i < data.commits.length; i++) n += data.commits[i]?.memoryBytes ?? 0;
  return n;
}
