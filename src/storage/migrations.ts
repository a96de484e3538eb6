// Numbered schema migrations for history.json, each with a unit test that migrates a real file of
// the version before it (test/unit/storageMigrations.test.ts).
import { SCHEMA_VERSION } from './schema';

export interface Migration {
  /** The schema version this step produces; it reads version `to - 1`. */
  to: number;
  description: string;
  up(data: Record<string, unknown>): Record<string, unknown>;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    to: 2,
    description: 'records name their base (baseSyncId): a version-1 link was diffed against its previousSyncId',
    up: (data) => {
      const records = Array.isArray(data.records) ? (data.records as unknown[]) : [];
      return {
        ...data,
        records: records.map((r) => {
          if (typeof r !== 'object' || r === null || 'baseSyncId' in r) return r;
          const rec = r as { status?: unknown; previousSyncId?: unknown };
          return { ...rec, baseSyncId: rec.status === 'completed' && typeof rec.previousSyncId === 'string' ? rec.previousSyncId : null };
        }),
      };
    },
  },
];

export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(`history.json was written by a newer version of Project Sync (schema ${found}; this version reads up to ${SCHEMA_VERSION}).`);
  }
}

/** The schema version a parsed file declares: a missing field counts as 0 (pre-release). */
export function declaredVersion(data: Record<string, unknown>): number {
  const v = data.schemaVersion;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0;
}

/**
 * Bring `data` up to `target` by applying each numbered step in turn. Throws NewerSchemaError for a
 * file from the future, and a plain Error when a step is missing (the file is then treated as corrupt).
 */
export function migrate(
  data: Record<string, unknown>,
  migrations: readonly Migration[] = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): { data: Record<string, unknown>; from: number } {
  const from = declaredVersion(data);
  if (from > target) throw new NewerSchemaError(from);
  let current = data;
  for (let v = from + 1; v <= target; v++) {
    const step = migrations.find((m) => m.to === v);
    if (!step) throw new Error(`no migration from schema ${v - 1} to ${v}`);
    current = { ...step.up(current), schemaVersion: v };
  }
  return { data: current, from };
}
