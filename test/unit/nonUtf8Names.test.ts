// Names that are not UTF-8 (issue 16): `caf\xe8.txt` and `caf\xe9.txt` are two files, not one
// `caf\ufffd.txt`. Through the CLI against the GitHub-compatible server, on the git path (its
// workspace objects, a pack into the cache, and a REST tree whose names GitHub cannot carry) and on
// the portable path. The product's lossless form of byte 0xE8 is the lone surrogate U+DCE8.
import assert from 'node:assert/strict';
import { nullLogger } from '../../src/core/logger';
import { createEngine } from '../../src/engine';
import { runGit } from '../support/git';
import { commitChanges } from '../support/repos';
import { bareWorkspace, cli, Fixture, json, last, type CliRun } from './support/cliHarness';

const E8 = 'caf\udce8.txt';
const E9 = 'caf\udce9.txt';
/** A folder whose name is not UTF-8 either. */
const INNER = 'd\udce8/inner.txt';
const ALL = ['README.md', E8, E9, INNER].sort();
const ENV = { PROJECT_SYNC_TIMEOUT_MS: '5000', PROJECT_SYNC_RETRY_BASE_MS: '5' };

type FileJson = { path: string; blobSha: string; mode: string; size: number | null };
type MemoryJson = { path: string; blobSha: string; supersededBySyncId: string | null };
type SyncJson = { id: string; status: string; stats: { files: number; added: number; modified: number; removed: number; contentFiles: number } };

function result(run: CliRun): SyncJson {
  const l = last(run);
  assert.equal(l.type, 'result', `expected a result: ${run.stdout.slice(-2000)} ${run.stderr}`);
  return l.sync as SyncJson;
}

/** `git ls-tree` of the served repository with names as raw bytes (hex), to check the fixture itself. */
async function rawNames(bareDir: string): Promise<string[]> {
  const out = await runGit(['--git-dir', bareDir, 'ls-tree', '-r', '-z', '--name-only', 'main']);
  return out.toString('latin1').split('\0').filter(Boolean).map((n) => Buffer.from(n, 'latin1').toString('hex'));
}

/**
 * `rest`: which syncs list the tree by REST, get U+FFFD names back, and must list it from git objects
 * instead; `pack`: whether the first sync needs a pack (else the workspace's objects serve).
 */
const variants: Array<{ title: string; env: NodeJS.ProcessEnv; bare: boolean; rest: { first: boolean; second: boolean }; pack: boolean }> = [
  // The first sync lists the workspace's objects; the second asks REST (the cache lacks the base commit).
  { title: 'git path, cloned workspace', env: {}, bare: false, rest: { first: false, second: true }, pack: false },
  // A pack into the cache and `ls-tree`, then `diff-tree` there.
  { title: 'git path, no local objects', env: {}, bare: true, rest: { first: false, second: false }, pack: true },
  // isomorphic-git: a first sync lists the tree by REST and falls back to raw tree objects from a
  // pack; the second compares raw trees in the cache (which holds the base commit), as git's diff-tree.
  { title: 'portable path (PROJECT_SYNC_GIT=none)', env: { PROJECT_SYNC_GIT: 'none' }, bare: true, rest: { first: true, second: false }, pack: true },
  // The first tree read from the workspace's own objects (no pack); the second by REST (the cache lacks the base commit).
  { title: 'portable path, cloned workspace', env: { PROJECT_SYNC_GIT: 'none' }, bare: false, rest: { first: true, second: true }, pack: false },
];

const FALLBACK = /names that are not UTF-8, which REST cannot carry/;

for (const variant of variants) {
  describe(`names that are not UTF-8 through the CLI: ${variant.title}`, function () {
    this.timeout(120_000);
    let fx: Fixture;
    let ws: { dir: string; cleanup(): Promise<void> } | undefined;

    before(async () => {
      fx = await Fixture.create({ [E8]: 'e8 first\n', [E9]: 'e9 only\n', [INNER]: 'inner\n', 'README.md': '# Readme\n' });
      if (variant.bare) ws = await bareWorkspace(fx.server, 'octo', 'repo');
    });
    after(async () => {
      await ws?.cleanup();
      await fx?.dispose();
    });

    const workdir = () => ws?.dir ?? fx.workspace.dir;
    const sync = () => cli(['sync', '--repo', workdir(), '--storage', fx.storage, '--json'], { ...ENV, ...variant.env, PROJECT_SYNC_LOG: 'info' });
    const files = async () => json<FileJson[]>(await cli(['files', '--storage', fx.storage, '--json'], variant.env));
    const memory = async () => json<MemoryJson[]>(await cli(['memory', '--storage', fx.storage, '--json'], variant.env));

    async function readBack(path: string): Promise<string | undefined> {
      const engine = await createEngine({ storageDir: fx.storage, logger: nullLogger, ...(variant.env.PROJECT_SYNC_GIT ? { gitPath: variant.env.PROJECT_SYNC_GIT } : {}) });
      try {
        await engine.resolveRemote(workdir());
        const id = engine.store.activeSync()?.id as string;
        const bytes = await engine.readFile(id, path);
        // What the API hands out is the blob's bytes alone, not a view of a larger buffer.
        assert.ok(bytes === undefined || (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength), 'the bytes are the blob\'s alone');
        return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
      } finally {
        await engine.close();
      }
    }

    it('the fixture holds the raw bytes caf\\xe8.txt and caf\\xe9.txt', async () => {
      const names = await rawNames(fx.repo.bareDir);
      assert.ok(names.includes(Buffer.from('caf\xe8.txt', 'latin1').toString('hex')), names.join(' '));
      assert.ok(names.includes(Buffer.from('caf\xe9.txt', 'latin1').toString('hex')), names.join(' '));
    });

    it('a first sync keeps both names apart, each with its own content and memory entry', async () => {
      fx.server.clearRequests();
      const run = await sync();
      assert.equal(fx.server.requests.some((r) => r.path.includes('git-upload-pack')), variant.pack, 'a pack only without local objects');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const first = result(run);
      assert.equal(first.status, 'completed');
      assert.equal(first.stats.files, 4);
      assert.equal(FALLBACK.test(run.stderr), variant.rest.first, `REST tree answer replaced by git objects: ${run.stderr}`);
      const listed = await files();
      assert.deepEqual(listed.map((f) => f.path).sort(), ALL, 'both names, lossless, in files --json');
      const entries = await memory();
      const e8 = entries.find((m) => m.path === E8);
      const e9 = entries.find((m) => m.path === E9);
      assert.ok(e8 && e9, `a memory entry for each: ${JSON.stringify(entries.map((m) => m.path))}`);
      assert.notEqual(e8.blobSha, e9.blobSha);
      assert.equal(await readBack(E8), 'e8 first\n');
      assert.equal(await readBack(E9), 'e9 only\n');
      assert.equal(await readBack(INNER), 'inner\n');
    });

    it('human output shows the bytes escaped (\\xe8, \\xe9), one line each', async () => {
      const run = await cli(['files', '--storage', fx.storage], variant.env);
      assert.equal(run.code, 0);
      assert.ok(run.stdout.includes('caf\\xe8.txt') && run.stdout.includes('caf\\xe9.txt'), run.stdout);
      assert.doesNotMatch(run.stdout, /[\ud800-\udfff\ufffd]/, 'no surrogate or replacement character reaches the terminal');
      const mem = await cli(['memory', '--storage', fx.storage], variant.env);
      assert.ok(mem.stdout.includes('caf\\xe8.txt'), mem.stdout);
    });

    it('an incremental sync that changes one of them reports exactly that one as modified', async () => {
      const before = await files();
      await commitChanges(fx.repo, { [E8]: 'e8 second\n' });
      const run = await sync();
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const second = result(run);
      assert.deepEqual([second.stats.files, second.stats.added, second.stats.modified, second.stats.removed], [4, 0, 1, 0], JSON.stringify(second.stats));
      assert.equal(FALLBACK.test(run.stderr), variant.rest.second, `REST tree answer replaced by git objects: ${run.stderr}`);
      const after = await files();
      const sha = (list: FileJson[], p: string) => list.find((f) => f.path === p)?.blobSha;
      assert.notEqual(sha(after, E8), sha(before, E8), 'caf\\xe8.txt changed');
      assert.equal(sha(after, E9), sha(before, E9), 'caf\\xe9.txt did not');
      assert.equal(sha(after, 'README.md'), sha(before, 'README.md'));
      const active = (await memory()).filter((m) => !m.supersededBySyncId);
      assert.equal(active.find((m) => m.path === E8)?.blobSha, sha(after, E8));
      assert.equal(active.find((m) => m.path === E9)?.blobSha, sha(after, E9));
      assert.equal(await readBack(E8), 'e8 second\n');
      assert.equal(await readBack(E9), 'e9 only\n');
    });

    it('a no-change resync and a reload of the store keep both names', async () => {
      const run = await sync();
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(result(run).stats.modified, 0);
      const history = json<SyncJson[]>(await cli(['history', '--storage', fx.storage, '--json'], variant.env));
      assert.deepEqual(history.map((h) => h.status), ['completed', 'completed', 'completed']);
      assert.deepEqual((await files()).map((f) => f.path).sort(), ALL);
    });
  });
}
