// dist/cli.js loads its heavy parts on first use (scripts/engineSplit.mjs): a no-change resync never
// loads the memory's analysis or search engine, a sync with content and a memory query do, and the
// answers are the same as ever. Observed on the built CLI as a user runs it, through NODE_DEBUG=module
// (Node's own report of every module it loads).
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { extractFacts } from '../../src/core/memory';
import { nullLogger } from '../../src/core/logger';
import type { MemoryEntry } from '../../src/core/types';
import { openHistoryStore } from '../../src/storage';
import { offThread } from '../../src/storage/searchIndexBuild';
import { distCli } from './support/distCli';
import { Fixture } from './support/cliHarness';
import { commitChanges } from '../support/repos';

const loaded = (stderr: string): string[] => [...new Set([...stderr.matchAll(/load "?[^"\n]*[\\/](memoryAnalysis|memorySearch|undici|isomorphicGit)\.js/g)].map((m) => m[1] as string))].sort();
const workerStarted = (stderr: string): boolean => /load "?[^"\n]*[\\/]memoryWorker\.js/.test(stderr);

describe('project-sync loads its heavy parts on first use', function () {
  this.timeout(120_000);
  let fx: Fixture;
  before(async () => {
    fx = await Fixture.create({
      'src/router.ts': 'export function createRouter(): void {}\nexport class RouteTable {}\n',
      'README.md': '# Demo\n\nA small demo repository.\n',
    });
  });
  after(() => fx.dispose());

  const run = (args: string[]) => distCli(args, { NODE_DEBUG: 'module' });

  it('a first sync loads the analysis only; a memory query the search engine; a no-change resync neither', async () => {
    const sync = ['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'main', '--json'];
    const first = await run(sync);
    assert.equal(first.code, 0, first.stderr.slice(-2000));
    assert.deepEqual(loaded(first.stderr), ['memoryAnalysis']);

    const query = await run(['memory', '--storage', fx.storage, '--query', 'router', '--json']);
    assert.equal(query.code, 0, query.stderr.slice(-2000));
    assert.equal((JSON.parse(query.stdout) as { path: string; symbols: string[] }[])[0]?.path, 'src/router.ts');
    assert.deepEqual(loaded(query.stderr), ['memorySearch']);

    const again = await run(sync);
    assert.equal(again.code, 0, again.stderr.slice(-2000));
    assert.equal((again.lines.at(-1) as { sync: { stats: { added: number; modified: number } } }).sync.stats.modified, 0);
    assert.deepEqual(loaded(again.stderr), [], 'a no-change resync loads none of them');
  });

  it('the git path never loads isomorphic-git, a change or not; the portable path loads it and records the same snapshot', async () => {
    const portableStorage = `${fx.storage}-portable`;
    await commitChanges(fx.repo, { 'src/router.ts': 'export function createRouter(): void {}\nexport function mountRoute(): void {}\n', 'lib/new.py': 'def brand_new():\n    pass\n' });
    const changed = await run(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'main', '--json']);
    assert.equal(changed.code, 0, changed.stderr.slice(-2000));
    const stats = (changed.lines.at(-1) as { sync: { stats: { added: number; modified: number } } }).sync.stats;
    assert.deepEqual([stats.added, stats.modified], [1, 1], 'a sync that fetched and read a change');
    assert.ok(loaded(changed.stderr).includes('memoryAnalysis') && !loaded(changed.stderr).includes('isomorphicGit'), loaded(changed.stderr).join());
    const portable = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', portableStorage, '--branch', 'main', '--json'], { NODE_DEBUG: 'module', PROJECT_SYNC_GIT: 'none' });
    try {
      assert.equal(portable.code, 0, portable.stderr.slice(-2000));
      assert.ok(loaded(portable.stderr).includes('isomorphicGit'), 'the portable path runs isomorphic-git from its own file');
      const files = async (storage: string) => {
        const store = await openHistoryStore(storage, { logger: nullLogger });
        try {
          const head = store.activeSync();
          assert.ok(head);
          return (await store.readFiles(head.id)).map((f) => `${f.path} ${f.blobSha}`);
        } finally {
          await store.close();
        }
      };
      assert.deepEqual(await files(portableStorage), await files(fx.storage));
    } finally {
      rmSync(portableStorage, { recursive: true, force: true });
    }
  });

  it("a resync reaches GitHub without loading Node's bundled undici (its Headers and Response cost every command about 0.04 s), nor TLS for an http server, nor zlib or worker threads", async () => {
    // Node's own list of the internal modules it loaded, printed as the process exits.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-probe-'));
    try {
      const probe = path.join(dir, 'probe.js');
      writeFileSync(probe, "process.on('exit', () => process.stderr.write('internal undici loaded: ' + process.moduleLoadList.some((m) => /internal\\/deps\\/undici/.test(m)) + '\\n' + 'https loaded: ' + process.moduleLoadList.includes('NativeModule https') + '\\n' + 'zlib or worker_threads loaded: ' + process.moduleLoadList.some((m) => m === 'NativeModule zlib' || m === 'NativeModule worker_threads') + '\\n'));\n");
      const sync = ['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'main', '--json'];
      const r = await distCli(sync, { NODE_OPTIONS: `--require ${probe}` });
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      assert.ok(fx.server.requests.length > 0, 'it asked the server');
      assert.match(r.stderr, /internal undici loaded: false/);
      // The fixture's server is plain http: node:https (and tls under it) loads on the first https request only.
      assert.match(r.stderr, /https loaded: false/);
      // Nor node:zlib or node:worker_threads (about 3 ms each): a no-change resync decompresses nothing and starts no thread.
      assert.match(r.stderr, /zlib or worker_threads loaded: false/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A copy of `storage` without memory.index, queried in this process with the index built on this thread: the answer and the file written. */
async function indexedHere(storage: string, query: string, limit: number): Promise<{ answer: MemoryEntry[]; file: Buffer }> {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'ps-index-here-'));
  const usual = offThread.minMemoryBytes;
  try {
    cpSync(storage, copy, { recursive: true });
    rmSync(path.join(copy, 'memory.index'), { force: true });
    offThread.minMemoryBytes = Number.MAX_SAFE_INTEGER;
    const store = await openHistoryStore(copy, { logger: nullLogger });
    const answer = await store.memory({ query, limit });
    await store.close();
    return { answer, file: readFileSync(path.join(copy, 'memory.index')) };
  } finally {
    offThread.minMemoryBytes = usual;
    rmSync(copy, { recursive: true, force: true });
  }
}

describe('project-sync analyses a large change in worker threads', function () {
  this.timeout(180_000);
  let fx: Fixture;
  // Over the engine's threshold (2,000 changed files): varied real-looking sources, so the facts differ per file.
  const files: Record<string, string> = {};
  for (let i = 0; i < 2_200; i++) {
    const dir = `packages/pkg${i % 37}/src/${['api', 'ui', 'core', 'util'][i % 4]}`;
    if (i % 3 === 0) files[`${dir}/module${i}.ts`] = `/** Handles request ${i}. */\nexport function handleRequest${i}(input: string): string {\n  return input;\n}\nexport class Service${i} {}\n`;
    else if (i % 3 === 1) files[`${dir}/notes${i}.md`] = `# Notes ${i}\n\nHow the ${i}th part of the system fits together.\n\n## Details\n`;
    else files[`${dir}/tool${i}.py`] = `"""Tool number ${i}: converts things."""\n\ndef convert_${i}(value):\n    return value\n\nclass Converter${i}:\n    pass\n`;
  }
  before(async () => {
    fx = await Fixture.create(files);
  });
  after(() => fx.dispose());

  it('starts a worker for a first sync of 2,200 files, and its memory is exactly what the extractor says of each file', async () => {
    // One worker asked for: on two cores (CI) the default is none (memoryWorkersFor).
    const first = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'main', '--json'], { NODE_DEBUG: 'module', PROJECT_SYNC_THREADS: '1' });
    assert.equal(first.code, 0, first.stderr.slice(-2000));
    assert.ok(workerStarted(first.stderr), 'the facts were computed in a worker thread');
    const listed = await distCli(['memory', '--storage', fx.storage, '--json']);
    const entries = JSON.parse(listed.stdout) as MemoryEntry[];
    assert.equal(entries.length, 2_200);
    for (const e of entries) {
      const content = new TextEncoder().encode(files[e.path] as string);
      const expected = extractFacts({ path: e.path, blobSha: e.blobSha, mode: '100644', size: content.length, content, maxFileSize: 1 << 20 });
      assert.deepEqual({ language: e.language, lines: e.lines, symbols: e.symbols, summary: e.summary }, { language: expected?.language, lines: expected?.lines, symbols: expected?.symbols, summary: expected?.summary }, e.path);
    }
  });

  it('with PROJECT_SYNC_THREADS=0 the same first sync starts no worker and its memory is the same, entry for entry', async () => {
    const storage = `${fx.storage}-threads0`;
    try {
      const first = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--branch', 'main', '--json'], { NODE_DEBUG: 'module', PROJECT_SYNC_THREADS: '0', PROJECT_SYNC_LOG: 'info' });
      assert.equal(first.code, 0, first.stderr.slice(-2000));
      assert.ok(!workerStarted(first.stderr), 'no worker thread');
      assert.match(first.stderr, /memory facts of 2200 file\(s\) on this thread/);
      const here = JSON.parse((await distCli(['memory', '--storage', storage, '--json'])).stdout) as MemoryEntry[];
      const inWorker = JSON.parse((await distCli(['memory', '--storage', fx.storage, '--json'])).stdout) as MemoryEntry[];
      const facts = (list: MemoryEntry[]) => list.map(({ introducedBySyncId: _, supersededBySyncId: __, ...f }) => f);
      assert.equal(here.length, 2_200);
      assert.deepEqual(facts(here), facts(inWorker));
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
  });

  it("builds the search index of a large memory in a worker thread on the first query, with the answers of an index built on the main thread", async () => {
    const memoryBytes = readdirSync(path.join(fx.storage, 'memory')).reduce((n, f) => n + statSync(path.join(fx.storage, 'memory', f)).size, 0);
    assert.ok(memoryBytes >= offThread.minMemoryBytes, `${memoryBytes} bytes of memory files: under the worker's threshold`);
    const query = await distCli(['memory', '--storage', fx.storage, '--query', 'handle request convert', '--limit', '30', '--json'], { NODE_DEBUG: 'module' });
    assert.equal(query.code, 0, query.stderr.slice(-2000));
    assert.match(query.stderr, /load "?[^"\n]*[\\/]memoryIndexWorker\.js/, 'the index was built in its worker');
    assert.ok(existsSync(path.join(fx.storage, 'memory.index')), 'and written for the next process');
    const here = await indexedHere(fx.storage, 'handle request convert', 30);
    assert.deepEqual(JSON.parse(query.stdout), here.answer);
    assert.deepEqual(readFileSync(path.join(fx.storage, 'memory.index')), here.file);
  });

  it('after a large change, a query answers, then folds the change into memory.index in a worker thread before the CLI exits', async () => {
    const changes: Record<string, string> = {};
    for (const p of Object.keys(files).filter((p) => p.endsWith('.ts') || p.endsWith('.py'))) changes[p] = `${files[p] as string}\n# changed\n`;
    assert.ok(Object.keys(changes).length > 1_000, 'past the rewrite threshold (1,000 changes)');
    await commitChanges(fx.repo, changes);
    const synced = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', fx.storage, '--branch', 'main', '--json']);
    assert.equal(synced.code, 0, synced.stderr.slice(-2000));
    const before = readFileSync(path.join(fx.storage, 'memory.index'));
    const query = await distCli(['memory', '--storage', fx.storage, '--query', 'handle request convert', '--limit', '30', '--json'], { NODE_DEBUG: 'module' });
    assert.equal(query.code, 0, query.stderr.slice(-2000));
    assert.match(query.stderr, /load "?[^"\n]*[\\/]memoryIndexWorker\.js/, 'folded in its worker');
    const written = readFileSync(path.join(fx.storage, 'memory.index'));
    assert.notDeepEqual(written, before, 'rewritten before the CLI exited');
    const here = await indexedHere(fx.storage, 'handle request convert', 30);
    assert.deepEqual(JSON.parse(query.stdout), here.answer);
    assert.deepEqual(written, here.file, 'the file a build from scratch writes');
  });

  it('a worker that cannot start (its bundle missing) costs nothing but time: the files are analysed on the main thread, the sync never hangs', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ps-noworker-'));
    try {
      const { chunkBuilds, chunkSplit } = await import('../../scripts/engineSplit.mjs');
      const base = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', logLevel: 'silent' as const, external: ['vscode'] };
      await esbuild.build({ ...base, entryPoints: ['src/cli/bin.ts'], outfile: path.join(dir, 'cli.js'), plugins: [chunkSplit()] });
      for (const c of chunkBuilds(process.cwd(), dir, base)) await esbuild.build(c);
      const storage = path.join(dir, 'storage');
      const run = await distCli(['sync', '--repo', fx.workspace.dir, '--storage', storage, '--branch', 'main', '--json'], { PROJECT_SYNC_LOG: 'debug', PROJECT_SYNC_THREADS: '1' }, 120_000, path.join(dir, 'cli.js'));
      assert.equal(run.hung, false, 'the sync ended');
      assert.equal(run.code, 0, `${run.stdout.slice(-1500)}\n${run.stderr.slice(-500)}`);
      assert.equal(run.stderr.match(/memory worker failed .*analysing on this thread/g)?.length, 1, 'said once');
      const listed = await distCli(['memory', '--storage', storage, '--json'], {}, 60_000, path.join(dir, 'cli.js'));
      assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 2_200);
      // Nor its search index's worker: the first query builds the index on the main thread.
      const query = await distCli(['memory', '--storage', storage, '--query', 'handle request', '--json'], { PROJECT_SYNC_LOG: 'debug' }, 60_000, path.join(dir, 'cli.js'));
      assert.equal(query.code, 0, query.stderr.slice(-1500));
      assert.match(query.stderr, /index worker .*built on this thread/);
      assert.ok((JSON.parse(query.stdout) as unknown[]).length > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
