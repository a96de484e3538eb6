import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { gitEnv } from '../git.js';

export interface ObjectInfo {
  sha: string;
  type: 'blob' | 'tree' | 'commit' | 'tag';
  size: number;
}
export interface GitObject extends ObjectInfo {
  content: Buffer;
}

interface Pending {
  kind: 'info' | 'contents';
  resolve(value: GitObject | ObjectInfo | null): void;
  reject(err: Error): void;
}

/**
 * One long-lived `git cat-file --batch-command` per repository: requests are
 * written as they come and answered in order, so concurrent callers pipeline.
 */
export class CatFile {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private header: ObjectInfo | null = null;
  private body: Buffer[] = [];
  private bodyLen = 0;

  constructor(private readonly gitDir: string) {}

  info(spec: string): Promise<ObjectInfo | null> {
    return this.request('info', spec) as Promise<ObjectInfo | null>;
  }

  contents(spec: string): Promise<GitObject | null> {
    return this.request('contents', spec) as Promise<GitObject | null>;
  }

  close(): void {
    this.child?.stdin.end();
    this.child = null;
  }

  private request(kind: Pending['kind'], spec: string): Promise<GitObject | ObjectInfo | null> {
    if (/[\n\r\0]/.test(spec) || spec.trim() !== spec || spec === '') return Promise.resolve(null);
    const child = this.ensure();
    return new Promise((resolve, reject) => {
      this.queue.push({ kind, resolve, reject });
      child.stdin.write(`${kind} ${spec}\n`);
    });
  }

  private ensure(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['--git-dir', this.gitDir, 'cat-file', '--batch-command'], { env: gitEnv() });
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error): void => this.failAll(child, err);
    child.on('error', fail);
    child.stdin.on('error', fail);
    child.on('exit', () => fail(new Error('git cat-file exited')));
    this.child = child;
    return child;
  }

  private failAll(child: ChildProcessWithoutNullStreams, err: Error): void {
    if (this.child === child) this.child = null;
    this.buf = Buffer.alloc(0);
    this.header = null;
    this.body = [];
    this.bodyLen = 0;
    for (const p of this.queue.splice(0)) p.reject(err);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.step()) {
      // keep consuming complete answers
    }
  }

  /** Consume one piece of the stream; false when more bytes are needed. */
  private step(): boolean {
    const head = this.queue[0];
    if (!head) return false;
    if (this.header) return this.readBody(head);
    const nl = this.buf.indexOf(10);
    if (nl === -1) return false;
    const line = this.buf.subarray(0, nl).toString('utf8');
    this.buf = this.buf.subarray(nl + 1);
    const parts = line.split(' ');
    if (parts.length !== 3) {
      this.queue.shift();
      head.resolve(null); // "<spec> missing" / "<spec> ambiguous"
      return true;
    }
    const info: ObjectInfo = { sha: parts[0]!, type: parts[1] as ObjectInfo['type'], size: Number(parts[2]) };
    if (head.kind === 'info') {
      this.queue.shift();
      head.resolve(info);
      return true;
    }
    this.header = info;
    return true;
  }

  private readBody(head: Pending): boolean {
    const header = this.header!;
    const need = header.size + 1 - this.bodyLen; // content plus the trailing LF
    if (this.buf.length === 0) return false;
    const take = Math.min(need, this.buf.length);
    this.body.push(this.buf.subarray(0, take));
    this.bodyLen += take;
    this.buf = this.buf.subarray(take);
    if (this.bodyLen < header.size + 1) return false;
    const content = Buffer.concat(this.body, this.bodyLen).subarray(0, header.size);
    this.header = null;
    this.body = [];
    this.bodyLen = 0;
    this.queue.shift();
    head.resolve({ ...header, content });
    return true;
  }
}
