// What a sync asks of the content cache once the ref names a new commit (engine/source.ts
// transferEarly: the cache opened and cleared of a killed transfer's leftovers) is over when the
// source is closed: the sync lets the storage lock go right after, and another process's transfer
// may then start writing lock files and temp packs into the same cache.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import type { GitHubConnector } from '../../src/core/ports';
import type { RemoteRepository, SyncRecord } from '../../src/core/types';
import { GitContentFetcher } from '../../src/engine/content';
import { initCacheRepo } from '../../src/engine/objects/pack';
import { GitHubRepositorySource } from '../../src/engine/source';

const REPO: RemoteRepository = { host: 'github.com', owner: 'o', name: 'r', apiBaseUrl: 'http://127.0.0.1:1/api/v3', webUrl: 'http://127.0.0.1:1/o/r', cloneUrl: 'http://127.0.0.1:1/o/r.git', remoteName: 'origin' };

describe('the content cache after a sync whose head failed', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("is not touched once the source is closed: another transfer's lock file and temp pack stay", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ps-warmup-'));
    dirs.push(root);
    const cache = path.join(root, 'objects.git');
    await initCacheRepo(cache, 'git');
    // Leftovers of a killed transfer: the sync clears them (it holds the storage lock).
    mkdirSync(path.join(cache, 'objects', 'pack'), { recursive: true });
    for (let i = 0; i < 200; i++) writeFileSync(path.join(cache, 'objects', 'pack', `tmp_pack_dead${i}`), 'x');
    const content = new GitContentFetcher({ repository: REPO, connector: undefined, workspaceGitDir: undefined, cacheGitDir: cache, gitPath: 'git', token: undefined, logger: nullLogger });
    const connector = {
      repository: REPO,
      // The ref names a new commit (the transfer's preparation starts), then the commit request fails.
      fetchBranchHead: async (_branch: string, _signal: AbortSignal | undefined, onSha: (sha: string) => void) => {
        onSha('1'.repeat(40));
        return Promise.reject(new Error('Bad credentials'));
      },
      counters: () => ({ requests: 0, bytes: 0 }),
    } as unknown as GitHubConnector;
    const source = new GitHubRepositorySource(connector, content, nullLogger);
    await assert.rejects(source.head('main', undefined), /Bad credentials/);
    await source.close({ completed: false });
    assert.ok(!existsSync(path.join(cache, 'objects', 'pack', 'tmp_pack_dead0')), "the killed transfer's leftovers were cleared before close() returned");
    // The storage lock is released here; another process's git fetch writes into the cache.
    const theirs = ['shallow.lock', 'objects/pack/tmp_pack_theirs'];
    for (const f of theirs) writeFileSync(path.join(cache, f), 'x');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(theirs.filter((f) => !existsSync(path.join(cache, f))), [], "another transfer's files were removed after close()");
  });

  it('is not opened when the ref still names the base commit (a no-change resync starts no git process for it)', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ps-warmup-'));
    dirs.push(root);
    const cache = path.join(root, 'objects.git');
    const content = new GitContentFetcher({ repository: REPO, connector: undefined, workspaceGitDir: undefined, cacheGitDir: cache, gitPath: 'git', token: undefined, logger: nullLogger });
    const baseCommit = '2'.repeat(40);
    const head = { branch: 'main', commitSha: baseCommit, treeSha: '3'.repeat(40), commitMessage: 'm' };
    const connector = {
      repository: REPO,
      fetchBranchHead: async (_branch: string, _signal: AbortSignal | undefined, onSha: (sha: string) => void) => {
        onSha(baseCommit);
        return head;
      },
      counters: () => ({ requests: 0, bytes: 0 }),
    } as unknown as GitHubConnector;
    const source = new GitHubRepositorySource(connector, content, nullLogger);
    const base = { commitSha: baseCommit, treeSha: head.treeSha, forcePushed: false } as unknown as SyncRecord;
    assert.equal((await source.head('main', base)).commitSha, baseCommit);
    await source.close({ completed: true });
    assert.ok(!existsSync(cache), 'the content cache was created for a head that needs no transfer');
  });
});
