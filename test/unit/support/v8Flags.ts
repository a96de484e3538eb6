// Which V8 flags a child Node process sets for itself (v8.setFlagsFromString), as Node's own preload
// reports them on stderr: whatever becomes of the command, and without a knob in the shipped CLI.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes the preload into `dir`; returns the environment that loads it into a child. */
export function reportV8Flags(dir: string): NodeJS.ProcessEnv {
  const preload = path.join(dir, 'v8-flags.js');
  writeFileSync(preload, `const v8 = require('node:v8'); const set = v8.setFlagsFromString; v8.setFlagsFromString = (f) => { process.stderr.write('v8 flags: ' + f + '\\n'); return set(f); };\n`);
  return { NODE_OPTIONS: `--require ${JSON.stringify(preload)}` };
}

/** The flags a child's stderr reports, in the order they were set. */
export function v8FlagsSet(stderr: string): string[] {
  return [...stderr.matchAll(/^v8 flags: (.*)$/gm)].map((m) => m[1] as string);
}
