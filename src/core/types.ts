// The domain model, defined once as zod schemas; TypeScript types come from z.infer.
// Everything stored or crossing a process boundary is validated against these.
import * as z from 'zod';
import { lazySchema } from './lazySchema';

export const shaSchema = lazySchema(() => z.string().regex(/^[0-9a-f]{40}$/, 'a 40-digit lowercase hex sha'));

export const repositorySchema = lazySchema(() =>
  z.object({
    host: z.string().min(1),
    owner: z.string().min(1),
    name: z.string().min(1),
  }),
);
export type RepositoryRef = z.infer<typeof repositorySchema>;

/** Everything we know about where a repository lives and how to reach its API. */
export interface RemoteRepository extends RepositoryRef {
  /** `https://api.github.com`, `https://HOST/api/v3`, or `http://127.0.0.1:PORT/api/v3` for loopback. */
  apiBaseUrl: string;
  /** Web URL of the repository, without credentials: `https://github.com/o/r`. */
  webUrl: string;
  /** Git smart-HTTP URL, without credentials: `https://github.com/o/r.git`. */
  cloneUrl: string;
  /** Name of the git remote it came from (`origin`). */
  remoteName: string;
}

export const fileModeSchema = lazySchema(() => z.enum(['100644', '100755', '120000', '160000']));
export type FileMode = z.infer<typeof fileModeSchema>;

/** One entry of a snapshot: a file, symlink or submodule at a tree sha. Paths are raw bytes-as-UTF-8 strings. */
export const repositoryFileSchema = lazySchema(() =>
  z.object({
    path: z.string().min(1),
    blobSha: shaSchema,
    mode: fileModeSchema,
    /** Bytes for blobs and symlinks; null for submodules (a commit of another repository). */
    size: z.number().int().nonnegative().nullable(),
  }),
);
export type RepositoryFile = z.infer<typeof repositoryFileSchema>;

export { fileType } from './fileType';

export const syncStatusSchema = lazySchema(() => z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted']));
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const syncPhaseSchema = lazySchema(() =>
  z.enum([
    'resolving',
    'fetchingHead',
    'fetchingTree',
    'diffing',
    'fetchingContent',
    'indexing',
    'saving',
    'done',
  ]),
);
export type SyncPhase = z.infer<typeof syncPhaseSchema>;

export const errorCodeSchema = lazySchema(() =>
  z.enum([
    'NO_GIT_REPO',
    'NO_REMOTE',
    'UNSUPPORTED_REMOTE',
    'AUTH_REQUIRED',
    'BRANCH_NOT_FOUND',
    'RATE_LIMITED',
    'NETWORK',
    'CANCELLED',
    'STORAGE_CORRUPT',
    'LOCKED',
    'SYNC_NOT_FOUND',
    'EMPTY_REPOSITORY',
    'STORAGE_ERROR',
    'INTERNAL',
  ]),
);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const syncStatsSchema = lazySchema(() =>
  z.object({
    files: z.number().int().nonnegative(),
    added: z.number().int().nonnegative(),
    modified: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    /** REST requests made by this sync (304s included). */
    requests: z.number().int().nonnegative().default(0),
    /** Bytes received over the network by this sync (REST bodies and packs). */
    bytes: z.number().int().nonnegative().default(0),
    /** How content arrived: 'none' | 'local' | 'pack' | 'rest' | combinations like 'local+rest'. */
    contentSource: z.string().default('none'),
    /** Files whose content this sync stored or found (text files under the size cap). */
    contentFiles: z.number().int().nonnegative().default(0),
    durationMs: z.number().nonnegative().default(0),
  }),
);
export type SyncStats = z.infer<typeof syncStatsSchema>;

export const emptyStats = (): SyncStats => ({
  files: 0,
  added: 0,
  modified: 0,
  removed: 0,
  requests: 0,
  bytes: 0,
  contentSource: 'none',
  contentFiles: 0,
  durationMs: 0,
});

export const syncErrorInfoSchema = lazySchema(() => z.object({ code: errorCodeSchema, message: z.string() }));

/** One sync attempt or restore. The CLI's JSON sync object is exactly this. */
export const syncRecordSchema = lazySchema(() =>
  z.object({
    id: z.string().min(1),
    repository: repositorySchema,
    branch: z.string(),
    commitSha: shaSchema.nullable(),
    treeSha: shaSchema.nullable(),
    kind: z.enum(['sync', 'restore']),
    restoredFromSyncId: z.string().nullable(),
    status: syncStatusSchema,
    phase: syncPhaseSchema,
    startedAt: z.string(),
    completedAt: z.string().nullable(),
    stats: syncStatsSchema,
    error: syncErrorInfoSchema.nullable(),
    /** The previous link of the chain: unique; null for the first link and for attempts that did not complete. */
    previousSyncId: z.string().nullable(),
    /** For attempts that did not complete: the chain head when they started (they are never links). */
    startedAfterSyncId: z.string().nullable().default(null),
    /**
     * The sync this one was compared with: the latest completed sync or restore of the same repository
     * and branch when it completed (null for a branch's first sync, then everything is "added").
     * Stats and changed files are against it. Null in records written before it was recorded.
     */
    baseSyncId: z.string().nullable().default(null),
    /** The commit message's first line, when known. */
    commitMessage: z.string().nullable().default(null),
    /** True when the new head is not a descendant of the previous link's commit. */
    forcePushed: z.boolean().default(false),
    /**
     * Text files of this link's snapshot whose content could not be had (a blob rejected because its
     * bytes did not hash to its sha, or not brought by any source), so they have no memory entry. The
     * next sync of the branch fetches exactly these again, changed or not. Empty in older records.
     */
    missingContent: z.array(repositoryFileSchema).default([]),
    /**
     * Present (true) while the link's memory lacks entries of files it changed: a large sync commits
     * its snapshot first and its memory second (the History row says it is still indexing). Left set
     * when that second step never came (a crash, a cancel while indexing); the branch's next sync then
     * reads every text file of this snapshot that has no memory entry. Absent once memory is complete.
     */
    memoryIncomplete: z.boolean().optional(),
    /**
     * The extractor that made every memory fact active after this link (core/memory/extractor.ts
     * extractorId): a sync's own, a restore's target's. Absent in records written before it was
     * recorded. A base made by another extractor has its files analysed again by the branch's next sync.
     */
    memoryExtractor: z.string().optional(),
  }),
);
export type SyncRecord = z.infer<typeof syncRecordSchema>;

export const memoryEntrySchema = lazySchema(() =>
  z.object({
    path: z.string(),
    blobSha: shaSchema,
    language: z.string(),
    lines: z.number().int().nonnegative(),
    symbols: z.array(z.string()),
    summary: z.string(),
    introducedBySyncId: z.string(),
    supersededBySyncId: z.string().nullable(),
  }),
);
export type MemoryEntry = z.infer<typeof memoryEntrySchema>;

/** What a file version yields, before the sync lifecycle fields are attached. */
export type MemoryFacts = Pick<MemoryEntry, 'path' | 'blobSha' | 'language' | 'lines' | 'symbols' | 'summary'>;

export interface BranchInfo {
  name: string;
  commitSha: string;
  protected: boolean;
  isDefault: boolean;
}

export interface RepositoryInfo {
  defaultBranch: string;
  private: boolean;
  htmlUrl: string;
}

export interface BranchHead {
  branch: string;
  commitSha: string;
  treeSha: string;
  commitMessage: string | null;
  parents: string[];
}

/** The difference between two snapshots, by path (compared byte for byte). */
export interface SnapshotDiff {
  added: RepositoryFile[];
  modified: { before: RepositoryFile; after: RepositoryFile }[];
  removed: RepositoryFile[];
}
