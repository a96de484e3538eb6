// A worker thread that builds the memory search index of a storage folder (memory.index's bytes,
// core/memory/storedIndex.ts) from its memory files and answers with the bytes, moved rather than
// copied (./searchIndexBuild). Bundled as dist/memoryIndexWorker.js next to the bundle that starts it.
import { parentPort } from 'node:worker_threads';
import * as engine from '../core/memory/search';
import { FileOps } from './fsOps';
import { activeMemory } from './loader';
import type { HistoryFile } from './schema';

export interface IndexRequest {
  /** The storage folder. */
  dir: string;
  /** The history whose memory to index (every commit of it). */
  data: HistoryFile;
  /** The index's metadata (what it reflects). */
  meta: unknown;
}

const port = parentPort;
if (port) {
  port.once('message', (req: IndexRequest) => {
    void activeMemory(new FileOps(req.dir), req.data, engine)
      .then((groups) => {
        const bytes = engine.StoredIndex.build(groups, req.meta).toBytes();
        // Moved: a view of part of a larger buffer is copied out first (moving would take the whole buffer).
        const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
        port.postMessage({ bytes: own }, [own.buffer as ArrayBuffer]);
      })
      .catch((e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }));
  });
}
