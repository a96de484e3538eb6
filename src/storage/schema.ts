// The on-disk formats of the store, validated with zod on every load.
import * as z from 'zod';
import { lazySchema } from '../core/lazySchema';
import { fileModeSchema, memoryEntrySchema, repositoryFileSchema, shaSchema, syncRecordSchema } from '../core/types';
import type { RepositoryFile, RepositoryRef, SyncRecord } from '../core/types';

export const SCHEMA_VERSION = 2;
/**
 * A fingerprint of historyFileSchema (its JSON Schema, defaults included), part of history.json's
 * digest (storage/historyAdapter.ts): a file written under another shape of the schema — a field or
 * a default added without a new SCHEMA_VERSION — no longer matches its digest, so it is validated in
 * full (defaults applied) instead of trusted. historyDigest.test.ts recomputes it: when the schema
 * changes, that test fails until this is updated.
 */
export const HISTORY_SCHEMA_FINGERPRINT = '9b345183dbc73b108374';
export const HISTORY_FILE = 'history.json';
export const ETAGS_FILE = 'etags.json';
export const SNAPSHOT_DIR = 'snapshots';
export const MEMORY_DIR = 'memory';
/** The persisted search index of the active memory: a cache, rebuilt whenever it is missing, stale or unreadable. */
export const MEMORY_INDEX_FILE = 'memory.index';

/**
 * The names the store gives its files, and the only ones it ever opens, renames or deletes: a
 * snapshot node is `<treeSha>-<hex>.json`, a memory file `<syncId>-<hex>.json`, a temp file
 * `<name>.tmp-<hex>`. Plain names, no separators, no `..`: a tampered history.json cannot point
 * the store outside its folder. Checked on every load, the digest's fast path included.
 */
export const SNAPSHOT_NAME = /^[0-9a-f]{40}-[0-9a-f]{1,32}\.json$/;
export const MEMORY_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{1,32}\.json$/;
export const TEMP_SUFFIX = /\.tmp-[0-9a-f]{1,32}$/;

/** One node of the snapshot graph: a full base, or a delta on top of its parent's snapshot. */
export const snapshotNodeSchema = lazySchema(() =>
  z.object({
    /** File name inside `snapshots/`. */
    file: z.string().regex(SNAPSHOT_NAME, 'expected a snapshot file name (<tree sha>-<hex>.json)'),
    parent: shaSchema.nullable(),
    /** Number of files in the snapshot this node reconstructs. */
    files: z.number().int().nonnegative(),
    /** Delta entries accumulated since the nearest base (0 for a base). */
    deltaEntries: z.number().int().nonnegative(),
    depth: z.number().int().nonnegative(),
    /** Byte size of the node file as written, checked on open (absent in files from before it was recorded). */
    bytes: z.number().int().nonnegative().optional(),
  }),
);
export type SnapshotNode = z.infer<typeof snapshotNodeSchema>;

/** A chain link committed to the store, in commit order. */
export const commitSchema = lazySchema(() =>
  z.object({
    syncId: z.string().min(1),
    treeSha: shaSchema,
    /** File name inside `memory/`, or null when the link changed no memory entry. */
    memoryFile: z.string().regex(MEMORY_NAME, 'expected a memory file name (<sync id>-<hex>.json)').nullable(),
    /** Byte size of the memory file as written, checked on open (absent in links from before it was recorded). */
    memoryBytes: z.number().int().nonnegative().optional(),
  }),
);
export type CommitEntry = z.infer<typeof commitSchema>;

export const historyFileSchema = lazySchema(() =>
  z
    .object({
      schemaVersion: z.literal(SCHEMA_VERSION),
      records: z.array(syncRecordSchema),
      commits: z.array(commitSchema),
      snapshots: z.record(shaSchema, snapshotNodeSchema),
    })
    .superRefine((data, ctx) => {
      for (const problem of chainProblems(data.records, data.commits, data.snapshots)) ctx.addIssue({ code: 'custom', message: problem });
    }),
);
export type HistoryFile = z.infer<typeof historyFileSchema>;

export const emptyHistory = (): HistoryFile => ({ schemaVersion: SCHEMA_VERSION, records: [], commits: [], snapshots: {} });

export const repoKey = (r: RepositoryRef): string => `${r.host}/${r.owner}/${r.name}`.toLowerCase();

export const isLink = (r: SyncRecord): boolean => r.status === 'completed';

/** Cross-field rules zod cannot express per field: unique ids, unique successors, resolvable references. */
export function chainProblems(records: SyncRecord[], commits: CommitEntry[], snapshots: Record<string, SnapshotNode>): string[] {
  const problems: string[] = [];
  const byId = new Map<string, SyncRecord>();
  for (const r of records) {
    if (byId.has(r.id)) problems.push(`duplicate sync id ${r.id}`);
    byId.set(r.id, r);
  }
  const successors = new Set<string>();
  for (const r of records.filter(isLink)) {
    const key = `${repoKey(r.repository)}#${r.previousSyncId ?? ''}`;
    if (successors.has(key)) problems.push(`sync ${r.previousSyncId ?? '(first)'} has two successors`);
    successors.add(key);
  }
  for (const c of commits) {
    if (!byId.get(c.syncId) || !isLink(byId.get(c.syncId) as SyncRecord)) problems.push(`commit of unknown sync ${c.syncId}`);
    if (!snapshots[c.treeSha]) problems.push(`sync ${c.syncId} references a missing snapshot`);
    if (c.memoryFile !== null && !c.memoryFile.startsWith(`${c.syncId}-`)) problems.push(`sync ${c.syncId} references another sync's memory file`);
  }
  for (const [sha, node] of Object.entries(snapshots)) {
    if (node.parent !== null && !snapshots[node.parent]) problems.push(`snapshot ${sha} has a missing parent`);
    if (!node.file.startsWith(`${sha}-`)) problems.push(`snapshot ${sha} references another tree's file`);
  }
  problems.push(...loops('snapshot', Object.keys(snapshots), (sha) => snapshots[sha]?.parent ?? null));
  const links = records.filter(isLink);
  const linkIds = new Set(links.map((r) => r.id));
  problems.push(...loops('sync', [...linkIds], (id) => {
    const prev = byId.get(id)?.previousSyncId ?? null;
    return prev !== null && linkIds.has(prev) ? prev : null;
  }));
  return problems;
}

/**
 * Parent chains must end: a chain that comes back to itself would make every walk along it
 * (reading a snapshot, finding a predecessor) go round for ever. Linear: each node is walked once.
 */
function loops(what: string, ids: readonly string[], parentOf: (id: string) => string | null): string[] {
  const done = new Set<string>();
  const problems: string[] = [];
  for (const start of ids) {
    const path = new Set<string>();
    let id: string | null = start;
    while (id !== null && !done.has(id)) {
      if (path.has(id)) {
        problems.push(`${what} ${id} is its own ancestor (its parent chain loops)`);
        break;
      }
      path.add(id);
      id = parentOf(id);
    }
    for (const p of path) done.add(p);
  }
  return problems;
}

/** Snapshot files store entries as compact tuples: [path, blobSha, mode, size]. */
export const fileTupleSchema = lazySchema(() => z.tuple([z.string().min(1), shaSchema, fileModeSchema, z.number().int().nonnegative().nullable()]));
export type FileTuple = z.infer<typeof fileTupleSchema>;

export const snapshotFileSchema = lazySchema(() =>
  z.object({
    parent: shaSchema.nullable(),
    treeSha: shaSchema,
    upsert: z.array(fileTupleSchema),
    remove: z.array(z.string()),
  }),
);
export type SnapshotFile = z.infer<typeof snapshotFileSchema>;

export const toTuple = (f: RepositoryFile): FileTuple => [f.path, f.blobSha, f.mode, f.size];
export const fromTuple = ([path, blobSha, mode, size]: FileTuple): RepositoryFile => ({ path, blobSha, mode, size });
export { repositoryFileSchema };

/** The memory change a link committed: entries of these paths were superseded, then these facts introduced. */
export const memoryFileSchema = lazySchema(() =>
  z.object({
    syncId: z.string().min(1),
    supersede: z.array(z.string()),
    introduce: z.array(memoryEntrySchema.omit({ introducedBySyncId: true, supersededBySyncId: true })),
  }),
);
export type MemoryFile = z.infer<typeof memoryFileSchema>;

export const etagFileSchema = lazySchema(() =>
  z.object({
    version: z.literal(1),
    entries: z.array(z.tuple([z.string(), z.object({ etag: z.string(), body: z.unknown() })])),
  }),
);
