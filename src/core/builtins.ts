// Node built-ins that only some paths use, loaded on first use: each costs a process about 3 ms to
// load (node:zlib, node:worker_threads), and a no-change resync or a 1% sync of the git path needs
// neither (a compressed REST answer, a pack read by the portable path, a loose blob written, a
// worker thread started). Synchronous, for callers that are.
import { createRequire } from 'node:module';

const load = createRequire(__filename);
let zlib: typeof import('node:zlib') | undefined;
let workerThreads: typeof import('node:worker_threads') | undefined;

export function nodeZlib(): typeof import('node:zlib') {
  zlib ??= load('node:zlib') as typeof import('node:zlib');
  return zlib;
}

export function nodeWorkerThreads(): typeof import('node:worker_threads') {
  workerThreads ??= load('node:worker_threads') as typeof import('node:worker_threads');
  return workerThreads;
}
