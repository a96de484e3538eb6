// The portable path (isomorphic-git) never walks history: a head that merges a long side branch
// is fetched at depth 1 with the cache's head as a `have`, so only what is new crosses the wire
// (as `git fetch --depth 1` into the same cache would), and the private object cache stays about
// one shallow clone in size.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGit } from '../support/git';
import { commitChanges, createBranch, lsTree, type FileSpec } from '../support/repos';
import { bareWorkspace, cli, Fixture, json, last } from './support/cliHarness';

/** Incompressible enough that a whole-tree pack and a pack of what is new differ plainly in size. */
function noise(seed: string, bytes: number): string {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += createHash('sha256').update(`${seed}/${i}`).digest('hex');
  return out.slice(0, bytes);
}

const files: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`src/m${i}.ts`, `export const m${i} = '${noise(`m${i}`, 1500)}';\n`]));

function packKb(gitDir: string): number {
  const out = execFileSync('git', ['--git-dir', gitDir, 'count-objects', '-v'], { encoding: 'utf8' });
  const m = /size-pack: (\d+)/.exec(out);
  return Number(m?.[1] ?? 0) + Number(/size: (\d+)/.exec(out)?.[1] ?? 0);
}

function commitsIn(gitDir: string): number {
  const types = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'], { encoding: 'utf8' });
  return types.split('\n').filter((t) => t === 'commit').length;
}

describe('portable path: a merge of a long side branch', function () {
  this.timeout(120_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  let tmp: string;
  const env = { PROJECT_SYNC_GIT: 'none' };
  const sync = () => cli(['sync', '--repo', ws.dir, '--storage', fx.storage, '--branch', 'main', '--json'], env);
  const cache = () => path.join(fx.storage, 'objects.git');
  /** Response bytes of the git (smart HTTP) requests the server answered from `from` on. */
  const gitBytes = (from: number) => fx.server.requests.slice(from).filter((r) => r.kind === 'git').reduce((n, r) => n + r.bytes, 0);
  let merged: { run: Awaited<ReturnType<typeof sync>>; bytes: number; depthOneBytes: number; wholeTreeBytes: number };

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-pmerge-'));
    fx = await Fixture.create(files, { branch: 'main' });
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
    const first = await sync();
    assert.equal(first.code, 0, first.stderr);
    await createBranch(fx.repo, 'side', 'main');
    for (let k = 0; k < 90; k++) {
      const changes: Record<string, string> = {};
      for (let j = 0; j < 3; j++) changes[`side/f${(k * 3 + j) % 80}.ts`] = `export const s = '${k}-${j}-${'y'.repeat(300)}';\n`;
      await commitChanges(fx.repo, changes, { branch: 'side', message: `side ${k}` });
    }
    await commitChanges(fx.repo, { 'src/m0.ts': 'export const m0 = 0;\n' }, { branch: 'main' });
    const sideFiles = Object.fromEntries((await lsTree(fx.repo.bareDir, 'side')).filter((f) => f.path.startsWith('side/')).map((f) => [f.path, execFileSync('git', ['--git-dir', fx.repo.bareDir, 'cat-file', 'blob', f.sha], { encoding: 'utf8' })]));
    await commitChanges(fx.repo, sideFiles, { branch: 'main', merge: 'side', message: 'Merge side' });

    // What git itself moves for this merge: `git fetch --depth 1` into a copy of the cache as it is now.
    // Async git: the server answering it runs in this process.
    const copy = path.join(tmp, 'copy.git');
    cpSync(cache(), copy, { recursive: true });
    let from = fx.server.requests.length;
    await runGit(['--git-dir', copy, 'fetch', '--quiet', '--no-tags', '--depth', '1', `${fx.server.url}/octo/repo.git`, '+refs/heads/main:refs/project-sync/head']);
    const depthOneBytes = gitBytes(from);
    // And what a depth-1 fetch with nothing to start from moves: the whole tree.
    from = fx.server.requests.length;
    await runGit(['clone', '--quiet', '--bare', '--depth', '1', '--branch', 'main', `${fx.server.url}/octo/repo.git`, path.join(tmp, 'clone.git')]);
    const wholeTreeBytes = gitBytes(from);

    from = fx.server.requests.length;
    const run = await sync();
    assert.equal(run.code, 0, run.stderr);
    merged = { run, bytes: gitBytes(from), depthOneBytes, wholeTreeBytes };
  });
  after(async () => {
    await ws.cleanup();
    await fx.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('transfers no more than `git fetch --depth 1` into the same cache would: only the merge, its new trees and blobs', () => {
    const { bytes, depthOneBytes, wholeTreeBytes } = merged;
    assert.ok(depthOneBytes * 3 < wholeTreeBytes, `the fixture tells a thin fetch (${depthOneBytes} B) from a whole tree (${wholeTreeBytes} B)`);
    // Protocol v1 (isomorphic-git) and v2 (git) differ by a few hundred bytes of ref advertisement.
    assert.ok(bytes <= depthOneBytes * 1.1 + 2048, `the portable sync moved ${bytes} B; git fetch --depth 1 into the same cache ${depthOneBytes} B (a whole tree: ${wholeTreeBytes} B)`);
  });

  it('stores exactly the merge’s tree and the memory of every file in it', async () => {
    const rec = last(merged.run).sync as { stats: { added: number; modified: number; contentSource: string } };
    assert.equal(rec.stats.added, 80, 'more than the REST blob limit: the content comes as a pack');
    assert.equal(rec.stats.modified, 1);
    assert.match(rec.stats.contentSource, /pack/);
    const listed = json<Array<{ path: string; blobSha: string; mode: string }>>(await cli(['files', '--storage', fx.storage, '--json']));
    const expected = await lsTree(fx.repo.bareDir, 'main');
    assert.deepEqual(listed.map((f) => `${f.mode} ${f.blobSha} ${f.path}`).sort(), expected.map((f) => `${f.mode} ${f.sha} ${f.path}`).sort());
    const memory = json<{ path: string; summary: string }[]>(await cli(['memory', '--storage', fx.storage, '--json']));
    assert.deepEqual(memory.map((m) => m.path).sort(), expected.map((f) => f.path).sort(), 'one memory entry per file of the merge');
    const side = memory.find((m) => m.path === 'side/f0.ts');
    assert.ok(side, 'a side-branch file has its memory entry');
  });

  it('keeps no side-branch history, and the cache near one shallow clone', async () => {
    const commits = commitsIn(cache());
    assert.ok(commits <= 3, `the cache holds ${commits} commits: no side-branch history`);
    const clone = packKb(path.join(tmp, 'clone.git'));
    const ours = packKb(cache());
    assert.ok(ours <= clone * 1.5 + 8, `object cache ${ours} KB vs a depth-1 clone ${clone} KB`);
  });
});

/** Files much alike (a shared body), so git's packs hold deltas (OFS_DELTA) that compaction must carry over. */
const shared = noise('shared', 3000);
const alike = (i: number, edits: number) => `export const m${i} = '${noise(`m${i}`, 300)}';\n// ${shared}\n${Array.from({ length: edits }, (_, k) => `// edit ${k}\n`).join('')}`;
const many: Record<string, FileSpec> = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`src/m${i}.ts`, alike(i, 0)]));

function packsIn(gitDir: string): { packs: number; deltas: number } {
  const idx = readdirSync(path.join(gitDir, 'objects', 'pack')).filter((n) => n.endsWith('.idx'));
  let deltas = 0;
  for (const name of idx) {
    const out = execFileSync('git', ['verify-pack', '-v', path.join(gitDir, 'objects', 'pack', name)], { encoding: 'utf8' });
    deltas += out.split('\n').filter((l) => /^[0-9a-f]{40}\s+\w+\s+\d+\s+\d+\s+\d+\s+\d+\s+[0-9a-f]{40}$/.test(l)).length;
  }
  return { packs: idx.length, deltas };
}

describe('portable path: the object cache over many syncs', function () {
  this.timeout(180_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  let tmp: string;
  const env = { PROJECT_SYNC_GIT: 'none' };
  const sync = () => cli(['sync', '--repo', ws.dir, '--storage', fx.storage, '--branch', 'main', '--json'], env);

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ps-pcache-'));
    fx = await Fixture.create(many, { branch: 'main' });
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
  });
  after(async () => {
    await ws.cleanup();
    await fx.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('stays within 1.5× of a depth-1 clone: thin packs pile up, then are compacted into one git can read, deltas kept', async () => {
    const cache = path.join(fx.storage, 'objects.git');
    const first = await sync();
    assert.equal(first.code, 0, first.stderr);
    const seen: { packs: number; deltas: number }[] = [];
    for (let round = 1; round <= 6; round++) {
      // More than the REST blob limit changes, so each sync fetches a pack: first 60 files rewritten
      // (new blobs pile up as packs), then 150 edited a little (thin packs of deltas on old versions).
      const changes = Object.fromEntries(
        round <= 3
          ? Array.from({ length: 60 }, (_, j) => [`src/m${round * 60 + j}.ts`, `export const m = '${noise(`r${round}/${j}`, 1500)}';\n`])
          : Array.from({ length: 150 }, (_, j) => [`src/m${j}.ts`, alike(j, round)]),
      );
      await commitChanges(fx.repo, changes, { branch: 'main', message: `round ${round}` });
      const run = await sync();
      assert.equal(run.code, 0, run.stderr);
      // git reads every pack as we leave it (thin packs made whole, compacted ones): verify-pack checks
      // each entry against the index we wrote (CRC-32, offsets), fsck every object.
      seen.push(packsIn(cache));
      await runGit(['--git-dir', cache, 'fsck', '--no-dangling']);
      const clone = path.join(tmp, `clone${round}.git`);
      await runGit(['clone', '--quiet', '--bare', '--depth', '1', '--branch', 'main', `${fx.server.url}/octo/repo.git`, clone]);
      assert.ok(packKb(cache) <= packKb(clone) * 1.5 + 8, `after sync ${round}: object cache ${packKb(cache)} KB vs a depth-1 clone ${packKb(clone)} KB (packs: ${JSON.stringify(seen)})`);
      assert.ok(commitsIn(cache) <= 3, `after sync ${round}: ${commitsIn(cache)} commits in the cache`);
    }
    const piled = seen.findIndex((s) => s.packs > 1);
    assert.ok(piled !== -1, `thin packs stay on top of the older ones (packs: ${JSON.stringify(seen)})`);
    assert.ok(seen.slice(piled).some((s) => s.packs === 1), `and are compacted (packs: ${JSON.stringify(seen)})`);
    assert.ok(seen.at(-1)!.deltas > 0, "the compacted pack keeps git's deltas");
    const listed = json<Array<{ path: string; blobSha: string; mode: string }>>(await cli(['files', '--storage', fx.storage, '--json']));
    const expected = await lsTree(fx.repo.bareDir, 'main');
    assert.deepEqual(listed.map((f) => `${f.mode} ${f.blobSha} ${f.path}`).sort(), expected.map((f) => `${f.mode} ${f.sha} ${f.path}`).sort());
  });
});

describe('portable path: syncs alternating between branches', function () {
  this.timeout(180_000);
  let fx: Fixture;
  let ws: { dir: string; cleanup(): Promise<void> };
  const env = { PROJECT_SYNC_GIT: 'none' };
  const sync = (branch: string) => cli(['sync', '--repo', ws.dir, '--storage', fx.storage, '--branch', branch, '--json'], env);

  before(async () => {
    fx = await Fixture.create(many, { branch: 'main' });
    ws = await bareWorkspace(fx.server, 'octo', 'repo');
  });
  after(async () => {
    await ws.cleanup();
    await fx.dispose();
  });

  it("stores each branch's tree exactly, whichever branch's head the cache's `have` is, and keeps a cache git reads", async () => {
    const cache = path.join(fx.storage, 'objects.git');
    assert.equal((await sync('main')).code, 0);
    await createBranch(fx.repo, 'feature', 'main');
    for (let round = 1; round <= 3; round++) {
      for (const branch of ['feature', 'main']) {
        const changes = Object.fromEntries(Array.from({ length: 70 }, (_, j) => [`src/m${(round * 150 + j + (branch === 'main' ? 75 : 0)) % 600}.ts`, alike(j, round * 10 + (branch === 'main' ? 1 : 2))]));
        await commitChanges(fx.repo, changes, { branch, message: `${branch} ${round}` });
        const run = await sync(branch);
        assert.equal(run.code, 0, run.stderr);
        const listed = json<Array<{ path: string; blobSha: string; mode: string }>>(await cli(['files', '--storage', fx.storage, '--json']));
        const expected = await lsTree(fx.repo.bareDir, branch);
        assert.deepEqual(listed.map((f) => `${f.mode} ${f.blobSha} ${f.path}`).sort(), expected.map((f) => `${f.mode} ${f.sha} ${f.path}`).sort(), `${branch}, round ${round}`);
        const memory = json<{ path: string; blobSha: string }[]>(await cli(['memory', '--storage', fx.storage, '--json']));
        const shas = new Map(expected.map((f) => [f.path, f.sha]));
        assert.ok(memory.every((m) => shas.get(m.path) === m.blobSha), `${branch}, round ${round}: the memory is of this tree`);
        assert.equal(memory.length, expected.length, `${branch}, round ${round}: one memory entry per file`);
        packsIn(cache);
        await runGit(['--git-dir', cache, 'fsck', '--no-dangling']);
      }
    }
  });
});
