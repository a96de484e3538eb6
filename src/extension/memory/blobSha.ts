// git's blob id of some bytes: sha1("blob <size>\0" + bytes). Pure; used to tell whether a
// workspace file is byte-identical to a synced version.
import { createHash } from 'node:crypto';

export function gitBlobSha(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}
