// On the git path a sync lists or diffs its tree and reads blobs from the transfer's pack as soon as
// it is in the cache, while `git fetch` still checks the pack (engine/source.ts `packArrived`); the
// sync's figures wait for the transfer's end (settle). The source is driven with a content fetcher
// whose transfer and pack arrival the test releases; the arrival itself is watched in a real cache folder.
import { strict as assert } from 'node:assert';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nullLogger } from '../../src/core/logger';
import type { GitHubConnector } from '../../src/core/ports';
import type { SourceHead } from '../../src/core/ports';
import type { BranchHead, RemoteRepository, RepositoryFile, SyncRecord } from '../../src/core/types';
import { GitContentFetcher } from '../../src/engine/content';
import { GitHubRepositorySource } from '../../src/engine/source';

const sha = (c: string) => c.repeat(40);
const HEAD: BranchHead = { branch: 'main', commitSha: sha('c'), treeSha: sha('t'), commitMessage: 'x', parents: [] };
const FILES: RepositoryFile[] = [
  { path: 'b.txt', blobSha: sha('b'), mode: '100644', size: 2 },
  { path: 'a.txt', blobSha: sha('a'), mode: '100644', size: 1 },
];
const REPO: RemoteRepository = { host: 'github.com', owner: 'o', name: 'r', apiBaseUrl: 'http://127.0.0.1:1/api/v3', webUrl: 'http://127.0.0.1:1/o/r', cloneUrl: 'http://127.0.0.1:1/o/r.git', remoteName: 'origin' };

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Whether `p` settles within `ms`. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const settled = p.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A git-path content fetcher whose transfer and pack arrival the test controls; it logs what it was asked. */
function fakeContent(opts: { treeInPack?: boolean; commitInPack?: boolean; firstTransferCertain?: boolean; seenAsTransferEnds?: boolean } = {}) {
  const transfer = deferred<void>();
  const arrival = deferred<boolean>();
  const calls: string[] = [];
  let transferSignal: AbortSignal | undefined;
  const content = {
    listsTreesLocally: true,
    workspaceHasCommit: async () => false,
    // Every commit but the head's is in the cache.
    cacheHoldsForTransfer: async (commit: string, base?: string) => ({ commit: commit !== HEAD.commitSha, base: base !== undefined && base !== HEAD.commitSha }),
    cacheHasCommit: async () => (calls.push('cacheHasCommit'), opts.commitInPack !== false),
    firstTransferCertain: async () => (calls.push('firstTransferCertain'), opts.firstTransferCertain === true),
    cachePacks: async () => new Set<string>(['pack-old.idx']),
    prepareTransfer: async () => undefined,
    prefetch: (_input: unknown, signal?: AbortSignal) => ((transferSignal = signal), calls.push('prefetch'), transfer.promise),
    // Settled by the test, or false once the transfer is over (as the real one, which looks a last time then).
    // seenAsTransferEnds: the pack is found by that last look (a readdir's time later), as the smart client's is.
    packArrival: (_before: unknown, ending: Promise<void>) =>
      opts.seenAsTransferEnds
        ? ending.then(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5)))
        : Promise.race([arrival.promise, ending.then(() => false, () => false)]),
    cacheTree: async () => (calls.push('cacheTree'), opts.treeInPack !== false ? FILES.slice() : undefined),
    cacheChanges: async () => (calls.push('cacheChanges'), { added: [FILES[1]], modified: [], removed: [] }),
    localTree: async (): Promise<RepositoryFile[] | undefined> => (calls.push('localTree'), FILES.slice()),
    ensure: async () => (calls.push('ensure'), { source: 'pack', bytes: 0, requests: 0, missing: [] }),
    forEach: async (shas: string[], each: (sha: string, bytes: Uint8Array) => void) => {
      for (const s of shas) each(s, new TextEncoder().encode(s.slice(0, 1)));
    },
    traffic: () => ({ source: 'pack', bytes: 0, requests: 0, missing: [] }),
    close: async () => undefined,
  };
  return { content: content as unknown as GitContentFetcher, fake: content, transfer, arrival, calls, transferSignal: () => transferSignal };
}

function connector(): GitHubConnector {
  return {
    repository: REPO,
    fetchBranchHead: async (_branch: string, _signal?: AbortSignal, onRef?: (commitSha: string) => void) => {
      onRef?.(HEAD.commitSha);
      return { ...HEAD };
    },
    counters: () => ({ requests: 0, bytes: 0 }),
  } as unknown as GitHubConnector;
}

const BASE = { id: 'base', commitSha: sha('p'), treeSha: sha('q') } as unknown as SyncRecord;

/** A source over a fake content fetcher, its head read (the early transfer started), for a first sync or on `base`. */
async function started(opts: Parameters<typeof fakeContent>[0] = {}, base?: SyncRecord) {
  const fx = fakeContent(opts);
  const source = new GitHubRepositorySource(connector(), fx.content, nullLogger);
  const head = await source.head('main', base);
  return { fx, source, head };
}

async function drain(source: GitHubRepositorySource): Promise<number> {
  let n = 0;
  for await (const _ of source.read(FILES, HEAD as SourceHead, {})) n++;
  return n;
}

describe('a sync reads the transfer\'s pack as soon as it is in the cache, before the transfer ends', () => {
  it('a first sync: the listing and the content do not wait for git\'s checks; settle() does', async () => {
    const { fx, source, head } = await started();
    const listing = source.snapshot(head, undefined, {});
    assert.equal(await settlesWithin(listing, 100), false, 'no listing before the pack is in');
    fx.arrival.resolve(true);
    assert.deepEqual(
      (await listing).map((f) => f.path),
      ['a.txt', 'b.txt'],
      'listed, sorted, while the transfer is still under way',
    );
    assert.equal(await drain(source), 2, 'content read while the transfer is still under way');
    const settled = source.settle();
    assert.equal(await settlesWithin(settled, 100), false, 'settle() waits for the transfer');
    fx.transfer.resolve();
    await settled;
    assert.deepEqual(fx.calls, ['firstTransferCertain', 'prefetch', 'cacheTree', 'cacheHasCommit', 'ensure']);
    await source.close({ completed: true });
  });

  it('an incremental sync: the changes come from the cache\'s diff while the transfer is under way', async () => {
    const { fx, source, head } = await started({}, BASE);
    fx.arrival.resolve(true);
    const diff = await source.changes(head, BASE, {});
    assert.deepEqual(diff?.added.map((f) => f.path), ['a.txt']);
    assert.equal(await drain(source), 2);
    assert.deepEqual(fx.calls, ['prefetch', 'cacheChanges', 'cacheHasCommit', 'ensure']);
    fx.transfer.resolve();
    await source.settle();
    await source.close({ completed: true });
  });

  it('an incremental sync whose pack is seen as its transfer ends diffs in the cache: that look answers before the transfer is over', async () => {
    const { fx, source, head } = await started({ seenAsTransferEnds: true }, BASE);
    fx.transfer.resolve();
    const diff = await source.changes(head, BASE, {});
    assert.deepEqual(diff?.added.map((f) => f.path), ['a.txt']);
    assert.deepEqual(fx.calls, ['prefetch', 'cacheChanges']);
    await source.settle();
    await source.close({ completed: true });
  });

  it('a pack without the tree (the branch moved meanwhile): the listing waits for the transfer', async () => {
    const { fx, source, head } = await started({ treeInPack: false });
    fx.arrival.resolve(true);
    const listing = source.snapshot(head, undefined, {});
    assert.equal(await settlesWithin(listing, 100), false, 'waits for the transfer');
    fx.transfer.resolve();
    assert.equal((await listing).length, 2);
    assert.deepEqual(fx.calls, ['firstTransferCertain', 'prefetch', 'cacheTree', 'localTree']);
    await source.close({ completed: true });
  });

  it('a pack without the commit: content is read only after the transfer ended (it may have to transfer again)', async () => {
    const { fx, source } = await started({ commitInPack: false });
    fx.arrival.resolve(true);
    const reading = drain(source);
    assert.equal(await settlesWithin(reading, 100), false);
    fx.transfer.resolve();
    assert.equal(await reading, 2);
    await source.close({ completed: true });
  });

  it('a transfer that fails before any pack: the failure is the sync\'s, not a listing', async () => {
    const { fx, source, head } = await started();
    fx.arrival.resolve(false);
    fx.transfer.reject(new Error('the connection dropped'));
    // The cache lists nothing after a failed transfer: the failure is thrown.
    fx.fake.localTree = async () => undefined;
    await assert.rejects(source.snapshot(head, undefined, {}), /the connection dropped/);
    assert.deepEqual(fx.calls, ['firstTransferCertain', 'prefetch']);
    await source.close({});
  });

  it('a sync that fails after reading the pack lets the transfer finish (the cache is left as a transfer leaves it)', async () => {
    const { fx, source, head } = await started();
    fx.arrival.resolve(true);
    await source.snapshot(head, undefined, {});
    const closing = source.close({});
    assert.equal(await settlesWithin(closing, 100), false, 'close() waits for the transfer');
    assert.equal(fx.transferSignal()?.aborted, false, 'not stopped');
    fx.transfer.resolve();
    await closing;
  });

  it('a sync that fails before the pack is in stops the transfer', async () => {
    const { fx, source } = await started();
    await new Promise((r) => setTimeout(r, 10));
    const closing = source.close({});
    assert.equal(fx.transferSignal()?.aborted, true, 'stopped');
    fx.transfer.reject(new Error('aborted'));
    await closing;
  });
});

describe('a first sync that transfers whatever the ref names starts its transfer beside the ref request', () => {
  /** A connector whose ref answers when the test says, or fails. */
  function slowRef() {
    const answer = deferred<void>();
    const conn = {
      repository: REPO,
      fetchBranchHead: async (_branch: string, _signal?: AbortSignal, onRef?: (commitSha: string) => void) => {
        await answer.promise;
        onRef?.(HEAD.commitSha);
        return { ...HEAD };
      },
      counters: () => ({ requests: 0, bytes: 0 }),
    } as unknown as GitHubConnector;
    return { conn, answer };
  }

  it('a new cache and a workspace without the branch: the transfer runs before the ref answers, and only once', async () => {
    const fx = fakeContent({ firstTransferCertain: true });
    const { conn, answer } = slowRef();
    const source = new GitHubRepositorySource(conn, fx.content, nullLogger);
    const heading = source.head('main', undefined);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(fx.calls, ['firstTransferCertain', 'prefetch'], 'transferring while the ref is asked for');
    answer.resolve();
    const head = await heading;
    fx.arrival.resolve(true);
    assert.equal((await source.snapshot(head, undefined, {})).length, 2, 'listed from its pack');
    fx.transfer.resolve();
    await source.settle();
    assert.equal(fx.calls.filter((c) => c === 'prefetch').length, 1, 'the ref did not start a second transfer');
    await source.close({ completed: true });
  });

  it('a ref request that fails stops that transfer', async () => {
    const fx = fakeContent({ firstTransferCertain: true });
    const { conn, answer } = slowRef();
    const source = new GitHubRepositorySource(conn, fx.content, nullLogger);
    const heading = source.head('main', undefined);
    await new Promise((r) => setTimeout(r, 20));
    answer.reject(new Error('Not Found: no branch main'));
    await assert.rejects(heading, /no branch main/);
    const closing = source.close({ completed: false });
    assert.equal(fx.transferSignal()?.aborted, true, 'stopped');
    fx.transfer.reject(new Error('aborted'));
    await closing;
  });

  it('otherwise the transfer waits for the ref; a sync with a base does not even ask', async () => {
    const fx = fakeContent({ firstTransferCertain: false });
    const { conn, answer } = slowRef();
    const source = new GitHubRepositorySource(conn, fx.content, nullLogger);
    const heading = source.head('main', undefined);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(fx.calls, ['firstTransferCertain']);
    answer.resolve();
    await heading;
    assert.deepEqual(fx.calls, ['firstTransferCertain', 'prefetch']);
    fx.transfer.resolve();
    await source.close({ completed: true });

    const withBase = await started({ firstTransferCertain: true }, BASE);
    assert.deepEqual(withBase.fx.calls, ['prefetch'], 'asked only once the ref named a new commit');
    withBase.fx.transfer.resolve();
    await withBase.source.close({ completed: true });
  });
});

describe('a transfer\'s pack is seen when its index appears in the cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-pack-arrival-'));
    await fsp.mkdir(path.join(dir, 'objects', 'pack'), { recursive: true });
    await fsp.writeFile(path.join(dir, 'objects', 'pack', 'pack-old.idx'), '');
  });
  afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

  const fetcher = () => new GitContentFetcher({ repository: REPO, connector: undefined, workspaceGitDir: undefined, cacheGitDir: dir, gitPath: 'git', token: undefined, logger: nullLogger });

  it('true once a new index is there, while the transfer is still under way', async () => {
    const content = fetcher();
    const before = await content.cachePacks();
    const transfer = deferred<void>();
    const arrival = content.packArrival(before, transfer.promise);
    // A pack git is still writing (its temp files, the pack before its index) is not there yet.
    await fsp.writeFile(path.join(dir, 'objects', 'pack', 'tmp_idx_x'), '');
    await fsp.writeFile(path.join(dir, 'objects', 'pack', 'pack-new.pack'), '');
    assert.equal(await settlesWithin(arrival, 150), false);
    await fsp.writeFile(path.join(dir, 'objects', 'pack', 'pack-new.idx'), '');
    assert.equal(await arrival, true);
    transfer.resolve();
  });

  it('true at once when the transfer ends with a new index there (the smart client ends just after its index-pack)', async () => {
    const content = fetcher();
    const before = await content.cachePacks();
    const transfer = deferred<void>();
    const arrival = content.packArrival(before, transfer.promise);
    await fsp.writeFile(path.join(dir, 'objects', 'pack', 'pack-new.idx'), '');
    transfer.resolve();
    assert.equal(await arrival, true);
    // A transfer that failed is no arrival, whatever it left there.
    const failed = deferred<void>();
    const failing = content.packArrival(before, failed.promise);
    failed.reject(new Error('connectivity check failed'));
    assert.equal(await failing, false);
  });

  it('a transfer that ends while the folder is being read gets one more look', async () => {
    const content = fetcher();
    const before = await content.cachePacks();
    const transfer = deferred<void>();
    const look = content.cachePacks.bind(content);
    let looks = 0;
    // The first look reads the folder before the index is there; the transfer ends (index in place) before that look answers.
    content.cachePacks = async () => {
      if (++looks > 1) return look();
      const seen = await look();
      await fsp.writeFile(path.join(dir, 'objects', 'pack', 'pack-new.idx'), '');
      transfer.resolve();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return seen;
    };
    assert.equal(await content.packArrival(before, transfer.promise), true);
    assert.equal(looks, 2);
  });

  it('false when the transfer ends (or fails) with no new index, or the sync is cancelled', async () => {
    const content = fetcher();
    const before = await content.cachePacks();
    const done = deferred<void>();
    const ended = content.packArrival(before, done.promise);
    done.resolve();
    assert.equal(await ended, false);

    const failed = deferred<void>();
    const failing = content.packArrival(before, failed.promise);
    failed.reject(new Error('dropped'));
    assert.equal(await failing, false);

    const abort = new AbortController();
    const cancelled = content.packArrival(before, new Promise<void>(() => undefined), abort.signal);
    abort.abort();
    assert.equal(await cancelled, false);
  });
});

describe('reading blobs', () => {
  it("a consumer that works on each blob without awaiting anything still lets the event loop turn (git's next answers are read meanwhile)", async () => {
    const { fx, source, head } = await started();
    fx.arrival.resolve(true);
    const many: RepositoryFile[] = Array.from({ length: 40 }, (_, i) => ({ path: `f${i}.txt`, blobSha: sha(`f${i}`), mode: '100644', size: 1 }));
    let turned = false;
    let blobs = 0;
    let turnedAt: number | undefined;
    setImmediate(() => (turned = true));
    for await (const _ of source.read(many, head, {})) {
      blobs++;
      if (turned && turnedAt === undefined) turnedAt = blobs;
      // A millisecond of analysis, on this thread.
      const until = performance.now() + 1;
      while (performance.now() < until);
    }
    assert.equal(blobs, 40);
    assert.ok(turnedAt !== undefined && turnedAt < 10, `the event loop turned while the blobs were consumed (at blob ${turnedAt})`);
    fx.transfer.resolve();
    await source.close({ completed: true });
  });

  it('read() holds at most two batches (under 128 blobs) ahead of its consumer, never a large share of a first sync', async () => {
    const { fx, source, head } = await started();
    fx.arrival.resolve(true);
    let delivered = 0;
    const forEach = fx.fake.forEach;
    fx.fake.forEach = async (shas: string[], each: (sha: string, bytes: Uint8Array) => void) =>
      forEach(shas, (s, b) => {
        delivered++;
        each(s, b);
      });
    const many: RepositoryFile[] = Array.from({ length: 2000 }, (_, i) => ({ path: `f${i}.txt`, blobSha: sha(`f${i}`), mode: '100644', size: 1 }));
    let consumed = 0;
    let mostAhead = 0;
    for await (const _ of source.read(many, head, {})) {
      consumed++;
      mostAhead = Math.max(mostAhead, delivered - consumed);
    }
    assert.equal(consumed, 2000);
    assert.ok(mostAhead < 128, `fewer than 128 blobs held ahead of the consumer (${mostAhead})`);
    fx.transfer.resolve();
    await source.close({ completed: true });
  });
});
