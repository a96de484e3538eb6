// The pipeline asks for the branch's head while the running record is written (core/sync.ts
// runSync: that write ends in an fsync that the network does not need). Nothing is yielded before
// the record exists; a record that cannot be written stops what was started and closes the source;
// a wait reported before the record existed is still told, under its id.
import { strict as assert } from 'node:assert';
import { SyncError } from '../../src/core/errors';
import { nullLogger } from '../../src/core/logger';
import type { NetworkHooks, RepositorySource, SourceHead } from '../../src/core/ports';
import { runSync, type PipelineDeps } from '../../src/core/sync';
import type { SyncEvent } from '../../src/core/syncEvents';
import { emptyStats, type RemoteRepository, type SyncRecord } from '../../src/core/types';

const repository: RemoteRepository = { host: 'github.com', owner: 'octo', name: 'demo', apiBaseUrl: 'https://api.github.com', webUrl: 'https://github.com/octo/demo', cloneUrl: 'https://github.com/octo/demo.git', remoteName: 'origin' } as RemoteRepository;

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

function record(id: string): SyncRecord {
  return {
    id, repository, branch: 'main', commitSha: null, treeSha: null, kind: 'sync', restoredFromSyncId: null, status: 'running', phase: 'resolving',
    startedAt: new Date(0).toISOString(), completedAt: null, stats: emptyStats(), error: null, previousSyncId: null, startedAfterSyncId: null,
    baseSyncId: null, commitMessage: null, forcePushed: false, missingContent: [],
  } as unknown as SyncRecord;
}

interface Probe {
  headAsked: boolean;
  headSignal?: AbortSignal;
  closed: { completed?: boolean }[];
  failed: string[];
}

/** Deps whose source's head() runs `head`, and whose store's begin() runs `begin`. */
function deps(begin: () => Promise<SyncRecord>, head: (hooks: NetworkHooks, signal?: AbortSignal) => Promise<SourceHead>): { deps: PipelineDeps; probe: Probe } {
  const probe: Probe = { headAsked: false, closed: [], failed: [] };
  const store = {
    reload: async () => undefined,
    begin,
    baseFor: () => undefined,
    fail: async (id: string) => {
      probe.failed.push(id);
      return record(id);
    },
  };
  return {
    probe,
    deps: {
      store: store as unknown as PipelineDeps['store'],
      logger: nullLogger,
      clock: { now: () => new Date(0) } as unknown as PipelineDeps['clock'],
      maxFileSize: 1 << 20,
      resolveRemote: async () => repository,
      lock: async () => ({ release: async () => undefined }),
      open: async (_repo, _workdir, hooks) =>
        ({
          repository,
          defaultBranch: async () => 'main',
          head: (_branch: string, _base: unknown, signal?: AbortSignal) => {
            probe.headAsked = true;
            probe.headSignal = signal;
            return head(hooks, signal);
          },
          snapshot: async () => [],
          read: () => (async function* () {})(),
          traffic: () => ({ requests: 0, bytes: 0, source: 'none' }),
          close: async (opts?: { completed?: boolean }) => void probe.closed.push(opts ?? {}),
        }) as RepositorySource,
    },
  };
}

async function events(gen: AsyncGenerator<SyncEvent, SyncRecord>): Promise<{ events: SyncEvent[]; error?: unknown }> {
  const out: SyncEvent[] = [];
  try {
    for (;;) {
      const next = await gen.next();
      if (next.done) return { events: out };
      out.push(next.value);
    }
  } catch (error) {
    return { events: out, error };
  }
}

const notFound = () => new SyncError('BRANCH_NOT_FOUND', "The branch 'main' does not exist.");

describe('sync pipeline: the head is asked for while the running record is written', () => {
  it('asks for the head before begin() has written the record, and yields nothing until it has', async () => {
    const written = gate();
    const headDone = gate();
    const { deps: d, probe } = deps(
      async () => {
        await written.promise;
        return record('r1');
      },
      async () => {
        await headDone.promise;
        throw notFound();
      },
    );
    const gen = runSync(d, { workdir: '/w', branch: 'main' });
    const first = gen.next();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(probe.headAsked, true, 'the head is asked for while the record is being written');
    let yielded = false;
    void first.then(() => (yielded = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(yielded, false, 'no event before the record is written');
    written.open();
    assert.equal(((await first).value as SyncEvent).type, 'started');
    headDone.open();
    const rest = await events(gen);
    assert.equal((rest.error as SyncError).code, 'BRANCH_NOT_FOUND');
    assert.deepEqual(probe.failed, ['r1'], 'the attempt is recorded as failed');
    assert.deepEqual(probe.closed, [{ completed: false }]);
  });

  it('a record that cannot be written stops the head request and closes the source; the storage error is what the caller gets', async () => {
    const { deps: d, probe } = deps(
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        throw new SyncError('STORAGE_ERROR', 'Could not save the sync history: EROFS');
      },
      (_hooks, signal) =>
        new Promise<SourceHead>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new SyncError('CANCELLED', 'stopped')), { once: true });
        }),
    );
    const run = await events(runSync(d, { workdir: '/w', branch: 'main' }));
    assert.equal((run.error as SyncError).code, 'STORAGE_ERROR');
    assert.deepEqual(run.events, [], 'nothing was started');
    assert.equal(probe.headSignal?.aborted, true, 'the head request (and a transfer it began) is stopped');
    assert.deepEqual(probe.closed, [{ completed: false }], 'the source is closed once');
    assert.deepEqual(probe.failed, [], 'no record to mark failed');
  });

  it('a wait reported before the record exists is told after "started" and the head\'s progress, under the record\'s id', async () => {
    const written = gate();
    const { deps: d } = deps(
      async () => {
        await written.promise;
        return record('r2');
      },
      async (hooks) => {
        hooks.onWait?.({ reason: 'secondary-rate-limit', seconds: 3 });
        written.open();
        await new Promise((r) => setTimeout(r, 10));
        throw notFound();
      },
    );
    const run = await events(runSync(d, { workdir: '/w', branch: 'main' }));
    assert.equal(run.events[0]?.type, 'started');
    const at = run.events.findIndex((e) => e.type === 'waiting');
    assert.deepEqual(run.events[at], { type: 'waiting', syncId: 'r2', reason: 'secondary-rate-limit', seconds: 3 });
    // After the progress that opens the head's phase: a consumer takes a progress event as the end of a wait.
    const before = run.events[at - 1];
    assert.ok(before?.type === 'progress' && before.phase === 'fetchingHead' && before.done === 0, JSON.stringify(run.events.slice(0, at)));
  });

  it('a consumer that stops at "started" cancels the attempt: the head request is stopped and the source closed', async () => {
    const { deps: d, probe } = deps(
      async () => record('r4'),
      (_hooks, signal) =>
        new Promise<SourceHead>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new SyncError('CANCELLED', 'stopped')), { once: true });
        }),
    );
    const gen = runSync(d, { workdir: '/w', branch: 'main' });
    assert.equal(((await gen.next()).value as SyncEvent).type, 'started');
    await gen.return(record('r4'));
    assert.equal(probe.headSignal?.aborted, true, 'the head request (and a transfer it began) is stopped');
    assert.deepEqual(probe.closed, [{ completed: false }]);
    assert.deepEqual(probe.failed, ['r4'], 'the attempt is recorded as cancelled');
  });

  it('reads what another process committed before asking for the head against the base', async () => {
    const order: string[] = [];
    const { deps: d } = deps(
      async () => {
        order.push('begin');
        return record('r5');
      },
      async () => {
        order.push('head');
        throw notFound();
      },
    );
    const store = d.store as unknown as { reload: () => Promise<void>; baseFor: () => unknown };
    store.reload = async () => void order.push('reload');
    const base = store.baseFor;
    store.baseFor = () => {
      order.push('baseFor');
      return base();
    };
    await events(runSync(d, { workdir: '/w', branch: 'main' }));
    assert.deepEqual(order.slice(0, 2), ['reload', 'begin'], order.join(' '));
    assert.ok(order.indexOf('baseFor') > order.indexOf('reload') && order.indexOf('head') > order.indexOf('baseFor'), order.join(' '));
  });

  it('cancelled while the record is written: the head request is stopped and the attempt recorded as cancelled', async () => {
    const written = gate();
    const abort = new AbortController();
    const { deps: d, probe } = deps(
      async () => {
        await written.promise;
        return record('r3');
      },
      (_hooks, signal) =>
        new Promise<SourceHead>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new SyncError('CANCELLED', 'The sync was cancelled.')), { once: true });
        }),
    );
    const gen = runSync(d, { workdir: '/w', branch: 'main' }, abort.signal);
    const first = gen.next();
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    assert.equal(probe.headSignal?.aborted, true);
    written.open();
    assert.equal(((await first).value as SyncEvent).type, 'started');
    const rest = await events(gen);
    assert.equal((rest.error as SyncError).code, 'CANCELLED');
    assert.deepEqual(probe.failed, ['r3']);
    assert.deepEqual(probe.closed, [{ completed: false }]);
  });
});
