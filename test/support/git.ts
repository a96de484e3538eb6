import { spawn } from 'node:child_process';

/** An environment that isolates the git CLI from the user's configuration. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    LC_ALL: 'C',
    ...extra,
  };
}

export interface RunGitOptions {
  cwd?: string;
  input?: Buffer | string;
  env?: Record<string, string>;
}

/** Run git, resolve with its stdout; reject with stderr on a non-zero exit. */
export function runGit(args: readonly string[], opts: RunGitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const input = opts.input;
    const child = spawn('git', args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`git ${args.join(' ')} failed (${String(code)}): ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    if (child.stdin && input !== undefined) {
      // git may exit before reading everything; its exit code tells what happened.
      child.stdin.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') reject(err);
      });
      child.stdin.end(input);
    }
  });
}

/** Split NUL-terminated output into records (the last empty piece dropped). */
export function splitNul(buf: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(0, start); i !== -1; i = buf.indexOf(0, start)) {
    records.push(buf.subarray(start, i));
    start = i + 1;
  }
  if (start < buf.length) records.push(buf.subarray(start));
  return records;
}
