// The git path's blob reader (`git cat-file --batch`): a reader replaced while reads are under way
// (the cache refreshed after a transfer whose pack the sync already reads) answers what it was asked;
// a reader closed (a cancelled sync) fails its unanswered reads instead of leaving them unsettled.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatFileBatch } from '../../src/engine/objects/catFile';
import { GitBinaryStore } from '../../src/engine/objects/gitBinaryStore';

describe('the git path reads blobs through one cat-file process', () => {
  let dir: string;
  const blobs = new Map<string, string>();
  before(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-catfile-'));
    execFileSync('git', ['init', '--bare', '--quiet', dir]);
    const texts = Array.from({ length: 300 }, (_, i) => `blob ${i}\n${'x'.repeat(i * 37)}\n`);
    const shas = execFileSync('git', ['--git-dir', dir, 'hash-object', '-w', '--stdin-paths'], {
      input: (await Promise.all(texts.map(async (t, i) => {
        const file = path.join(dir, `t${i}`);
        await fsp.writeFile(file, t);
        return file;
      }))).join('\n') + '\n',
    }).toString().trim().split('\n');
    shas.forEach((sha, i) => blobs.set(sha, texts[i] as string));
  });
  after(() => fsp.rm(dir, { recursive: true, force: true }));

  it('a store refreshed while reads are under way answers every one of them, and the next reads too', async () => {
    const store = new GitBinaryStore('git', dir);
    const shas = [...blobs.keys()];
    const first = shas.slice(0, 200).map((sha) => store.read(sha));
    store.refresh();
    const then = shas.slice(200).map((sha) => store.read(sha));
    const got = await Promise.all([...first, ...then]);
    got.forEach((bytes, i) => assert.equal(Buffer.from(bytes as Uint8Array).toString(), blobs.get(shas[i] as string)));
    store.close();
  });

  it('a reader closed with reads unanswered fails them (nothing is left waiting)', async () => {
    const reader = new CatFileBatch('git', dir);
    const reads = [...blobs.keys()].map((sha) => reader.read(sha).then(() => 'answered', () => 'failed'));
    reader.close();
    const outcome = await Promise.race([Promise.all(reads), new Promise((r) => setTimeout(() => r('unsettled'), 3000))]);
    assert.notEqual(outcome, 'unsettled');
    assert.ok((outcome as string[]).includes('failed'), 'reads asked and not answered before the close fail');
  });
});
