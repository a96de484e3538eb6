// The git path's own smart-HTTP client (engine/objects/smartFetch.ts), against the GitHub-compatible
// test server (real `git http-backend` over real repositories): what it leaves in the cache must be
// what `git fetch --depth=1` leaves — the commit and its whole tree, a shallow boundary git itself
// accepts (`git fsck`), the ref — with only new objects on the wire; and where it cannot do the
// transfer (a server without protocol v2, an answer it does not understand, a pack that does not
// index), `git fetch` does it instead.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../../src/core/logger';
import { SyncError } from '../../src/core/errors';
import { cacheRefCommit, clearStaleGitState, fetchPack, forgetCacheHead, gitHousekeeping, initCacheRepo } from '../../src/engine/objects/pack';
import { capabilities, CAPABILITIES_FILE, fetchWithCapabilities, indexPackEnv, knownCapabilities, learnCapabilities, pktLine, PktReader, rememberCapabilities, smartFetch, SmartHttpUnsupported, type Pkt, type SmartFetchOptions } from '../../src/engine/objects/smartFetch';
import { IsoGitRepo } from '../../src/engine/objects/isoGitFs';
import { storeThinPack } from '../../src/engine/objects/thinPack';
import { startGitHubServer, type GitHubServer } from '../support/githubServer';
import { relayTo, startHttp } from './support/cliProcess';
import { commitChanges, createTestRepo, generateFiles, type TestRepo } from '../support/repos';

const git = (args: string[]) => execFileSync('git', args, { stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } }).toString().trim();

/** A fetch whose upload-pack answers have bytes of their pack garbled (a proxy that rewrote them). */
function garbledPacks(): typeof fetch {
  const real = globalThis.fetch;
  return (async (input: string, init: RequestInit) => {
    const res = await real(input, init);
    if (!String(input).endsWith('/git-upload-pack')) return res;
    const bytes = Buffer.from(await res.arrayBuffer());
    const at = bytes.indexOf('PACK');
    if (at > 0) for (let i = at + 40; i < Math.min(bytes.length - 30, at + 400); i++) bytes[i] = (bytes[i] as number) ^ 0x5a;
    return new Response(bytes, { status: res.status, headers: res.headers });
  }) as unknown as typeof fetch;
}

/**
 * A fetch whose upload-pack answers name their packfile section but carry none of its data (a proxy
 * that cut it out), only the empty band-1 keepalives upload-pack sends while pack-objects runs.
 */
function packlessAnswers(): typeof fetch {
  const real = globalThis.fetch;
  return (async (input: string, init: RequestInit) => {
    const res = await real(input, init);
    if (!String(input).endsWith('/git-upload-pack')) return res;
    const reader = new PktReader();
    reader.push(Buffer.from(await res.arrayBuffer()));
    const out: Buffer[] = [];
    let inPack = false;
    for (let p = reader.next(); p; p = reader.next()) {
      if (p.kind !== 'data') {
        out.push(Buffer.from(p.kind === 'flush' ? '0000' : p.kind === 'delim' ? '0001' : '0002'));
        continue;
      }
      if (inPack && p.data[0] === 1) continue;
      out.push(Buffer.from((p.data.length + 4).toString(16).padStart(4, '0')), p.data);
      if (!inPack && p.data.toString('latin1') === 'packfile\n') out.push(Buffer.from('0005\x01'), Buffer.from('0005\x01'));
      inPack ||= p.data.toString('latin1') === 'packfile\n';
    }
    return new Response(Buffer.concat(out), { status: res.status, headers: res.headers });
  }) as unknown as typeof fetch;
}

describe('the smart-HTTP client reads pkt-lines however the answer is cut', () => {
  const packets = (chunks: Buffer[]): Pkt[] => {
    const r = new PktReader();
    const out: Pkt[] = [];
    for (const c of chunks) {
      r.push(c);
      for (let p = r.next(); p; p = r.next()) out.push(p);
    }
    assert.equal(r.pending(), 0);
    return out;
  };
  const show = (ps: Pkt[]) => ps.map((p) => (p.kind === 'data' ? p.data.toString('latin1') : p.kind));

  it('one byte at a time, in two, whole: the same packets (data, flush, delim, response-end)', () => {
    const wire = Buffer.from(`${pktLine('shallow-info\n')}${pktLine(`shallow ${'a'.repeat(40)}\n`)}0001${pktLine('packfile\n')}${pktLine('\x01PACK\x00\x01')}0000${pktLine('x')}0002`, 'latin1');
    const whole = show(packets([wire]));
    assert.deepEqual(whole, ['shallow-info\n', `shallow ${'a'.repeat(40)}\n`, 'delim', 'packfile\n', '\x01PACK\x00\x01', 'flush', 'x', 'end']);
    assert.deepEqual(show(packets([...wire].map((b) => Buffer.from([b])))), whole);
    for (let cut = 1; cut < wire.length; cut++) assert.deepEqual(show(packets([wire.subarray(0, cut), wire.subarray(cut)])), whole, `cut at ${cut}`);
  });

  it('an answer that is not pkt-lines is not understood (git fetch does the transfer)', () => {
    const r = new PktReader();
    r.push(Buffer.from('<html>'));
    assert.throws(() => r.next(), SmartHttpUnsupported);
  });

  it('index-pack runs with glibc told to keep freed memory and a fixed mmap threshold (the variable is added to, never replaced)', () => {
    const ours = 'glibc.malloc.trim_threshold=67108864:glibc.malloc.mmap_threshold=33554432';
    assert.equal(indexPackEnv({}).GLIBC_TUNABLES, ours);
    assert.equal(indexPackEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES, `glibc.malloc.arena_max=2:${ours}`);
  });
});

describe('the smart-HTTP client transfers the commit the ref named, as git fetch --depth=1 would', function () {
  this.timeout(60_000);
  let server: GitHubServer;
  let repo: TestRepo;
  let root: string;
  let n = 0;
  const logged: string[] = [];
  const keep = (m: string) => void logged.push(m);
  const logger: Logger = { trace: keep, debug: keep, info: keep, warn: keep, error: keep };

  before(async () => {
    server = await startGitHubServer();
    // Nested folders and enough files for trees the pack shares with the base.
    repo = await createTestRepo(generateFiles(300, { seed: 7, depth: [2, 4] }));
    server.addRepository('octo', 'repo', repo.bareDir);
    root = mkdtempSync(path.join(os.tmpdir(), 'ps-smart-'));
  });
  after(async () => {
    await server?.close();
    await repo?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const url = () => `${server.url}/octo/repo.git`;
  /** A relay to the server that drops the Git-Protocol header: git http-backend then answers in protocol v0. */
  const v0Relay = () =>
    startHttp('127.0.0.1', (req, res) => {
      delete req.headers['git-protocol'];
      return relayTo(server.url)(req, res);
    });
  const newCache = async () => {
    const dir = path.join(root, `cache-${++n}`);
    await initCacheRepo(dir, 'git');
    return dir;
  };
  const transfer = (cache: string, want: string | undefined, branch = 'main', extra: { gitPath?: string; signal?: AbortSignal; base?: { commitSha: string; treeSha: string } } = {}) => {
    logged.length = 0;
    const from = server.requests.length;
    return fetchPack({ cacheGitDir: cache, gitPath: 'git', url: url(), branch, token: undefined, logger, ...(want ? { want } : {}), ...extra }).then((r) => ({
      ...r,
      wire: server.requests.slice(from).filter((q) => q.kind === 'git').reduce((s, q) => s + q.bytes, 0),
      posts: server.requests.slice(from).filter((q) => q.kind === 'git' && q.method === 'POST').length,
    }));
  };
  const head = (branch = 'main') => git(['--git-dir', repo.bareDir, 'rev-parse', `refs/heads/${branch}`]);
  /** A sync record's view of a commit: its sha and its tree's. */
  const baseOf = (commit: string) => ({ commitSha: commit, treeSha: git(['--git-dir', repo.bareDir, 'rev-parse', `${commit}^{tree}`]) });
  /** What the cache holds for `commit`, as git reads it: its whole tree, one commit deep, fsck-clean. */
  const assertHolds = (cache: string, commit: string) => {
    assert.equal(git(['--git-dir', cache, 'rev-parse', 'refs/project-sync/head']), commit);
    assert.equal(git(['--git-dir', cache, 'ls-tree', '-r', commit]), git(['--git-dir', repo.bareDir, 'ls-tree', '-r', commit]));
    assert.equal(git(['--git-dir', cache, 'rev-list', '--count', commit]), '1', 'one commit deep (shallow)');
    assert.ok(readFileSync(path.join(cache, 'shallow'), 'utf8').split('\n').includes(commit), 'the commit is a shallow boundary');
    git(['--git-dir', cache, 'fsck', '--no-dangling', '--connectivity-only']);
  };

  it('a first transfer, then one change after another: each pack holds only what is new, and git reads the cache as its own', async () => {
    const cache = await newCache();
    const first = await transfer(cache, head());
    assert.equal(first.posts, 1, 'one upload-pack request: no ref listing for a commit already known');
    assert.equal(first.requests, 2);
    assertHolds(cache, head());
    assert.ok(!logged.some((l) => /left to git fetch/.test(l)), logged.join('\n'));
    for (let step = 0; step < 3; step++) {
      const paths = Object.keys(generateFiles(300, { seed: 7, depth: [2, 4] }));
      const changed = Object.fromEntries(paths.slice(step * 3, step * 3 + 3).map((p) => [p, `changed ${step} ${p}\n`]));
      await commitChanges(repo, { ...changed, [`added/${step}.txt`]: `new ${step}\n` });
      const next = await transfer(cache, head());
      assertHolds(cache, head());
      assert.ok(next.wire < first.wire / 5, `only the new objects crossed the wire: ${next.wire} vs ${first.wire} bytes`);
    }
    assert.equal(await cacheRefCommit(cache), head());
  });

  it('a merge of a long side branch: the head alone, no history, fewer bytes than a depth-1 fetch of the side', async () => {
    const cache = await newCache();
    await transfer(cache, head());
    const base = head();
    for (let i = 0; i < 30; i++) await commitChanges(repo, { [`side/${i}.txt`]: `side ${i}\n`.repeat(50) }, { branch: 'side' });
    const merged = await commitChanges(repo, { 'merged.txt': 'merged\n' }, { merge: 'side' });
    const r = await transfer(cache, merged);
    assertHolds(cache, merged);
    assert.equal(git(['--git-dir', cache, 'cat-file', '-t', base]), 'commit', 'the old head stays');
    assert.ok(r.wire < 30 * 50 * 10, `no side-branch history: ${r.wire} bytes`);
  });

  it('a commit the server does not have: git fetch transfers the branch instead, and says why in the log', async () => {
    const cache = await newCache();
    const r = await transfer(cache, 'f'.repeat(40));
    assert.ok(logged.some((l) => /remote error.*left to git fetch/.test(l)), logged.join('\n'));
    assert.equal(r.requests, 3);
    assertHolds(cache, head());
  });

  it('a server without protocol version 2, or no smart-HTTP server at all: not understood, so git fetch does it', async () => {
    const answer = (body: string, type: string) => (async () => new Response(body, { status: 200, headers: { 'content-type': type } })) as unknown as typeof fetch;
    const o = (fetchVia: typeof fetch): SmartFetchOptions => ({ url: 'http://127.0.0.1:9/o/r.git', token: undefined, fetchVia, gitPath: 'git', gitDir: root, want: 'a'.repeat(40), stallMs: 0 });
    const v0 = `${pktLine('# service=git-upload-pack\n')}0000${pktLine(`${'a'.repeat(40)} HEAD\0multi_ack side-band-64k\n`)}0000`;
    await assert.rejects(capabilities(o(answer(v0, 'application/x-git-upload-pack-advertisement'))), (e: unknown) => e instanceof SmartHttpUnsupported && /version 2/.test(e.message));
    await assert.rejects(capabilities(o(answer('a dumb server', 'text/plain'))), SmartHttpUnsupported);
    const v2 = `${pktLine('# service=git-upload-pack\n')}0000${pktLine('version 2\n')}${pktLine('agent=git/2\n')}${pktLine('fetch=shallow wait-for-done\n')}${pktLine('object-format=sha1\n')}0000`;
    const caps = await capabilities(o(answer(v2, 'application/x-git-upload-pack-advertisement')));
    assert.deepEqual([...caps.fetch], ['shallow', 'wait-for-done']);
    assert.equal(caps.objectFormat, 'sha1');
  });

  it('a refusal that is about our request (400, 415) leaves the transfer to git fetch; auth and rate limits stay what they are', async () => {
    const real = globalThis.fetch;
    const postAnswers = (status: number) =>
      (async (input: string, init: RequestInit) => (String(input).endsWith('/git-upload-pack') ? new Response('no', { status, headers: { 'retry-after': '7' } }) : real(input, init))) as unknown as typeof fetch;
    const cache = await newCache();
    for (const [status, unsupported] of [[400, true], [415, true], [401, false], [429, false], [502, false]] as const) {
      const o: SmartFetchOptions = { url: url(), token: undefined, fetchVia: postAnswers(status), gitPath: 'git', gitDir: cache, want: head(), stallMs: 10_000 };
      const e = await smartFetch(o, await capabilities(o), 'refs/project-sync/head', undefined).then(() => undefined, (err: unknown) => err as Error & { data?: { statusCode?: number }; retryAfter?: string });
      assert.ok(e, `${status} fails`);
      assert.equal(e instanceof SmartHttpUnsupported, unsupported, `${status}: ${e.message}`);
      if (!unsupported) assert.deepEqual([e.data?.statusCode, e.retryAfter], [status, '7'], 'the status and Retry-After reach classifyPackFailure');
    }
  });

  it('a cache that lost its objects but kept its ref: the last head is not sent as a have, and the transfer makes the cache whole', async () => {
    const cache = await newCache();
    await transfer(cache, head());
    for (const f of readdirSync(path.join(cache, 'objects', 'pack'))) rmSync(path.join(cache, 'objects', 'pack', f));
    await commitChanges(repo, { 'after-loss.txt': 'new\n' });
    // Told the base's commit and tree too: the cache's files do not show them, so git is asked, and says so.
    await transfer(cache, head(), 'main', { base: baseOf(git(['--git-dir', cache, 'rev-parse', 'refs/project-sync/head'])) });
    assert.ok(logged.some((l) => /lacks its objects/.test(l)), logged.join('\n'));
    assertHolds(cache, head());
  });

  it("a change after a transfer, told the base's commit and tree: the cache's files make the have, no git process asks (only index-pack runs)", async () => {
    const cache = await newCache();
    const first = await transfer(cache, head());
    const base = baseOf(head());
    await commitChanges(repo, { 'have-from-files.txt': 'new\n' });
    const log = path.join(root, `git-${n}.log`);
    const wrapper = path.join(root, `git-${n}.sh`);
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\037' "$@" >> '${log}'\necho >> '${log}'\nexec git "$@"\n`);
    chmodSync(wrapper, 0o755);
    const next = await transfer(cache, head(), 'main', { gitPath: wrapper, base });
    assertHolds(cache, head());
    assert.ok(next.wire < first.wire / 5, `the base was sent as a have: ${next.wire} vs ${first.wire} bytes`);
    // Each command line's git command: the first word that is neither an option nor an option's value.
    const commands = readFileSync(log, 'utf8').trim().split('\n').map((l) => {
      const words = l.split('\x1f');
      return words.find((w, i) => !w.startsWith('-') && words[i - 1] !== '--git-dir' && words[i - 1] !== '-c');
    });
    assert.deepEqual(commands, ['index-pack']);
  });

  it('a cancellation, before the request or while the pack is indexed, ends the transfer as cancelled: no ref written, no second transfer', async () => {
    const cache = await newCache();
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(transfer(cache, head(), 'main', { signal: aborted.signal }), (e: unknown) => e instanceof SyncError && e.code === 'CANCELLED');
    assert.equal(await cacheRefCommit(cache), undefined);
    // index-pack, slowed down, is cancelled while it works on the whole pack.
    const slow = path.join(root, 'slow-index-pack-git');
    writeFileSync(slow, `#!/bin/sh\nfor a in "$@"; do [ "$a" = index-pack ] && sleep 1 && break; done\nexec git "$@"\n`);
    chmodSync(slow, 0o755);
    const during = new AbortController();
    const from = server.requests.length;
    const run = transfer(cache, head(), 'main', { gitPath: slow, signal: during.signal });
    setTimeout(() => during.abort(), 500);
    await assert.rejects(run, (e: unknown) => e instanceof SyncError && e.code === 'CANCELLED');
    assert.equal(await cacheRefCommit(cache), undefined, 'no ref written');
    assert.equal(server.requests.slice(from).filter((q) => q.kind === 'git' && q.method === 'POST').length, 1, 'git fetch was not tried after it');
  });

  it('index-pack failing for want of disk is a storage error, not a reason to transfer everything again with git fetch', async () => {
    const cache = await newCache();
    const full = path.join(root, 'full-disk-git');
    writeFileSync(full, `#!/bin/sh\nfor a in "$@"; do [ "$a" = index-pack ] && cat > /dev/null && echo "fatal: unable to write: No space left on device" >&2 && exit 128; done\nexec git "$@"\n`);
    chmodSync(full, 0o755);
    const from = server.requests.length;
    await assert.rejects(transfer(cache, head(), 'main', { gitPath: full }), (e: unknown) => e instanceof SyncError && e.code === 'STORAGE_ERROR');
    assert.equal(server.requests.slice(from).filter((q) => q.kind === 'git' && q.method === 'POST').length, 1, 'one transfer');
  });

  it("git's housekeeping runs once the cache passes git's limits (packs, loose objects), not before, and detached", async () => {
    const cache = await newCache();
    const log = path.join(root, 'housekeeping.log');
    const logging = path.join(root, 'logging-git');
    writeFileSync(logging, `#!/bin/sh\necho "$*" >> '${log}'\nexec git "$@"\n`);
    chmodSync(logging, 0o755);
    const ran = () => (readdirSync(root).includes('housekeeping.log') ? readFileSync(log, 'utf8') : '');
    const packDir = path.join(cache, 'objects', 'pack');
    for (let i = 0; i < 50; i++) writeFileSync(path.join(packDir, `pack-${String(i).padStart(40, '0')}.pack`), '');
    await gitHousekeeping(cache, logging, logger);
    assert.equal(ran(), '', '50 packs: nothing to do');
    writeFileSync(path.join(packDir, `pack-${'f'.repeat(40)}.pack`), '');
    await gitHousekeeping(cache, logging, logger);
    assert.match(ran(), /gc\.autoDetach=true .*maintenance run --auto/);
    const other = await newCache();
    rmSync(log, { force: true });
    mkdirSync(path.join(other, 'objects', '17'), { recursive: true });
    for (let i = 0; i < 27; i++) writeFileSync(path.join(other, 'objects', '17', i.toString(16).padStart(38, '0')), '');
    await gitHousekeeping(other, logging, logger);
    assert.equal(ran(), '', 'about 6,900 loose objects: not yet');
    writeFileSync(path.join(other, 'objects', '17', 'f'.repeat(38)), '');
    await gitHousekeeping(other, logging, logger);
    assert.match(ran(), /maintenance run --auto/);
  });

  describe('the portable path (no git binary): an incremental transfer by this client, its pack indexed here (storeThinPack)', () => {
    const portableCache = async () => {
      const dir = path.join(root, `cache-${++n}`);
      await initCacheRepo(dir, undefined);
      return dir;
    };
    const packsOf = (cache: string) => readdirSync(path.join(cache, 'objects', 'pack')).filter((f) => f.endsWith('.idx')).map((f) => path.join(cache, 'objects', 'pack', f));
    const oidsOf = (idx: string) =>
      execFileSync('git', ['show-index'], { input: readFileSync(idx) })
        .toString()
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[1])
        .sort();

    it('a first transfer, then a change: only what is new crosses the wire, in one request, and git reads the cache as its own (verify-pack, fsck)', async () => {
      const cache = await portableCache();
      const first = await transfer(cache, head(), 'main', { gitPath: undefined });
      assert.ok(logged.some((l) => /smart-HTTP fetch .* \(no haves\) indexed here/.test(l)), logged.join('\n'));
      assertHolds(cache, head());
      const paths = Object.keys(generateFiles(300, { seed: 7, depth: [2, 4] }));
      await commitChanges(repo, { ...Object.fromEntries(paths.slice(40, 44).map((p) => [p, `portable ${p}\n`])), 'portable/new.txt': 'new\n' });
      const next = await transfer(cache, head(), 'main', { gitPath: undefined });
      assert.ok(logged.some((l) => /smart-HTTP fetch .* indexed here/.test(l)), logged.join('\n'));
      assert.equal(next.posts, 1);
      assert.deepEqual([first.requests, next.requests], [2, 1], "the capabilities asked by the first transfer only (kept in the cache)");
      assert.ok(next.wire < first.wire / 5, `only the new objects crossed the wire: ${next.wire} vs ${first.wire} bytes`);
      assertHolds(cache, head());
      for (const idx of packsOf(cache)) git(['verify-pack', idx]);
      assert.deepEqual(readdirSync(path.join(cache, 'objects', 'pack')).filter((f) => !/^pack-[0-9a-f]{40}\.(pack|idx)$/.test(f)), [], 'the received packs\' temp files are gone');
    });

    it('a pack garbled on the way is refused, its temp file removed, and isomorphic-git transfers it after all', async () => {
      const cache = await portableCache();
      const garble = garbledPacks();
      const stored: string[] = [];
      const o: SmartFetchOptions = { url: url(), token: undefined, fetchVia: garble, gitDir: cache, want: head(), stallMs: 10_000, store: async (pack) => void stored.push(await storeThinPack(new IsoGitRepo(cache), pack)) };
      await assert.rejects(smartFetch(o, await capabilities(o), 'refs/project-sync/head', undefined), (e: unknown) => e instanceof SmartHttpUnsupported);
      assert.deepEqual(stored, []);
      assert.deepEqual(readdirSync(path.join(cache, 'objects', 'pack')), [], 'nothing left behind, the received pack\'s temp file included');
      await transfer(cache, head(), 'main', { gitPath: undefined });
      assertHolds(cache, head());
    });

    it('a transfer cancelled while its pack arrives leaves no temp file behind', async () => {
      const cache = await portableCache();
      const packDir = path.join(cache, 'objects', 'pack');
      const controller = new AbortController();
      const real = globalThis.fetch;
      let seen = false;
      // The answer handed on in 512-byte pieces; once the received pack's temp file exists, the sync is cancelled.
      const cancelling = (async (input: string, init: RequestInit) => {
        const res = await real(input, init);
        if (!String(input).endsWith('/git-upload-pack')) return res;
        const bytes = Buffer.from(await res.arrayBuffer());
        let at = 0;
        const receiving = () => existsSync(packDir) && readdirSync(packDir).some((f) => f.includes('_received_'));
        const body = new ReadableStream<Uint8Array>({
          async pull(c) {
            seen ||= receiving();
            // A small pack is one pkt-line, written once it is all in: the answer's last flush-pkt
            // (its last 4 bytes) waits for the pack's temp file.
            for (let i = 0; i < 200 && !seen && at >= bytes.length - 4; i++) {
              await new Promise((r) => setTimeout(r, 10));
              seen = receiving();
            }
            if (seen) controller.abort();
            // As a real answer's body does, this one fails once its request is aborted.
            if (init.signal?.aborted) return c.error(init.signal.reason);
            if (at >= bytes.length) return c.close();
            c.enqueue(bytes.subarray(at, (at = at < bytes.length - 4 ? Math.min(at + 512, bytes.length - 4) : bytes.length)));
          },
        });
        return new Response(body, { status: res.status, headers: res.headers });
      }) as unknown as typeof fetch;
      const o: SmartFetchOptions = { url: url(), token: undefined, fetchVia: cancelling, gitDir: cache, want: head(), stallMs: 10_000, signal: controller.signal, store: async () => assert.fail('nothing is stored') };
      await assert.rejects(smartFetch(o, await capabilities(o), 'refs/project-sync/head', undefined));
      assert.ok(seen, 'the pack was being received into its temp file when the sync was cancelled');
      // The cancel's removal is not awaited by the transfer: given a moment.
      for (let i = 0; i < 50 && readdirSync(packDir).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await cacheRefCommit(cache), undefined, 'no ref written');
      assert.deepEqual(readdirSync(packDir), []);
    });

    it('a server that does not speak protocol version 2: isomorphic-git does the transfer, first and incremental, and says why', async () => {
      const v0 = await v0Relay();
      try {
        const cache = await portableCache();
        const viaV0 = (want: string) => {
          logged.length = 0;
          return fetchPack({ cacheGitDir: cache, gitPath: undefined, url: `${v0.url}/octo/repo.git`, branch: 'main', token: undefined, logger, want });
        };
        await viaV0(head());
        assert.ok(logged.some((l) => /does not speak git protocol version 2.*left to isomorphic-git/.test(l)), logged.join('\n'));
        assertHolds(cache, head());
        await commitChanges(repo, { 'portable/v0.txt': 'v0\n' });
        await viaV0(head());
        assert.ok(logged.some((l) => /left to isomorphic-git/.test(l)) && !logged.some((l) => /indexed here/.test(l)), logged.join('\n'));
        assertHolds(cache, head());
      } finally {
        await v0.close();
      }
    });

    it('makes of a thin pack what git index-pack --fix-thin makes: the same objects, bases appended; a damaged or baseless pack is refused, leaving nothing', async () => {
      const cache = await portableCache();
      await transfer(cache, head(), 'main', { gitPath: undefined });
      const base = head();
      const paths = Object.keys(generateFiles(300, { seed: 7, depth: [2, 4] }));
      // Changed a little, so each new blob is a delta on its old version: a base the pack leaves out.
      await commitChanges(repo, Object.fromEntries(paths.slice(60, 70).map((p) => [p, `${git(['--git-dir', repo.bareDir, 'show', `main:${p}`])}\none more line\n`])));
      const thin = execFileSync('git', ['--git-dir', repo.bareDir, 'pack-objects', '--thin', '--stdout', '--revs', '-q'], { input: `${head()}\n^${base}\n` });
      const theirs = path.join(root, `theirs-${++n}`);
      execFileSync('cp', ['-r', cache, theirs]);
      const before = new Set(packsOf(theirs).map((f) => path.basename(f)));
      execFileSync('git', ['--git-dir', theirs, 'index-pack', '--stdin', '--fix-thin'], { input: thin });
      const gitIdx = packsOf(theirs).find((f) => !before.has(path.basename(f))) as string;

      const storing = new IsoGitRepo(cache);
      const name = await storeThinPack(storing, thin);
      const ours = path.join(cache, 'objects', 'pack', name.replace(/\.pack$/, '.idx'));
      assert.ok(oidsOf(ours).length > execFileSync('git', ['--git-dir', repo.bareDir, 'rev-list', '--objects', `${head()}`, `^${base}`]).toString().trim().split('\n').length, 'the delta bases were appended');
      assert.deepEqual(oidsOf(ours), oidsOf(gitIdx));
      git(['verify-pack', ours]);
      assert.equal(git(['--git-dir', cache, 'ls-tree', '-r', head()]), git(['--git-dir', repo.bareDir, 'ls-tree', '-r', head()]));
      // The repository that stored the pack reads it from the bytes it held (adoptPack), not from the
      // file: with the file moved aside it still reads the new objects, which a fresh reader cannot.
      const packFile = path.join(cache, 'objects', 'pack', name);
      const changed = git(['--git-dir', repo.bareDir, 'rev-parse', `${head()}:${paths[60]}`]);
      execFileSync('mv', [packFile, `${packFile}.aside`]);
      try {
        const read = await storing.readObject(changed);
        assert.equal(read.object.toString(), git(['--git-dir', repo.bareDir, 'cat-file', 'blob', changed]) + '\n');
        await assert.rejects(new IsoGitRepo(cache).readObject(changed));
      } finally {
        execFileSync('mv', [`${packFile}.aside`, packFile]);
      }

      const other = await portableCache();
      const damaged = Buffer.from(thin);
      const mid = damaged.length >> 1;
      damaged[mid] = (damaged[mid] ?? 0) ^ 0xff;
      await assert.rejects(storeThinPack(new IsoGitRepo(other), damaged), (e: unknown) => e instanceof SmartHttpUnsupported && /checksum/.test(e.message));
      await assert.rejects(storeThinPack(new IsoGitRepo(other), thin), (e: unknown) => e instanceof SmartHttpUnsupported && /neither the pack nor the cache/.test(e.message));
      await assert.rejects(storeThinPack(new IsoGitRepo(other), Buffer.from('<html>not a pack</html>'.repeat(3))), SmartHttpUnsupported);
      // A stream that inflates far beyond the size its header gives is refused before it fills the heap.
      const { entryHeader } = await import('../../src/engine/objects/packFormat');
      const { deflateSync } = await import('node:zlib');
      const { createHash } = await import('node:crypto');
      const head12 = Buffer.from('PACK\0\0\0\x02\0\0\0\x01', 'latin1');
      const bombBody = Buffer.concat([head12, entryHeader(3, 5), deflateSync(Buffer.alloc(64 * 1024 * 1024))]);
      const bomb = Buffer.concat([bombBody, createHash('sha1').update(bombBody).digest()]);
      await assert.rejects(storeThinPack(new IsoGitRepo(other), bomb), (e: unknown) => e instanceof SmartHttpUnsupported && /does not inflate to its 5 bytes/.test(e.message));
      // An object twice in one pack is refused, as git index-pack refuses it.
      const blob = Buffer.from('twice\n');
      const twiceBody = Buffer.concat([Buffer.from('PACK\0\0\0\x02\0\0\0\x02', 'latin1'), ...[1, 2].map(() => Buffer.concat([entryHeader(3, blob.length), deflateSync(blob)]))]);
      await assert.rejects(storeThinPack(new IsoGitRepo(other), Buffer.concat([twiceBody, createHash('sha1').update(twiceBody).digest()])), (e: unknown) => e instanceof SmartHttpUnsupported && /twice/.test(e.message));
      assert.deepEqual(readdirSync(path.join(other, 'objects', 'pack')), [], 'nothing left behind');

      // A valid stream longer than what it holds by more than stored blocks' overhead (zlib at level 1
      // with little memory, as zlib-ng's level 1 always writes fixed-Huffman blocks): stored, and read.
      const random = (await import('node:crypto')).randomBytes(4096);
      const loose = deflateSync(random, { level: 1, memLevel: 1 });
      assert.ok(loose.length > random.length + 64 + (random.length >> 10), `a long stream: ${loose.length} bytes`);
      const longBody = Buffer.concat([Buffer.from('PACK\0\0\0\x02\0\0\0\x01', 'latin1'), entryHeader(3, random.length), loose]);
      const reader = new IsoGitRepo(other);
      const stored = await storeThinPack(reader, Buffer.concat([longBody, createHash('sha1').update(longBody).digest()]));
      git(['verify-pack', path.join(other, 'objects', 'pack', stored.replace(/\.pack$/, '.idx'))]);
      const oid = createHash('sha1').update(`blob ${random.length}\0`).update(random).digest('hex');
      assert.ok((await new IsoGitRepo(other).readObject(oid)).object.equals(random), 'our reader reads it back');
    });
  });

  describe("git housekeeping still at work keeps what it wrote from the next sync's cleanup", () => {
    const HOUR = 3600_000;
    /** A cache with a lock and a temp pack from a transfer killed an hour ago, and gc's own, written a second ago. */
    async function cacheWithLeftovers(): Promise<string> {
      const cache = await newCache();
      const at = (rel: string, ageMs: number) => {
        writeFileSync(path.join(cache, rel), '');
        const t = new Date(Date.now() - ageMs);
        utimesSync(path.join(cache, rel), t, t);
      };
      at('shallow.lock', HOUR);
      at('objects/pack/tmp_pack_killed', HOUR);
      at('gc.log.lock', 1000);
      at('objects/pack/tmp_pack_live', 1000);
      at('objects/pack/pack-1234.pack', 1000); // renamed by gc before its index
      return cache;
    }
    const stale = ['objects/pack/tmp_pack_killed', 'shallow.lock'];
    const all = ['gc.log.lock', 'objects/pack/pack-1234.pack', 'objects/pack/tmp_pack_killed', 'objects/pack/tmp_pack_live', 'shallow.lock'];
    const gcPid = (cache: string, text: string, ageMs: number) => {
      writeFileSync(path.join(cache, 'gc.pid'), text);
      const t = new Date(Date.now() - ageMs);
      utimesSync(path.join(cache, 'gc.pid'), t, t);
    };

    it('a gc whose gc.pid names a live process here: only what is older than it goes (a killed transfer\'s lock no longer fails syncs until gc ends)', async () => {
      const cache = await cacheWithLeftovers();
      const sleeper = spawn('sleep', ['30']);
      try {
        gcPid(cache, `${sleeper.pid} ${os.hostname()}`, 60_000);
        assert.deepEqual((await clearStaleGitState(cache, logger)).sort(), stale);
        assert.ok(readdirSync(path.join(cache, 'objects', 'pack')).includes('tmp_pack_live'));
      } finally {
        sleeper.kill();
        await new Promise((r) => sleeper.once('exit', r));
      }
      // Once it has ended, what it left is stale.
      assert.deepEqual((await clearStaleGitState(cache, logger)).sort(), ['gc.log.lock', 'objects/pack/pack-1234.pack', 'objects/pack/tmp_pack_live']);
    });

    it("a gc on another host (a shared storage folder) counts as live, as git counts it, until its gc.pid is 12 hours old", async () => {
      const cache = await cacheWithLeftovers();
      gcPid(cache, '4242 another-host.example', 60_000);
      assert.deepEqual((await clearStaleGitState(cache, logger)).sort(), stale);
      const other = await cacheWithLeftovers();
      gcPid(other, '4242 another-host.example', 13 * HOUR);
      assert.deepEqual((await clearStaleGitState(other, logger)).sort(), all);
    });

    it('a git maintenance holding objects/maintenance.lock counts as live; a lock 12 hours old is a killed run\'s and goes too', async () => {
      const cache = await cacheWithLeftovers();
      const lock = path.join(cache, 'objects', 'maintenance.lock');
      writeFileSync(lock, '');
      utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      assert.deepEqual((await clearStaleGitState(cache, logger)).sort(), stale);
      assert.ok(existsSync(lock));
      utimesSync(lock, new Date(Date.now() - 13 * HOUR), new Date(Date.now() - 13 * HOUR));
      assert.deepEqual((await clearStaleGitState(cache, logger)).sort(), ['gc.log.lock', 'objects/maintenance.lock', 'objects/pack/pack-1234.pack', 'objects/pack/tmp_pack_live']);
    });

    it('a maintenance.lock, or a gc.pid of this host, from before the machine last started is a dead process\'s, however young; another host\'s gc is not judged by our start', async () => {
      // The machine started an hour ago; the files are two hours old (well within 12 hours).
      const machine = { hostname: os.hostname(), bootMs: Date.now() - HOUR };
      const cache = await cacheWithLeftovers();
      const lock = path.join(cache, 'objects', 'maintenance.lock');
      writeFileSync(lock, '');
      utimesSync(lock, new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR));
      gcPid(cache, `${process.pid} ${os.hostname()}`, 2 * HOUR);
      assert.deepEqual((await clearStaleGitState(cache, logger, machine)).sort(), [...all, 'objects/maintenance.lock'].sort());
      // Without the restart, the same files are live housekeeping: only what predates them goes.
      const kept = await cacheWithLeftovers();
      const keptLock = path.join(kept, 'objects', 'maintenance.lock');
      writeFileSync(keptLock, '');
      utimesSync(keptLock, new Date(Date.now() - 2 * HOUR + 60_000), new Date(Date.now() - 2 * HOUR + 60_000));
      assert.deepEqual((await clearStaleGitState(kept, logger, { ...machine, bootMs: Date.now() - 3 * HOUR })).sort(), []);
      const other = await cacheWithLeftovers();
      gcPid(other, '4242 another-host.example', 2 * HOUR - 60_000);
      assert.deepEqual((await clearStaleGitState(other, logger, machine)).sort(), [], 'another host\'s gc, younger than what it would spare');
    });

    it('a gc.pid naming a dead process here is ignored: everything a killed run left goes', async () => {
      const cache = await cacheWithLeftovers();
      const gone = spawn('true');
      await new Promise((r) => gone.once('exit', r));
      gcPid(cache, `${gone.pid} ${os.hostname()}`, 60_000);
      assert.deepEqual((await clearStaleGitState(cache, logger)).sort(), all);
    });
  });

  it('a cache found lacking objects forgets its head (packed or loose), so its next transfer brings the whole tree', async () => {
    const cache = await newCache();
    await transfer(cache, head());
    git(['--git-dir', cache, 'pack-refs', '--all']);
    await forgetCacheHead(cache, 'git', logger);
    assert.equal(await cacheRefCommit(cache), undefined);
    const r = await transfer(cache, head());
    assert.ok(r.wire > 1000, `the whole tree again: ${r.wire} bytes`);
    assertHolds(cache, head());
  });

  it("the server's capabilities are asked once per cache: after a first transfer by git fetch, then every transfer's fetch request goes out without them", async () => {
    const cache = await newCache();
    const first = await transfer(cache, undefined);
    assert.equal(first.requests, 4, "git fetch's three requests and the capabilities");
    assert.equal((await knownCapabilities(cache, url()))?.base, url());
    for (let step = 0; step < 2; step++) {
      await commitChanges(repo, { [`known-caps/${step}.txt`]: `step ${step}\n` });
      const from = server.requests.length;
      const next = await transfer(cache, head());
      assertHolds(cache, head());
      assert.equal(next.requests, 1);
      assert.deepEqual(server.requests.slice(from).filter((q) => q.kind === 'git').map((q) => q.method), ['POST'], 'one upload-pack request, no capabilities asked');
    }
  });

  /** A fetch whose first upload-pack POST is answered `status` (and Retry-After 7), every other request by the server. */
  const firstPostAnswered = (status: number, headers: Record<string, string> = {}, meanwhile?: () => void): typeof fetch => {
    const real = globalThis.fetch;
    let answered = false;
    return (async (input: string, init: RequestInit) => {
      if (!answered && String(input).endsWith('/git-upload-pack')) {
        answered = true;
        meanwhile?.();
        return new Response('no', { status, headers: { 'retry-after': '7', ...headers } });
      }
      return real(input, init);
    }) as unknown as typeof fetch;
  };
  const gitMethods = (from: number) => server.requests.slice(from).filter((q) => q.kind === 'git').map((q) => `${q.method} ${q.status}`);
  /** A transfer of the branch's head into `cache` through fetchWithCapabilities, by `fetchVia`; what it logs goes to `logged`. */
  const withCapabilities = (cache: string, fetchVia: typeof fetch, signal?: AbortSignal) =>
    fetchWithCapabilities({ url: url(), token: undefined, fetchVia, gitPath: 'git', gitDir: cache, want: head(), stallMs: 10_000, ...(signal ? { signal } : {}) }, 'refs/project-sync/head', Promise.resolve(undefined), (m) => logged.push(m));

  it('known capabilities the server refuses before taking the request (a moved repository: a redirect, a 404) are asked again, kept anew, and the transfer completes', async () => {
    for (const [status, headers] of [[301, { location: `${server.url}/octo/renamed.git/git-upload-pack` }], [404, {}]] as const) {
      const cache = await newCache();
      await transfer(cache, head());
      await commitChanges(repo, { [`known-caps/moved-${status}.txt`]: 'moved\n' });
      const from = server.requests.length;
      logged.length = 0;
      assert.equal(await withCapabilities(cache, firstPostAnswered(status, headers)), 3);
      assertHolds(cache, head());
      assert.deepEqual(gitMethods(from), ['GET 200', 'POST 200'], 'the refused POST never reached the server; the capabilities were asked again');
      assert.ok(logged.some((l) => /known from the last transfer did not serve/.test(l)), logged.join('\n'));
      assert.equal((await knownCapabilities(cache, url()))?.base, url(), 'kept anew');
    }
  });

  it("known capabilities stay when the server's trouble or ours is the reason (429, 503, 401, a cancel): nothing is asked again, the failure is the transfer's", async () => {
    const cache = await newCache();
    await transfer(cache, head());
    await commitChanges(repo, { 'known-caps/trouble.txt': 'trouble\n' });
    // 0: the sync cancelled while its request was out, which the server then refused as stale (404).
    for (const status of [429, 503, 401, 0]) {
      const abort = new AbortController();
      const from = server.requests.length;
      await assert.rejects(withCapabilities(cache, firstPostAnswered(status || 404, {}, () => status === 0 && abort.abort()), abort.signal), `${status} fails`);
      assert.deepEqual(gitMethods(from), [], `${status}: no capabilities asked`);
      assert.equal((await knownCapabilities(cache, url()))?.base, url(), `${status}: still known`);
    }
  });

  it('capabilities are kept only once the server answered a request made with them: a POST refused (400) keeps none', async () => {
    const cache = await newCache();
    await assert.rejects(withCapabilities(cache, firstPostAnswered(400)), SmartHttpUnsupported);
    assert.equal(existsSync(path.join(cache, CAPABILITIES_FILE)), false);
  });

  it('known capabilities answered with nothing this client reads (a proxy that drops the protocol header: the server speaks v0) are forgotten, and git fetch transfers; nothing more is asked after it', async () => {
    // Answered in protocol v0: a 200, then upload-pack ends.
    const v0 = await v0Relay();
    try {
      const cache = await newCache();
      const viaV0 = `${v0.url}/octo/repo.git`;
      await rememberCapabilities(cache, viaV0, { base: viaV0, fetch: new Set(['shallow']), objectFormat: 'sha1', agent: true });
      logged.length = 0;
      const r = await fetchPack({ cacheGitDir: cache, gitPath: 'git', url: viaV0, branch: 'main', token: undefined, logger, want: head() });
      assertHolds(cache, head());
      assert.ok(logged.some((l) => /known from the last transfer did not serve/.test(l)), logged.join('\n'));
      assert.ok(logged.some((l) => /version 2.*left to git fetch/.test(l)), logged.join('\n'));
      assert.equal(await knownCapabilities(cache, viaV0), undefined, 'forgotten, and the v0 answer not kept');
      assert.equal(r.requests, 3, "git fetch's own requests: no capabilities asked after it stood in for the smart client");
    } finally {
      await v0.close();
    }
  });

  it('a transfer that fails once the server took its request (a pack that does not index) keeps the capabilities: they served', async () => {
    const cache = await newCache();
    await transfer(cache, head());
    await commitChanges(repo, { 'known-caps/garbled.txt': 'garbled\n'.repeat(100) });
    const from = server.requests.length;
    await assert.rejects(withCapabilities(cache, garbledPacks()), (e: unknown) => e instanceof SmartHttpUnsupported && /index-pack/.test(e.message));
    assert.deepEqual(gitMethods(from), ['POST 200'], 'not asked again');
    assert.equal((await knownCapabilities(cache, url()))?.base, url());
  });

  it('capabilities are kept only as the remote answered at its own address, in a form the client transfers with, and read only for that remote; a damaged file is not read', async () => {
    const dir = mkdtempSync(path.join(root, 'caps-'));
    const caps = { base: url(), fetch: new Set(['shallow']), objectFormat: 'sha1', agent: true };
    await rememberCapabilities(dir, url(), caps);
    assert.deepEqual(await knownCapabilities(dir, url()), caps);
    assert.equal(await knownCapabilities(dir, `${server.url}/octo/other.git`), undefined, 'another remote');
    // A redirect (anywhere), no shallow fetch, another object format: not kept, and what was kept goes.
    for (const other of [{ ...caps, base: `${server.url}/octo/renamed.git` }, { ...caps, base: 'http://elsewhere.example/octo/repo.git' }, { ...caps, fetch: new Set(['filter']) }, { ...caps, objectFormat: 'sha256' }]) {
      await rememberCapabilities(dir, url(), caps);
      await rememberCapabilities(dir, url(), other);
      assert.equal(existsSync(path.join(dir, CAPABILITIES_FILE)), false, JSON.stringify({ ...other, fetch: [...other.fetch] }));
    }
    const file = (v: Record<string, unknown>) => JSON.stringify({ url: url(), base: url(), fetch: ['shallow'], agent: true, ...v });
    for (const text of ['{', file({ base: `${server.url}/octo/renamed.git` }), file({ base: 'http://elsewhere.example/octo/repo.git' }), file({ fetch: 'shallow' }), file({ objectFormat: 1 }), file({ agent: 'yes' }), file({ fetch: [] })]) {
      writeFileSync(path.join(dir, CAPABILITIES_FILE), text);
      assert.equal(await knownCapabilities(dir, url()), undefined, text);
    }
  });

  it('capabilities asked for after a transfer that did without them give up within their limit, whatever the stall setting, and keep nothing', async () => {
    const dir = mkdtempSync(path.join(root, 'caps-'));
    const silent = (async (_input: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true }))) as unknown as typeof fetch;
    for (const stallMs of [0, 60_000]) {
      const asked = await learnCapabilities({ url: url(), token: undefined, fetchVia: silent, gitPath: 'git', gitDir: dir, stallMs }, 200, logger);
      assert.equal(asked, true);
      assert.equal(await knownCapabilities(dir, url()), undefined);
    }
  });

  it('an answer that names its packfile section but holds no pack is not understood, and the transfer after it completes', async () => {
    const cache = await newCache();
    const o: SmartFetchOptions = { url: url(), token: undefined, fetchVia: packlessAnswers(), gitPath: 'git', gitDir: cache, want: head(), stallMs: 10_000 };
    await assert.rejects(smartFetch(o, await capabilities(o), 'refs/project-sync/head', undefined), (e: unknown) => e instanceof SmartHttpUnsupported && /held no pack/.test(e.message));
    assert.equal(await cacheRefCommit(cache), undefined, 'no ref written');
    assert.equal(readdirSync(path.join(cache, 'objects', 'pack')).filter((f) => f.endsWith('.pack')).length, 0, 'no pack kept');
    await transfer(cache, head());
    assertHolds(cache, head());
  });

  it('a pack that does not index leaves nothing behind, and git fetch transfers it after all', async () => {
    const cache = await newCache();
    // The server's answer with its pack's bytes garbled (a proxy that rewrote it): index-pack refuses it.
    const garble = garbledPacks();
    const o: SmartFetchOptions = { url: url(), token: undefined, fetchVia: garble, gitPath: 'git', gitDir: cache, want: head(), stallMs: 10_000 };
    await assert.rejects(smartFetch(o, await capabilities(o), 'refs/project-sync/head', undefined), (e: unknown) => e instanceof SmartHttpUnsupported && /index-pack/.test(e.message));
    assert.equal(await cacheRefCommit(cache), undefined, 'no ref written');
    assert.equal(readdirSync(path.join(cache, 'objects', 'pack')).filter((f) => f.endsWith('.pack')).length, 0, 'no pack kept');
    await transfer(cache, head());
    assertHolds(cache, head());
  });
});
