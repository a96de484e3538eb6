/** Builds `git fast-import` streams: exact bytes for paths and contents, no work tree involved. */
export type FileSpec = string | Uint8Array | { symlink: string } | { submodule: string } | { executable: string };

let clock = 1_700_000_000;

/**
 * Quote a path C-style so that any byte (newline, quote, backslash) survives; other characters stay
 * UTF-8. A lone U+DC80–U+DCFF stands for the raw byte 0x80–0xFF (a name that is not UTF-8, written
 * the way the product stores it), so `caf\udce8.txt` commits the bytes `caf\xe8.txt`.
 */
export function quotePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = path.replace(/["\\\x00-\x1f\x7f]|(?<![\ud800-\udbff])[\udc80-\udcff]/g, (c) => {
    if (c === '"' || c === '\\') return `\\${c}`;
    const code = c.charCodeAt(0);
    return `\\${(code >= 0xdc80 ? code - 0xdc00 : code).toString(8).padStart(3, '0')}`;
  });
  return `"${escaped}"`;
}

/** Collects text (UTF-8) and raw bytes into one stream without a Buffer per piece. */
class StreamBuilder {
  private readonly buffers: Buffer[] = [];
  private text: string[] = [];

  add(s: string): void {
    this.text.push(s);
  }

  data(content: Uint8Array | string): void {
    if (typeof content === 'string') {
      this.text.push(`data ${Buffer.byteLength(content)}\n`, content, '\n');
      return;
    }
    this.text.push(`data ${content.length}\n`);
    this.flush();
    this.buffers.push(Buffer.from(content));
    this.text.push('\n');
  }

  done(): Buffer {
    this.flush();
    return Buffer.concat(this.buffers);
  }

  private flush(): void {
    if (this.text.length === 0) return;
    this.buffers.push(Buffer.from(this.text.join(''), 'utf8'));
    this.text = [];
  }
}

function change(out: StreamBuilder, path: string, spec: FileSpec | null): void {
  const q = quotePath(path);
  if (spec === null) return out.add(`D ${q}\n`);
  if (typeof spec === 'string' || spec instanceof Uint8Array) {
    out.add(`M 100644 inline ${q}\n`);
    return out.data(spec);
  }
  if ('symlink' in spec) {
    out.add(`M 120000 inline ${q}\n`);
    return out.data(spec.symlink);
  }
  if ('executable' in spec) {
    out.add(`M 100755 inline ${q}\n`);
    return out.data(spec.executable);
  }
  out.add(`M 160000 ${spec.submodule} ${q}\n`);
}

export interface CommitInput {
  ref: string;
  from?: string;
  /** A second parent: the commit is a merge. */
  merge?: string;
  message: string;
  changes: Record<string, FileSpec | null>;
}

/** One commit, with deterministic, increasing timestamps. */
export function commitStream(input: CommitInput): Buffer {
  const when = clock++;
  const out = new StreamBuilder();
  out.add(`commit ${input.ref}\n`);
  out.add(`author Test Author <author@example.com> ${when} +0000\n`);
  out.add(`committer Test Committer <committer@example.com> ${when} +0000\n`);
  out.data(input.message.endsWith('\n') ? input.message : `${input.message}\n`);
  if (input.from) out.add(`from ${input.from}\n`);
  if (input.merge) out.add(`merge ${input.merge}\n`);
  for (const [path, spec] of Object.entries(input.changes)) change(out, path, spec);
  out.add('\ndone\n');
  return out.done();
}
