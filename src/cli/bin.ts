// dist/cli.js: the `project-sync` command. It compiles the command itself (dist/cliMain.js, and the
// parts that loads on first use) through V8's code cache (./compileCache), then runs it.
import { enableCompileCache } from './compileCache';

enableCompileCache(__dirname);
import('./process').then(
  (cli) => cli.runCliProcess(),
  (e: unknown) => {
    process.stderr.write(`project-sync: the command could not be loaded: ${String((e as Error | undefined)?.message ?? e)}\n`);
    process.exit(1);
  },
);
