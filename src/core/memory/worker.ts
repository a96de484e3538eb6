// A worker thread of the facts pool (./pool): loads the parsers once, then answers extractFacts
// requests one at a time. Bundled as dist/memoryWorker.js next to the bundle that starts it.
import { parentPort, workerData } from 'node:worker_threads';
import { extractFacts, type FileVersion } from './extract';
import { loadParsersProblem } from './parsers';

export interface FactsRequest {
  id: number;
  inputs: FileVersion[];
}

const port = parentPort;
if (port) {
  // Without parsers (not wanted, or a grammar failed to load) extractFacts uses its regexes: still an answer.
  const data = workerData as { parsers?: boolean; grammars?: string } | null;
  const wanted = data?.parsers !== false;
  // What did not load is said once, with the first answer (the pool's owner logs it): never a silent fallback.
  let problem: string | undefined;
  const ready = wanted
    ? loadParsersProblem(data?.grammars).then((p) => {
        problem = p;
      })
    : Promise.resolve();
  port.on('message', (req: FactsRequest) => {
    void ready.then(() => {
      try {
        const warning = problem;
        problem = undefined;
        port.postMessage({ id: req.id, facts: req.inputs.map((input) => extractFacts(input)), ...(warning ? { warning } : {}) });
      } catch (e) {
        port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
      }
    });
  });
}
