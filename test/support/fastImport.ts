/** Builds `git fast-import` streams: exact bytes for paths and contents, no work tree involved. */
export type FileSpec = string | Uint8Array | { symlink: string } | { submodule: string } | { executable: string };

let clock = 1_700_000_000;

/** Quote a path C-style so that any byte (newline, quote, backslash) survives. */
export function quotePath(path: string): string {
  const bytes = Buffer.from(path, 'utf8');
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b < 0x20 || b === 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

function data(content: Uint8Array | string): Buffer[] {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return [Buffer.from(`data ${buf.length}\n`), buf, Buffer.from('\n')];
}

/** `quotePath` yields latin1-safe text of the UTF-8 bytes: write it back as those bytes. */
function line(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function change(path: string, spec: FileSpec | null): Buffer[] {
  const q = quotePath(path);
  if (spec === null) return [line(`D ${q}\n`)];
  if (typeof spec === 'string' || spec instanceof Uint8Array) return [line(`M 100644 inline ${q}\n`), ...data(spec)];
  if ('symlink' in spec) return [line(`M 120000 inline ${q}\n`), ...data(spec.symlink)];
  if ('executable' in spec) return [line(`M 100755 inline ${q}\n`), ...data(spec.executable)];
  return [line(`M 160000 ${spec.submodule} ${q}\n`)];
}

export interface CommitInput {
  ref: string;
  from?: string;
  message: string;
  changes: Record<string, FileSpec | null>;
}

/** One commit, with deterministic, increasing timestamps. */
export function commitStream(input: CommitInput): Buffer {
  const when = clock++;
  const parts: Buffer[] = [
    Buffer.from(`commit ${input.ref}\n`),
    Buffer.from(`author Test Author <author@example.com> ${when} +0000\n`),
    Buffer.from(`committer Test Committer <committer@example.com> ${when} +0000\n`),
    ...data(input.message.endsWith('\n') ? input.message : `${input.message}\n`),
  ];
  if (input.from) parts.push(Buffer.from(`from ${input.from}\n`));
  for (const [path, spec] of Object.entries(input.changes)) parts.push(...change(path, spec));
  parts.push(Buffer.from('\ndone\n'));
  return Buffer.concat(parts);
}
