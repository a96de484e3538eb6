// The CLI as a process: run main() on argv, then exit once stdout and stderr are drained (a pipe
// takes 64 KB at a time; exiting earlier cut documents short).
import type { EngineOptions } from '../engine';
import { flushed, main } from './main';

export function runCliProcess(engine: Partial<EngineOptions> = {}): void {
  const exit = async (code: number) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  };
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, engine).then(exit, (e: unknown) => {
    process.stderr.write(`project-sync: unexpected failure: ${(e as Error).message}\n`);
    return exit(1);
  });
}
