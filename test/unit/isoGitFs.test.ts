// The portable path's shared reader of an object database (isoGitFs.ts): what it memoizes of the
// cache repository's files (the pack listing, the loose objects present) is forgotten when the
// database changes, so a pack or a loose object added between two reads is seen by the second.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { IsoGitRepo } from '../../src/engine/objects/isoGitFs';
import { IsoGitStore } from '../../src/engine/objects/isoGitStore';
import { blobSha, writeLooseBlob } from '../../src/engine/objects/store';
import { runGit } from '../support/git';
import { commitChanges, createTestRepo } from '../support/repos';

/** A text that changes a little with `n` (so that git stores its versions as deltas). */
const lines = (n: number) => Array.from({ length: 400 }, (_, i) => `line ${i} ${i % 37 === n % 37 ? `changed ${n}` : 'same'}\n`).join('');

/** A pack of `contents` written into `gitDir` by git itself; their shas. */
async function addPack(gitDir: string, contents: string[]): Promise<string[]> {
  const shas: string[] = [];
  const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'isogitfs-objects-'));
  await runGit(['init', '--bare', '--quiet', scratch]);
  for (const text of contents) shas.push((await runGit(['--git-dir', scratch, 'hash-object', '-w', '--stdin'], { input: text })).toString('utf8').trim());
  await runGit(['--git-dir', gitDir, 'pack-objects', '--quiet', path.join(gitDir, 'objects', 'pack', 'pack')], { input: `${shas.join('\n')}\n`, env: { GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(scratch, 'objects') } });
  await fsp.rm(scratch, { recursive: true, force: true });
  return shas;
}

const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

describe('IsoGitRepo (the portable path shared reader)', () => {
  let gitDir: string;

  beforeEach(async () => {
    gitDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'isogitfs-'));
    await runGit(['init', '--bare', '--quiet', gitDir]);
  });
  afterEach(async () => {
    await fsp.rm(gitDir, { recursive: true, force: true });
  });

  it('sees a pack added between two reads once invalidated, and drops the index of a pack that went', async () => {
    const repo = new IsoGitRepo(gitDir);
    const store = new IsoGitStore(gitDir, repo);
    const [one] = await addPack(gitDir, ['one\n']);
    assert.equal(text(await store.read(one as string)), 'one\n');
    const two = blobSha(Buffer.from('two\n'));
    assert.equal(await store.read(two), undefined);

    await addPack(gitDir, ['two\n']);
    await store.refresh();
    assert.equal(text(await store.read(two)), 'two\n');
    assert.equal(text(await store.read(one as string)), 'one\n');

    // Both in one pack, the older ones removed (a compaction): the removed packs' indexes are not kept.
    const packDir = path.join(gitDir, 'objects', 'pack');
    const before = (await fsp.readdir(packDir)).filter((n) => n.endsWith('.pack'));
    // isomorphic-git's own reads (a fetch, a commit) share the cache object: its indexes too.
    assert.equal(Buffer.from((await git.readBlob({ fs: repo.fs, gitdir: gitDir, oid: two, cache: repo.cache })).blob).toString('utf8'), 'two\n');
    await addPack(gitDir, ['one\n', 'two\n']);
    for (const name of before) {
      await fsp.rm(path.join(packDir, name));
      await fsp.rm(path.join(packDir, name.replace(/\.pack$/, '.idx')));
    }
    const parsedBefore = Object.getOwnPropertySymbols(repo.cache).map((s) => (repo.cache as Record<symbol, unknown>)[s]).find((v) => v instanceof Map) as Map<string, unknown>;
    assert.ok(parsedBefore.size > 0);
    await repo.invalidate();
    assert.equal(text(await store.read(two)), 'two\n');
    assert.equal(text(await store.read(one as string)), 'one\n');
    const parsed = Object.getOwnPropertySymbols(repo.cache).map((s) => (repo.cache as Record<symbol, unknown>)[s]).find((v) => v instanceof Map) as Map<string, unknown>;
    const held = (await fsp.readdir(packDir)).filter((n) => n.endsWith('.idx'));
    assert.deepEqual([...parsed.keys()].filter((f) => !held.includes(path.basename(f))), []);
  });

  it('reads every object of packs with deltas (offset and by name, chains included) as git does', async () => {
    const repo = await createTestRepo({ 'a.txt': lines(0), 'b/c.txt': 'c\n' }, { branch: 'main' });
    try {
      for (let i = 1; i <= 12; i++) await commitChanges(repo, { 'a.txt': lines(i), [`n${i % 3}.txt`]: lines(i * 7) });
      await runGit(['--git-dir', repo.bareDir, 'repack', '-adf', '--depth=50', '--window=50', '--quiet']);
      const all = (await runGit(['--git-dir', repo.bareDir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype) %(deltabase)'])).toString('utf8').trim().split('\n').map((l) => l.split(' '));
      assert.ok(all.some(([, , base]) => base !== '0'.repeat(40)), 'the repack made deltas');
      // The same objects as REF_DELTAs, in a second database.
      const refDb = await fsp.mkdtemp(path.join(os.tmpdir(), 'isogitfs-ref-'));
      try {
        await runGit(['init', '--bare', '--quiet', refDb]);
        await runGit(['--git-dir', repo.bareDir, 'pack-objects', '--quiet', '--no-delta-base-offset', '--window=50', '--depth=50', path.join(refDb, 'objects', 'pack', 'pack')], { input: `${all.map(([oid]) => oid).join('\n')}\n` });
        for (const dir of [repo.bareDir, refDb]) {
          const db = new IsoGitRepo(dir);
          for (const [oid, type] of all) {
            const expected = await runGit(['--git-dir', repo.bareDir, 'cat-file', type as string, oid as string]);
            const found = await db.readObject(oid as string);
            assert.equal(found.type, type, oid);
            assert.ok(found.object.equals(expected), `${oid} in ${dir}`);
            // Read again (the second read comes from what the first one kept) and taken.
            assert.ok((await db.readObject(oid as string, true)).object.equals(expected), oid);
          }
          await assert.rejects(db.readObject('0'.repeat(40)), (e: { code?: string }) => e.code === 'NotFoundError');
        }
      } finally {
        await fsp.rm(refDb, { recursive: true, force: true });
      }
    } finally {
      await repo.cleanup();
    }
  });

  it('sees a loose object written between two reads once invalidated, and one written through its own file system at once', async () => {
    const repo = new IsoGitRepo(gitDir);
    const store = new IsoGitStore(gitDir, repo);
    const loose = Buffer.from('loose\n');
    assert.equal(await store.read(blobSha(loose)), undefined);
    await writeLooseBlob(gitDir, blobSha(loose), loose);
    await store.refresh();
    assert.equal(text(await store.read(blobSha(loose))), 'loose\n');

    // A second object in the same objects/xx folder, and one in a folder that did not exist.
    const own = Buffer.from('written by isomorphic-git\n');
    assert.equal(await store.read(blobSha(own)), undefined);
    const oid = await git.writeBlob({ fs: repo.fs, gitdir: gitDir, blob: own });
    assert.equal(oid, blobSha(own));
    assert.equal(text(await store.read(oid)), 'written by isomorphic-git\n');
  });

  it("memoizes nothing of a database others write (the workspace's)", async () => {
    const store = new IsoGitStore(gitDir, new IsoGitRepo(gitDir, false));
    const two = blobSha(Buffer.from('two\n'));
    assert.equal(await store.read(two), undefined);
    await addPack(gitDir, ['two\n']);
    assert.equal(text(await store.read(two)), 'two\n');
    const loose = Buffer.from('loose\n');
    assert.equal(await store.read(blobSha(loose)), undefined);
    await writeLooseBlob(gitDir, blobSha(loose), loose);
    assert.equal(text(await store.read(blobSha(loose))), 'loose\n');
  });
});
