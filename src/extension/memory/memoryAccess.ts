// One way to the active sync's memory and files for the API, the language-model tools and the
// Search Memory QuickPick: the workspace repository's chain head, its ranked memory, a file at a sync.
import { SyncError } from '../../core/errors';
import type { MemoryEntry, RemoteRepository, SyncRecord } from '../../core/types';
import type { Engine } from '../../engine/types';
import type { EngineHost } from '../engineHost';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';

export class MemoryAccess {
  constructor(
    private readonly engines: EngineHost,
    private readonly repos: WorkspaceRepositories,
  ) {}

  /** The workspace's repository (first folder with a GitHub remote), if any. */
  async remote(): Promise<RemoteRepository | undefined> {
    return (await this.repos.resolve()).find((f) => f.remote)?.remote;
  }

  /** The active sync (chain head) of the workspace's repository. */
  async activeSync(): Promise<SyncRecord | undefined> {
    const remote = await this.remote();
    return this.engines.use(async (engine) => activeOf(engine, remote));
  }

  /** Active memory entries of the workspace's repository ranked for `query` (all of them, unranked, when empty). */
  async search(query: string, limit: number): Promise<{ active: SyncRecord | undefined; entries: MemoryEntry[] }> {
    const remote = await this.remote();
    const q = query.trim();
    return this.engines.use(async (engine) => {
      const active = activeOf(engine, remote);
      const entries = await engine.store.memory({ ...(q ? { query: q } : {}), limit, ...(remote ? { repository: remote } : {}) });
      return { active, entries };
    });
  }

  /** A file's bytes at `syncId` (default: the active sync); `network: false` reads stored/local content only. */
  async read(path: string, opts: { syncId?: string; network?: boolean } = {}): Promise<{ record: SyncRecord; bytes: Uint8Array | undefined }> {
    const remote = opts.syncId ? undefined : await this.remote();
    return this.engines.use(async (engine) => {
      const record = opts.syncId ? engine.store.get(opts.syncId) : activeOf(engine, remote);
      if (!record) {
        throw opts.syncId
          ? new SyncError('SYNC_NOT_FOUND', `There is no sync with id ${opts.syncId}.`)
          : new SyncError('SYNC_NOT_FOUND', 'There is no active sync yet: sync a branch first.');
      }
      const bytes = await engine.readFile(record.id, path.replace(/^\/+/, ''), undefined, { network: opts.network ?? true });
      return { record, bytes };
    });
  }
}

/** The workspace repository's active sync in `engine`'s history (none without a repository). */
function activeOf(engine: Engine, remote: RemoteRepository | undefined): SyncRecord | undefined {
  return remote ? engine.store.activeSync(remote) : undefined;
}
