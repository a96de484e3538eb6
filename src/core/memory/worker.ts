// A worker thread of the facts pool (./pool): loads the parsers once, then answers extractFacts
// requests one at a time. Bundled as dist/memoryWorker.js next to the bundle that starts it.
import { parentPort, workerData } from 'node:worker_threads';
import { extractFacts, type FileVersion } from './extract';
import { loadMemoryParsers } from './parsers';

export interface FactsRequest {
  id: number;
  inputs: FileVersion[];
}

const port = parentPort;
if (port) {
  // Without parsers (not wanted, or a grammar failed to load) extractFacts uses its regexes: still an answer.
  const wanted = (workerData as { parsers?: boolean } | null)?.parsers !== false;
  const ready = wanted ? loadMemoryParsers().catch(() => undefined) : Promise.resolve();
  port.on('message', (req: FactsRequest) => {
    void ready.then(() => {
      try {
        port.postMessage({ id: req.id, facts: req.inputs.map((input) => extractFacts(input)) });
      } catch (e) {
        port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}
