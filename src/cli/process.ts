// The CLI as a process: run main() on argv, then exit once stdout and stderr are drained (a pipe
// takes 64 KB at a time; exiting earlier cut documents short).
import type { EngineOptions } from '../engine';
import { flushed, main } from './main';
import { escapeControls, fatalText } from './render';

export function runCliProcess(engine: Partial<EngineOptions> = {}): void {
  // A clean error, not a stack trace, for a failure no promise chain owns (see outOfBandError).
  process.on('unhandledRejection', (e: unknown) => {
    const json = process.argv.includes('--json');
    (json ? process.stdout : process.stderr).write(fatalText(e, json) + '\n');
    return exit(1);
  });
  const exit = async (code: number) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  };
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, engine).then(exit, (e: unknown) => {
    process.stderr.write(`project-sync: unexpected failure: ${escapeControls(String((e as Error | undefined)?.message ?? e))}\n`);
    return exit(1);
  });
}
