// A worker thread that makes the memory search index file of a storage folder (memory.index's
// bytes: the file on disk brought up to date and folded, or the index built from the memory files,
// by ./memorySearchCache on this thread) and answers with the bytes, moved rather than copied
// (./searchIndexBuild). Bundled as dist/memoryIndexWorker.js next to the bundle that starts it.
import { parentPort } from 'node:worker_threads';
import * as engine from '../core/memory/search';
import { nullLogger } from '../core/logger';
import { FileOps } from './fsOps';
import { activeMemory, memoryRel, readMemoryFile } from './loader';
import { MemorySearchCache } from './memorySearchCache';
import type { HistoryFile } from './schema';

export interface IndexRequest {
  /** The storage folder. */
  dir: string;
  /** The history whose memory to index (every commit of it). */
  data: HistoryFile;
}

const port = parentPort;
if (port) {
  port.once('message', (req: IndexRequest) => {
    const files = new FileOps(req.dir);
    const cache = new MemorySearchCache(files, nullLogger, { inThread: true });
    const host = {
      data: () => req.data,
      loadAll: async () => ({ groups: await activeMemory(files, req.data, engine), commits: req.data.commits.length }),
      readChange: (c: HistoryFile['commits'][number]) => readMemoryFile(files, memoryRel(c.memoryFile as string), c.syncId),
    };
    void cache
      .file(host, engine)
      .then((bytes) => {
        // Moved: a view of part of a larger buffer is copied out first (moving would take the whole buffer).
        const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
        port.postMessage({ bytes: own }, [own.buffer as ArrayBuffer]);
      })
      .catch((e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }));
  });
}
