// The lowdb adapter for history.json: atomic writes through FileOps, and every read parsed,
// migrated and validated with zod — unless the file is byte for byte what we wrote: each write ends
// the object with a digest of the rest ("digest", a SHA-1 of the JSON before it and of the schema's
// fingerprint), and a file whose digest matches was built by the store, so it is not parsed with zod
// again on every open (issue 15: no zod parse of our own data on the hot path); its file names and
// chain are still checked (cheaply). A file edited by hand, cut short, damaged, or written under
// another shape of the schema no longer matches and is validated in full, as every older file is.
// Built here and injected into `new Low(adapter, defaults)`.
import { createHash } from 'node:crypto';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import type { FileOps } from './fsOps';
import { migrate, NewerSchemaError, type Migration } from './migrations';
import { ShapeError } from './validate';
import { chainProblems, historyFileSchema, HISTORY_FILE, HISTORY_SCHEMA_FINGERPRINT, MEMORY_NAME, SCHEMA_VERSION, SNAPSHOT_NAME, type HistoryFile } from './schema';

/** A store file that cannot be used as it is: not JSON, truncated, or the wrong shape. */
export class CorruptFileError extends Error {
  constructor(
    readonly rel: string,
    reason: string,
  ) {
    super(`${rel} is corrupt: ${reason}`);
  }
}

/** Parse and validate one JSON file; CorruptFileError on any problem. */
export function parseJsonFile<S extends z.ZodType>(rel: string, text: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CorruptFileError(rel, e instanceof Error ? e.message : 'not JSON');
  }
  return validateData(rel, raw, schema);
}

/** Parse one JSON file and check it with a hand-written validator (see validate.ts); CorruptFileError on any problem. */
export function parseJsonWith<T>(rel: string, text: string, check: (raw: unknown) => T): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CorruptFileError(rel, e instanceof Error ? e.message : 'not JSON');
  }
  try {
    return check(raw);
  } catch (e) {
    if (e instanceof ShapeError) throw new CorruptFileError(rel, e.message);
    throw e;
  }
}

export function validateData<S extends z.ZodType>(rel: string, raw: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new CorruptFileError(rel, parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

export class HistoryAdapter implements Adapter<HistoryFile> {
  /** Set by read() when the file was migrated from an older schema version (then it should be rewritten). */
  migratedFrom: number | undefined;

  constructor(
    private readonly files: FileOps,
    private readonly migrations?: readonly Migration[],
  ) {}

  async read(): Promise<HistoryFile | null> {
    this.migratedFrom = undefined;
    const text = await this.files.readText(HISTORY_FILE);
    if (text === undefined) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new CorruptFileError(HISTORY_FILE, e instanceof Error ? e.message : 'not JSON');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CorruptFileError(HISTORY_FILE, 'not a JSON object');
    const own = raw as Record<string, unknown>;
    delete own.digest;
    if (own.schemaVersion === SCHEMA_VERSION && ourWriting(text) && namesAndChainHold(own as HistoryFile)) return own as HistoryFile;
    let migrated: { data: Record<string, unknown>; from: number };
    try {
      migrated = migrate(raw as Record<string, unknown>, this.migrations);
    } catch (e) {
      if (e instanceof NewerSchemaError) throw e; // refused, not corrupt: the file stays untouched
      throw new CorruptFileError(HISTORY_FILE, e instanceof Error ? e.message : String(e));
    }
    const data = validateData(HISTORY_FILE, migrated.data, historyFileSchema);
    if (migrated.from !== data.schemaVersion) this.migratedFrom = migrated.from;
    return data;
  }

  async write(data: HistoryFile): Promise<void> {
    await this.files.writeAtomic(HISTORY_FILE, withDigest(JSON.stringify(data)));
  }
}

const DIGEST_FIELD = ',"digest":"';

/** The digest of `json` under this build's history schema (see HISTORY_SCHEMA_FINGERPRINT). */
const digestOf = (json: string): string => createHash('sha1').update(`${HISTORY_SCHEMA_FINGERPRINT}\n`).update(json).digest('hex');

/** `json` (an object) with its digest as its last field. */
export function withDigest(json: string): string {
  return `${json.slice(0, -1)}${DIGEST_FIELD}${digestOf(json)}"}`;
}

/**
 * What the store relies on even in a file it wrote, checked without zod (O(syncs), not O(files)):
 * the file names it opens (never outside its folder) and the chain's rules. Any doubt: full validation.
 */
function namesAndChainHold(data: HistoryFile): boolean {
  try {
    if (!Object.values(data.snapshots).every((n) => SNAPSHOT_NAME.test(n.file))) return false;
    if (!data.commits.every((c) => c.memoryFile === null || MEMORY_NAME.test(c.memoryFile))) return false;
    return chainProblems(data.records, data.commits, data.snapshots).length === 0;
  } catch {
    return false;
  }
}

/** Whether `text` ends with the digest withDigest gave it, and nothing before it changed. */
function ourWriting(text: string): boolean {
  const at = text.lastIndexOf(DIGEST_FIELD);
  if (at < 0 || !text.endsWith('"}')) return false;
  const digest = text.slice(at + DIGEST_FIELD.length, -2);
  return /^[0-9a-f]{40}$/.test(digest) && digestOf(`${text.slice(0, at)}}`) === digest;
}
