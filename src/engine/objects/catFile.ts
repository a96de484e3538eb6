// A long-lived `git cat-file --batch` process: many blobs read through one pipe, in request order.
// A reader started before a pack arrives still finds its objects: git looks for new packs in the
// object database (reprepare_packed_git) before it answers "missing".
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Prepended to every git command line we run: no hook of any repository runs (a planted
 * `objects.git/hooks/*` or `core.hooksPath` would run code during a fetch). The command line
 * outranks every config file.
 */
export const GIT_SAFETY_ARGS: readonly string[] = ['-c', 'core.hooksPath=/dev/null'];

const EMPTY = Buffer.alloc(0);

interface Pending {
  sha: string;
  resolve: (answer: Uint8Array | number | undefined) => void;
  reject: (e: Error) => void;
}

/** `--batch`: contents; `--batch-check`: sizes (`%(objectname) %(objectsize)`). */
type Mode = '--batch' | '--batch-check';

export class CatFileBatch {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = EMPTY;
  /** Chunks of a blob not yet whole, joined once its last byte is in (see onData). */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Bytes of content still expected for the head of the queue (plus its trailing LF), or -1 for a header. */
  private expect = -1;
  private failure: Error | undefined;
  /** Shas asked for in this tick: written to git in one write (one write per sha cost ~10 µs each). */
  private outbox: string[] = [];

  constructor(
    gitPath: string,
    gitDir: string,
    private readonly mode: Mode = '--batch',
  ) {
    const arg = mode === '--batch' ? mode : '--batch-check=%(objectname) %(objectsize)';
    this.proc = spawn(gitPath, [...GIT_SAFETY_ARGS, '--git-dir', gitDir, 'cat-file', arg], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.on('error', (e) => this.fail(e));
    this.proc.on('close', (code) => this.fail(new Error(`git cat-file exited with ${code}`)));
    this.proc.stdin.on('error', (e) => this.fail(e));
    this.proc.stderr.resume();
    this.hold(false);
  }

  /**
   * An idle reader keeps nothing alive: a process whose work is done exits even if a reader was
   * started for reads that never came (one started ahead, while a transfer ran). A read pending holds
   * the process until it is answered.
   */
  private hold(on: boolean): void {
    // The pipes are sockets (net.Socket, as Node documents for piped stdio).
    for (const handle of [this.proc, this.proc.stdin, this.proc.stdout, this.proc.stderr] as { ref(): unknown; unref(): unknown }[]) {
      if (on) handle.ref();
      else handle.unref();
    }
  }

  /** The process is gone or was closed: every read fails, and a new reader is needed. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The blob's bytes, or undefined when the object is not in this repository (a `--batch` reader). */
  read(sha: string): Promise<Uint8Array | undefined> {
    if (this.mode !== '--batch') return Promise.reject(new Error('a --batch-check reader gives sizes, not contents'));
    return this.ask(sha) as Promise<Uint8Array | undefined>;
  }

  /** The object's size in bytes, or undefined when it is not in this repository (a `--batch-check` reader). */
  sizeOf(sha: string): Promise<number | undefined> {
    if (this.mode !== '--batch-check') return Promise.reject(new Error('a --batch reader gives contents, not sizes'));
    return this.ask(sha) as Promise<number | undefined>;
  }

  private ask(sha: string): Promise<Uint8Array | number | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      if (this.pending.push({ sha, resolve, reject }) === 1) this.hold(true);
      if (this.outbox.push(sha) === 1) queueMicrotask(() => this.flush());
    });
  }

  /** The last pending read answered: the reader goes idle. */
  private answered(): void {
    if (this.pending.length === 0) this.hold(false);
  }

  private flush(): void {
    const shas = this.outbox;
    this.outbox = [];
    if (shas.length > 0 && !this.failure) this.proc.stdin.write(shas.join('\n') + '\n');
  }

  private onData(chunk: Buffer): void {
    // A blob over many chunks is joined once, when whole: joined at every chunk, a 10 MB blob cost
    // 160 copies of up to 10 MB.
    if (this.expect >= 0 && this.buffer.length + this.partsBytes + chunk.length < this.expect + 1) {
      this.parts.push(chunk);
      this.partsBytes += chunk.length;
      return;
    }
    this.buffer = this.buffer.length === 0 && this.parts.length === 0 ? chunk : Buffer.concat([this.buffer, ...this.parts, chunk]);
    this.parts = [];
    this.partsBytes = 0;
    this.parse();
    // An idle reader holds no chunk through an empty view of it.
    if (this.buffer.length === 0) this.buffer = EMPTY;
  }

  /** The answers whole in the buffer, handed to their reads. */
  private parse(): void {
    for (;;) {
      const head = this.pending[0];
      if (!head) return;
      if (this.expect < 0) {
        const nl = this.buffer.indexOf(10);
        if (nl < 0) return;
        const line = this.buffer.subarray(0, nl).toString('latin1');
        this.buffer = this.buffer.subarray(nl + 1);
        if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
          this.pending.shift();
          head.resolve(undefined);
          this.answered();
          continue;
        }
        const parts = line.split(' ');
        const size = Number(parts[this.mode === '--batch' ? 2 : 1]);
        if (!Number.isInteger(size) || size < 0) {
          this.fail(new Error(`unexpected cat-file header: ${line}`));
          return;
        }
        if (this.mode === '--batch-check') {
          this.pending.shift();
          head.resolve(size);
          this.answered();
          continue;
        }
        this.expect = size;
      }
      if (this.buffer.length < this.expect + 1) return;
      // A view of the chunk, not a copy: a blob is read and dropped (a copy per blob doubled the
      // buffers a first sync's 100k reads left for the GC, and its peak memory with them).
      const bytes = this.buffer.subarray(0, this.expect);
      this.buffer = this.buffer.subarray(this.expect + 1);
      this.expect = -1;
      this.pending.shift();
      head.resolve(bytes);
      this.answered();
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.splice(0)) p.reject(e);
    this.hold(false);
  }

  /** Stopped now: reads not answered yet fail (they never settled before, and whoever awaited them waited forever). */
  close(): void {
    this.fail(new Error('closed'));
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** Which of `shas` exist in the repository (one `git cat-file --batch-check` run). */
export async function presentObjects(gitPath: string, gitDir: string, shas: readonly string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const out = await runGit(gitPath, ['--git-dir', gitDir, 'cat-file', '--batch-check=%(objectname) %(objecttype)'], shas.join('\n') + '\n');
  const present = new Set<string>();
  for (const line of out.toString('latin1').split('\n')) {
    const [sha, type] = line.split(' ');
    if (sha && type && type !== 'missing') present.add(sha);
  }
  return present;
}

export interface GitRunOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  cwd?: string;
}

/** Run git, feeding `input`, resolving with stdout; rejects with stderr on a non-zero exit. */
export async function runGit(gitPath: string, args: string[], input?: string, opts: GitRunOptions = {}): Promise<Buffer> {
  const out: Buffer[] = [];
  await runGitEach(gitPath, args, (c) => out.push(c), input, opts);
  return Buffer.concat(out);
}

/**
 * runGit with stdout handed to `onStdout` chunk by chunk as it arrives, never gathered: for a large
 * output parsed as it comes. Resolves when git exits 0; rejects as runGit does.
 */
export function runGitEach(gitPath: string, args: string[], onStdout: (chunk: Buffer) => void, input?: string, opts: GitRunOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(gitPath, [...GIT_SAFETY_ARGS, ...args], { env: opts.env ?? process.env, cwd: opts.cwd, signal: opts.signal, stdio: ['pipe', 'pipe', 'pipe'] });
    const err: Buffer[] = [];
    proc.stdout.on('data', onStdout);
    proc.stderr.on('data', (c: Buffer) => err.push(c));
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code === 0) resolve();
      else reject(Object.assign(new Error(Buffer.concat(err).toString('utf8').trim() || `git ${args[0]} exited with ${code}`), { exitCode: code }));
    });
    proc.stdin.on('error', () => proc.kill());
    proc.stdin.end(input ?? '');
  });
}
