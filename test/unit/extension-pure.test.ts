import assert from 'node:assert/strict';
import { SyncError } from '../../src/core/errors';
import { emptyStats, type SyncRecord } from '../../src/core/types';
import { viewStateSchema } from '../../src/protocol/messages';
import { isLoopbackHost } from '../../src/core/loopback';
import { authProviderFor } from '../../src/extension/auth/authHosts';
import { statusModel } from '../../src/extension/sync/statusText';
import { commitUrl, guessWebUrl, parseSyncUri, syncUriParts } from '../../src/extension/history/syncUri';
import { formatBytes } from '../../src/protocol/display';
import { formatChanges, formatAge, formatOnly } from '../../src/extension/text';
import { bannerRecord, toBranchItems, toSummary } from '../../src/extension/sync/viewState';
import { remoteWhere, workspaceKind } from '../../src/extension/workspace/workspaceKind';

// The error table (words and actions) is tested in errorPresentation.test.ts.

describe('authentication provider per host', () => {
  it('uses github for github.com and github-enterprise only for the configured host', () => {
    assert.equal(authProviderFor('github.com', undefined), 'github');
    assert.equal(authProviderFor('ghe.example.com', 'https://ghe.example.com'), 'github-enterprise');
    assert.equal(authProviderFor('other.example.com', 'https://ghe.example.com'), undefined);
  });

  it('never authenticates loopback test servers', () => {
    assert.ok(isLoopbackHost('127.0.0.1:8080'));
    assert.ok(isLoopbackHost('localhost'));
    assert.ok(isLoopbackHost('[::1]:3000'));
    assert.ok(isLoopbackHost('127.0.0.2'));
    assert.ok(!isLoopbackHost('localhost.example.com'));
    assert.ok(!isLoopbackHost('github.com'));
    assert.equal(authProviderFor('127.0.0.1:4000', 'http://127.0.0.1:4000'), undefined);
  });

  it('ignores a malformed enterprise setting', () => {
    assert.equal(authProviderFor('ghe.example.com', 'not a url'), undefined);
  });
});

describe('status bar text', () => {
  const now = new Date('2025-03-01T12:00:00Z');
  const last = { branch: 'main', completedAt: '2025-03-01T10:00:00Z', startedAt: '2025-03-01T09:59:00Z' } as SyncRecord;

  it('names the branch with the phase and percent while running, and a wait countdown in the banner\'s words', () => {
    const running = { branch: 'feature/x', phase: 'fetchingContent' as const, done: 25, total: 200, kind: 'sync' as const };
    // The banner's overall percentage (weighted steps), not the step's own.
    assert.equal(statusModel({ running }, now, formatOnly).text, '$(sync~spin) Syncing feature/x · Fetching changed files 40%');
    assert.equal(statusModel({ running }, now, formatOnly).tooltip, 'Project Sync: syncing feature/x (step 5 of 7 · 25 / 200)');
    assert.equal(statusModel({ running: { ...running, total: null } }, now, formatOnly).text, '$(sync~spin) Syncing feature/x · Fetching changed files 35%');
    assert.equal(
      statusModel({ running: { ...running, waitMs: 42_000, waitReason: 'primary-rate-limit' } }, now, formatOnly).text,
      '$(watch) Syncing feature/x · GitHub rate limit reached: resuming in 0:42',
    );
    assert.equal(
      statusModel({ running: { ...running, waitMs: 4_200, waitReason: 'retry' } }, now, formatOnly).text,
      '$(debug-disconnect) Syncing feature/x · Connection problem: resuming in 0:05',
      'a connection retry is not a rate limit',
    );
    assert.equal(statusModel({ running: { ...running, kind: 'restore' } }, now, formatOnly).text, '$(sync~spin) Restoring feature/x · Fetching changed files 40%');
  });

  it('shows the last sync when idle, a failure after one, and nothing before any sync', () => {
    assert.equal(statusModel({ last }, now, formatOnly).text, '$(history) main · 2 h ago');
    assert.equal(statusModel({ last, lastError: 'Boom' }, now, formatOnly).state, 'failed');
    assert.equal(statusModel({}, now, formatOnly).state, 'hidden');
  });
});

describe('projectsync: URIs and web links', () => {
  it('round-trips a sync id and a path with awkward characters', () => {
    const parts = syncUriParts('id with &=?#', 'dir/ä b#c.ts');
    assert.deepEqual(parseSyncUri(parts.path, parts.query), { syncId: 'id with &=?#', path: 'dir/ä b#c.ts' });
  });

  it('keeps names that are not UTF-8 apart and URI-safe (a lone surrogate makes Uri.toString throw)', () => {
    const e8 = syncUriParts('s', 'd/caf\udce8.txt');
    const e9 = syncUriParts('s', 'd/caf\udce9.txt');
    assert.notEqual(e8.path, e9.path);
    assert.doesNotThrow(() => encodeURIComponent(e8.path));
    assert.equal(parseSyncUri(e8.path, e8.query)?.path, 'd/caf\udce8.txt');
    assert.equal(parseSyncUri(e9.path, e9.query)?.path, 'd/caf\udce9.txt');
  });

  it('rejects URIs without a sync', () => {
    assert.equal(parseSyncUri('/a.ts', ''), undefined);
    assert.equal(parseSyncUri('/a.ts', 'sync='), undefined);
  });

  it('builds commit URLs on the repository web URL', () => {
    assert.equal(commitUrl('https://github.com/o/r/', 'abc'), 'https://github.com/o/r/commit/abc');
    assert.equal(guessWebUrl({ host: '127.0.0.1:9000', owner: 'o', name: 'r' }), 'http://127.0.0.1:9000/o/r');
    assert.equal(guessWebUrl({ host: 'ghe.example.com', owner: 'o', name: 'r' }), 'https://ghe.example.com/o/r');
  });
});

describe('text helpers', () => {
  it('formats ages, sizes and change counts', () => {
    const now = new Date('2025-03-10T12:00:00Z');
    assert.equal(formatAge('2025-03-10T11:59:40Z', now, formatOnly), 'just now');
    assert.equal(formatAge('2025-03-09T12:00:00Z', now, formatOnly), 'yesterday');
    assert.equal(formatAge('2025-03-05T12:00:00Z', now, formatOnly), '5 days ago');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatChanges({ added: 1, modified: 0, removed: 7 }), '+1 ~0 \u22127');
  });
});

describe('workspace kind (welcome content)', () => {
  it('tells no folder, no git repository, no GitHub remote and ready apart', () => {
    const noGit = { error: new SyncError('NO_GIT_REPO', 'x') };
    const noRemote = { error: new SyncError('NO_REMOTE', 'x') };
    assert.equal(workspaceKind([], 0), 'noFolder');
    assert.equal(workspaceKind([noGit, noGit], 2), 'noGitRepo');
    assert.equal(workspaceKind([noGit, noRemote], 2), 'noRemote');
    assert.equal(workspaceKind([noRemote, { remote: {} }], 2), 'ready');
    assert.equal(workspaceKind([{ error: new SyncError('UNSUPPORTED_REMOTE', 'x') }], 1), 'unsupportedRemote', 'a GitLab remote');
    assert.equal(remoteWhere("Remote 'origin' (https://gitlab.com/a/b.git) is not a GitHub repository."), 'The remote origin is on gitlab.com.');
    assert.equal(remoteWhere("Remote 'up' (git@gitlab.com:a/b.git) is not a GitHub repository."), 'The remote up is on gitlab.com.');
  });
});

describe('Sync view state mapping', () => {
  it('drops branch names the protocol refuses instead of sending an invalid state', () => {
    const items = toBranchItems([
      { group: 'default', branches: [{ name: 'main', commitSha: 'a'.repeat(40), group: 'default' }] },
      { group: 'recent', branches: [{ name: 'evil\u0007name', group: 'recent' }] },
      { group: 'other', branches: [{ name: 'other', group: 'other' }] },
    ]);
    assert.deepEqual(items.map((i) => i.name), ['main']);
    const state = { repository: null, problem: null, branches: items, selectedBranch: 'main', run: null, waiting: null, lastSync: null, signedIn: true };
    assert.ok(viewStateSchema.safeParse(state).success);
  });

  it('summarises a finished sync within the protocol limits', () => {
    const record = {
      id: 's1', branch: 'main', commitSha: null, status: 'failed', completedAt: null,
      stats: emptyStats(), error: { code: 'NETWORK', message: 'x'.repeat(5000) },
    } as unknown as SyncRecord;
    const summary = toSummary(record);
    assert.ok(summary);
    assert.equal(summary.error?.message.length, 2000);
  });

  it('reports a large sync that stopped after its snapshot as failed or cancelled, with the words saying the snapshot is saved', async () => {
    const { bannerModel } = await import('../../webview/model');
    const saved = {
      id: 's3', kind: 'sync', branch: 'main', commitSha: 'c'.repeat(40), status: 'completed', completedAt: '2025-03-01T12:00:00Z',
      baseSyncId: null, stats: emptyStats(), error: null, memoryIncomplete: true,
    } as unknown as SyncRecord;
    const message = 'Could not write memory/x.json: the disk is full (ENOSPC). The snapshot of main is saved; its memory is incomplete until the next sync of main.';
    const banner = (error?: { code: 'STORAGE_ERROR' | 'CANCELLED'; message: string }) => {
      const lastSync = toSummary(bannerRecord(saved, error));
      assert.ok(lastSync);
      const state = { repository: null, problem: null, branches: [], selectedBranch: null, run: null, waiting: null, lastSync, signedIn: true };
      return bannerModel({ view: viewStateSchema.parse(state) } as Parameters<typeof bannerModel>[0], Date.parse('2025-03-01T12:00:00Z'));
    };
    const failed = banner({ code: 'STORAGE_ERROR', message });
    assert.equal(failed.title, 'Sync failed', 'not "Synced": the run did not complete');
    assert.match(String(failed.message), /The snapshot of main is saved/);
    const cancelled = banner({ code: 'CANCELLED', message: 'The sync was cancelled.' });
    assert.equal(cancelled.title, 'Sync cancelled');
    assert.equal(cancelled.message, 'Sync of main was cancelled while indexing memory: its snapshot is saved, and the next sync of main completes its memory.');
    assert.equal(banner().title, 'Synced', 'a run that ended well is reported as it is');
  });

  it('says what a completed sync was compared with: its base record, or a first sync', async () => {
    const { summarize } = await import('../../src/protocol/display');
    const base = {
      id: 'b0', kind: 'sync', branch: 'main', commitSha: '1f4ddd3'.padEnd(40, '0'), status: 'completed',
      completedAt: '2025-03-01T10:00:00Z', baseSyncId: null, stats: emptyStats(), error: null,
    } as unknown as SyncRecord;
    const record = { ...base, id: 's2', commitSha: 'b'.repeat(40), baseSyncId: 'b0', completedAt: '2025-03-01T12:00:00Z' } as SyncRecord;
    const lookup = (id: string) => (id === 'b0' ? base : undefined);
    const now = new Date('2025-03-01T12:00:00Z');
    const compared = toSummary(record, lookup);
    assert.ok(compared);
    assert.equal(summarize(compared, now), 'Synced main @ bbbbbbb: no changes (0 files); compared with main @ 1f4ddd3, 2 h ago.');
    const first = toSummary({ ...record, branch: 'feature/x', baseSyncId: null } as SyncRecord, lookup);
    assert.ok(first);
    assert.equal(summarize(first, now), 'Synced feature/x @ bbbbbbb: no changes (0 files); first sync of feature/x.');
    const unknown = toSummary(record);
    assert.ok(unknown);
    assert.equal(summarize(unknown, now), 'Synced main @ bbbbbbb: no changes (0 files).', 'no lookup: the summary does not guess');
    assert.ok(viewStateSchema.safeParse({ repository: null, problem: null, branches: [], selectedBranch: null, run: null, waiting: null, lastSync: compared, signedIn: true }).success);
  });
});
