// Read-only access to one git object database, and the loose-object writer we share.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { nodeZlib } from '../../core/builtins';
import { shaSchema } from '../../core/types';

export interface ObjectStore {
  readonly gitDir: string;
  /** Which of these blob shas this database holds. */
  present(shas: readonly string[]): Promise<Set<string>>;
  read(sha: string): Promise<Uint8Array | undefined>;
  close(): void;
}

/** The git sha of a blob with this content. */
export function blobSha(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * Write a blob as a loose object (zlib of "blob N\0" + content) into `gitDir`, after checking that
 * the content really has `sha`: stored content is addressed by validated hex shas only.
 */
export async function writeLooseBlob(gitDir: string, sha: string, bytes: Uint8Array): Promise<void> {
  shaSchema.parse(sha);
  const actual = blobSha(bytes);
  if (actual !== sha) throw new Error(`blob content does not match its sha (${sha} != ${actual})`);
  const dir = path.join(gitDir, 'objects', sha.slice(0, 2));
  const file = path.join(dir, sha.slice(2));
  await fs.mkdir(dir, { recursive: true });
  const body = nodeZlib().deflateSync(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.writeFile(tmp, body);
    await fs.rename(tmp, file);
  } catch (e) {
    // A full disk leaves no half-written temp object behind.
    await fs.rm(tmp, { force: true }).catch((rmError: unknown) => rmError);
    throw e;
  }
}
