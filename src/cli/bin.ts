// dist/cli.js: the `project-sync` command. It compiles the command itself (dist/cliMain.js, and the
// parts that loads on first use) through V8's code cache (./compileCache), then runs it.
import { enableCompileCache } from './compileCache';
import { boundHeap } from './heapBounds';

const command = process.argv[2] ?? '';
// The commands that write a sync (and analyse its files) run with a bounded heap (./heapBounds).
if (command === 'sync' || command === 'restore') boundHeap();
enableCompileCache(__dirname, /^[a-z]+$/.test(command) ? command : 'other');
import('./process')
  .then((cli) => cli.runCliProcess())
  .catch((e: unknown) => {
    process.stderr.write(`project-sync: the command could not start: ${String((e as Error | undefined)?.message ?? e)}\n`);
    process.exit(1);
  });
