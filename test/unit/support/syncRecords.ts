// One completed sync record for the pure tests of the History view and its descriptions; tests
// override what they look at.
import { emptyStats, type SyncRecord } from '../../../src/core/types';

export const sha = (c: string): string => c.repeat(40);

export function syncRecord(over: Partial<SyncRecord> = {}): SyncRecord {
  return {
    id: 'sync-1',
    repository: { host: 'github.com', owner: 'octo', name: 'demo' },
    branch: 'main',
    commitSha: sha('a'),
    treeSha: sha('b'),
    kind: 'sync',
    restoredFromSyncId: null,
    status: 'completed',
    phase: 'done',
    startedAt: '2025-03-01T11:54:00Z',
    completedAt: '2025-03-01T11:55:00Z',
    stats: { ...emptyStats(), files: 10, added: 3, modified: 2, removed: 1 },
    error: null,
    previousSyncId: null,
    startedAfterSyncId: null,
    baseSyncId: null,
    commitMessage: 'Fix the thing',
    forcePushed: false,
    missingContent: [],
    ...over,
  };
}
