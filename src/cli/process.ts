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
  let settled = false;
  // Node exits 0 when nothing is left to wait for, even with main() unfinished: a promise that can
  // never settle must not pass for success.
  process.on('beforeExit', () => {
    if (settled) return;
    const message = 'Internal error: the command stopped without finishing (it waited on something that can never happen).';
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ type: 'error', code: 'INTERNAL', message }) + '\n');
    else process.stderr.write(`project-sync: ${message}\n`);
    process.exit(1);
  });
  const exit = async (code: number) => {
    settled = true;
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  };
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, engine).then(exit, (e: unknown) => {
    process.stderr.write(`project-sync: unexpected failure: ${escapeControls(String((e as Error | undefined)?.message ?? e))}\n`);
    return exit(1);
  });
}
