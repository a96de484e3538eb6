// What the content cache is asked on a sync's way to its transfer, and what it costs in git
// processes (engine/content.ts cacheCommits, cacheHoldsForTransfer; objects/pack.ts initCacheRepo):
// on this path each process blocks the sync 10–25 ms, so the database's files answer where they can
// (objects/objectFiles.ts). The cache here is a real bare repository whose
// ref a real `git fetch` wrote; git runs through a wrapper that logs every command it is given.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { nullLogger } from '../../src/core/logger';
import type { RemoteRepository } from '../../src/core/types';
import { GitContentFetcher } from '../../src/engine/content';
import { cacheRefCommit, initCacheRepo } from '../../src/engine/objects/pack';

const REPO: RemoteRepository = { host: 'github.com', owner: 'o', name: 'r', apiBaseUrl: 'http://127.0.0.1:1/api/v3', webUrl: 'http://127.0.0.1:1/o/r', cloneUrl: 'http://127.0.0.1:1/o/r.git', remoteName: 'origin' };
const CACHE_REF = 'refs/project-sync/head';

describe('the content cache answers what it holds with as few git processes as it can', () => {
  let root: string;
  let source: string;
  let first: string;
  let second: string;
  let gitLog: string;
  let loggingGit: string;
  const git = (args: string[], cwd?: string) => execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).toString().trim();
  /** The git commands the wrapper ran since the last call (the first argument after the options). */
  const ran = (): string[] => {
    const lines = readFileSync(gitLog, 'utf8').split('\n').filter(Boolean);
    writeFileSync(gitLog, '');
    return lines.map((l) => {
      const args = l.split('\x1f');
      return args.find((w, i) => !w.startsWith('-') && args[i - 1] !== '--git-dir' && args[i - 1] !== '-c') ?? l;
    });
  };
  /** A cache whose last transfer (a real fetch into its ref) brought the source's branch `branch`. */
  const cacheAt = async (name: string, branch: 'first' | 'second') => {
    const cache = path.join(root, name);
    await initCacheRepo(cache, 'git');
    git(['--git-dir', cache, 'fetch', '--quiet', '--no-tags', source, `+refs/heads/${branch}:${CACHE_REF}`]);
    return cache;
  };
  const fetcher = (cache: string, repository = REPO) => new GitContentFetcher({ repository, connector: undefined, workspaceGitDir: undefined, cacheGitDir: cache, gitPath: loggingGit, token: undefined, logger: nullLogger });

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ps-cacheq-'));
    source = path.join(root, 'source');
    git(['init', '--quiet', '-b', 'main', source]);
    writeFileSync(path.join(source, 'a.txt'), 'one\n');
    git(['add', '.'], source);
    git(['commit', '--quiet', '-m', 'one'], source);
    first = git(['rev-parse', 'HEAD'], source);
    git(['branch', 'first'], source);
    writeFileSync(path.join(source, 'a.txt'), 'two\n');
    git(['commit', '--quiet', '-am', 'two'], source);
    second = git(['rev-parse', 'HEAD'], source);
    git(['branch', 'second'], source);
    gitLog = path.join(root, 'git.log');
    writeFileSync(gitLog, '');
    loggingGit = path.join(root, 'logging-git');
    writeFileSync(loggingGit, `#!/bin/sh\nprintf '%s\\037' "$@" >> '${gitLog}'\necho >> '${gitLog}'\nexec git "$@"\n`);
    chmodSync(loggingGit, 0o755);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("a 1% sync's question before its transfer: the cache's ref names the base's commit, so no git process is asked", async () => {
    const cache = await cacheAt('at-base', 'first');
    const content = fetcher(cache);
    ran();
    assert.deepEqual(await content.cacheHoldsForTransfer(second, first), { commit: false, base: true });
    assert.deepEqual(ran(), [], 'neither rev-parse (opening the cache) nor cat-file (asking it) ran');
    // The ref proved nothing for later: asked whether it holds the base (to read from it), git answers.
    assert.ok(await content.cacheHasCommit(first));
    assert.deepEqual(ran(), [], 'answered from the pack index (objectFiles.ts), no git process');
  });

  it('a cache that lost its objects but kept its ref: git says what it holds (its blobs are not read from the cache alone)', async () => {
    const cache = await cacheAt('lost-packs', 'second');
    // Every object gone (a small fetch leaves loose ones, a large one a pack), the folders kept.
    for (const d of readdirSync(path.join(cache, 'objects'))) if (d !== 'info' && d !== 'pack') rmSync(path.join(cache, 'objects', d), { recursive: true });
    for (const f of readdirSync(path.join(cache, 'objects', 'pack'))) rmSync(path.join(cache, 'objects', 'pack', f));
    assert.equal(await cacheRefCommit(cache), second);
    const content = fetcher(cache);
    ran();
    assert.equal(await content.cacheHasCommit(second), false, 'not taken from the ref');
    assert.deepEqual(ran(), [], 'its files say so: no git process');
    // Before a transfer the ref answers (a wrong answer costs a transfer, not a wrong sync).
    assert.deepEqual(await content.cacheHoldsForTransfer('e'.repeat(40), second), { commit: false, base: true });
  });

  it('what a transfer brought is held afterwards: no git process asks for it', async () => {
    const cache = path.join(root, 'transferred');
    const content = fetcher(cache, { ...REPO, cloneUrl: pathToFileURL(source).href });
    await content.prefetch({ branch: 'second' });
    assert.ok(ran().includes('fetch'));
    assert.equal(await cacheRefCommit(cache), second);
    assert.ok(await content.cacheHasCommit(second));
    assert.deepEqual(ran(), []);
  });

  it('a ref naming another commit than the base: git is asked, and answers for both commits', async () => {
    const cache = await cacheAt('elsewhere', 'second');
    const content = fetcher(cache);
    ran();
    // The cache holds `second` (its ref) and also `first`, the parent the fetch brought with it.
    assert.deepEqual(await content.cacheHoldsForTransfer(first, 'f'.repeat(40)), { commit: true, base: false });
    assert.deepEqual(ran(), [], 'both answered from the database files');
    // A commit git said is held is not asked for again.
    assert.deepEqual(await content.cacheCommits([first]), new Set([first]));
    assert.deepEqual(ran(), []);
  });

  it('a cache this sync created holds nothing: no git process runs (its layout is written without `git init`), and git takes it for a repository', async () => {
    const content = fetcher(path.join(root, 'new-cache'));
    ran();
    assert.deepEqual(await content.cacheHoldsForTransfer(second, undefined), { commit: false, base: false });
    assert.deepEqual(await content.cacheCommits([first, second]), new Set());
    assert.deepEqual(ran(), []);
    const created = path.join(root, 'new-cache');
    assert.equal(git(['--git-dir', created, 'rev-parse', '--is-bare-repository']), 'true');
    git(['--git-dir', created, 'fetch', '--quiet', '--no-tags', source, `+refs/heads/first:${CACHE_REF}`]);
    assert.equal(git(['--git-dir', created, 'rev-parse', CACHE_REF]), first);
    git(['--git-dir', created, 'fsck', '--no-dangling']);
  });

  it('a ref that does not read as a sha proves nothing: git is asked', async () => {
    const cache = await cacheAt('garbled', 'first');
    writeFileSync(path.join(cache, ...CACHE_REF.split('/')), 'not a sha\n');
    assert.equal(await cacheRefCommit(cache), undefined);
    const content = fetcher(cache);
    ran();
    assert.deepEqual(await content.cacheHoldsForTransfer(second, first), { commit: false, base: true });
    assert.deepEqual(ran(), [], 'the database files answered');
  });

  it('a packed ref is read as a loose one', async () => {
    const cache = await cacheAt('packed', 'first');
    git(['--git-dir', cache, 'pack-refs', '--all']);
    assert.equal(await cacheRefCommit(cache), first);
  });

  it('a first sync transfers whatever the ref names only into a new cache, from a workspace that holds no object at all', async () => {
    const workspace = path.join(root, 'ws');
    git(['init', '--quiet', '-b', 'main', workspace]);
    git(['remote', 'add', 'origin', 'http://127.0.0.1:1/o/r.git'], workspace);
    const wsGit = path.join(workspace, '.git');
    const content = (cache: string, opts: { noWorkspace?: boolean; portable?: boolean } = {}) =>
      new GitContentFetcher({ repository: REPO, connector: undefined, workspaceGitDir: opts.noWorkspace ? undefined : wsGit, cacheGitDir: cache, gitPath: opts.portable ? undefined : 'git', token: undefined, logger: nullLogger });
    const fresh = path.join(root, 'no-cache-yet');
    assert.equal(await content(fresh).firstTransferCertain(), true, 'a `git init` with the remote added');
    assert.equal(await content(fresh, { noWorkspace: true }).firstTransferCertain(), true, 'no workspace');
    assert.equal(await content(fresh, { portable: true }).firstTransferCertain(), false, 'the portable path');
    assert.equal(await content(await cacheAt('some-cache', 'first')).firstTransferCertain(), false, 'a cache that may hold the commit');
    // One loose object: the workspace may hold the commit without a ref naming it (a branch made on
    // GitHub at a commit fetched under another name) — asked once the ref answers.
    const loose = git(['hash-object', '-w', '--stdin'], workspace);
    assert.equal(await content(fresh).firstTransferCertain(), false, 'a loose object');
    rmSync(path.join(wsGit, 'objects', loose.slice(0, 2)), { recursive: true });
    assert.equal(await content(fresh).firstTransferCertain(), true, 'gone again');
    git(['fetch', '--quiet', source, '+refs/heads/first:refs/remotes/origin/develop'], workspace);
    git(['repack', '-a', '-d', '-q'], workspace);
    assert.equal(await content(fresh).firstTransferCertain(), false, 'a pack (another branch fetched)');
    const borrowing = path.join(root, 'ws-alternates');
    git(['init', '--quiet', borrowing]);
    writeFileSync(path.join(borrowing, '.git', 'objects', 'info', 'alternates'), `${path.join(wsGit, 'objects')}\n`);
    assert.equal(
      await new GitContentFetcher({ repository: REPO, connector: undefined, workspaceGitDir: path.join(borrowing, '.git'), cacheGitDir: fresh, gitPath: 'git', token: undefined, logger: nullLogger }).firstTransferCertain(),
      false,
      'objects borrowed through alternates',
    );
  });

  it('an intact cache is opened without a git process; one git would not take for a repository is rebuilt', async () => {
    const cache = await cacheAt('opened', 'first');
    writeFileSync(gitLog, '');
    assert.equal(await initCacheRepo(cache, loggingGit), false, 'kept');
    assert.deepEqual(ran(), []);
    // Without its refs folder git refuses the folder (`not a git repository`), as the cache check does.
    rmSync(path.join(cache, 'refs'), { recursive: true, force: true });
    assert.throws(() => git(['--git-dir', cache, 'rev-parse', '--git-dir']), /not a git repository/);
    assert.equal(await initCacheRepo(cache, loggingGit), true, 'rebuilt');
    assert.deepEqual(ran(), [], 'rebuilt without `git init`');
    assert.equal(git(['--git-dir', cache, 'rev-parse', '--git-dir']), cache);
  });
});
