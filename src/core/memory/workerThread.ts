// Starting one of the memory's worker threads: its bundle next to the running one (dist/, see
// esbuild.mjs), or, running from source (tests, tsx), its TypeScript through tsx.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { nodeWorkerThreads } from '../builtins';

/** `bundle`: the script's file name in dist/; `source`: the absolute path of its TypeScript. */
export function startWorkerThread(bundle: string, source: string, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const opts = { workerData, ...(resourceLimits ? { resourceLimits } : {}) };
  const bundled = path.join(__dirname, bundle);
  const { Worker: WorkerThread } = nodeWorkerThreads();
  if (existsSync(bundled)) return new WorkerThread(bundled, opts);
  // tsx's require hook only: a worker's source must not import() what it needs (load it statically).
  return new WorkerThread(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { ...opts, eval: true });
}
