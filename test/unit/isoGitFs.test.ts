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
    await addPack(gitDir, ['one\n', 'two\n']);
    for (const name of before) {
      await fsp.rm(path.join(packDir, name));
      await fsp.rm(path.join(packDir, name.replace(/\.pack$/, '.idx')));
    }
    await repo.invalidate();
    assert.equal(text(await store.read(two)), 'two\n');
    assert.equal(text(await store.read(one as string)), 'one\n');
    const parsed = Object.getOwnPropertySymbols(repo.cache).map((s) => (repo.cache as Record<symbol, unknown>)[s]).find((v) => v instanceof Map) as Map<string, unknown>;
    assert.deepEqual([...parsed.keys()].map((f) => path.basename(f)), (await fsp.readdir(packDir)).filter((n) => n.endsWith('.idx')));
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
