// The git path's blob reader (`git cat-file --batch`) and sizer (`--batch-check`): readers started
// before a transfer's pack is in (warmed while the pack is on its way) answer from it once it is; an
// idle reader keeps no process alive; a reader closed (a cancelled sync) fails its unanswered reads
// instead of leaving them unsettled.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
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

  it('reads blobs of many pipe chunks between small ones, each whole and exact', async () => {
    // Two blobs of several MB (a pipe carries 64 KB a read): each is joined from its chunks once.
    const big = [3, 5].map((mb, k) => Buffer.from(Array.from({ length: (mb << 20) / 16 }, (_, i) => `${k}:${i.toString(16).padStart(12, '0')}\n`).join('')));
    const bigShas = big.map((b) => execFileSync('git', ['--git-dir', dir, 'hash-object', '-w', '--stdin'], { input: b }).toString().trim());
    const small = [...blobs.keys()].slice(0, 40);
    const order = [...small.slice(0, 20), bigShas[0] as string, ...small.slice(20), bigShas[1] as string, ...small.slice(0, 3)];
    const batch = new CatFileBatch('git', dir);
    try {
      const got = await Promise.all(order.map((sha) => batch.read(sha)));
      order.forEach((sha, i) => {
        const want = bigShas.includes(sha) ? (big[bigShas.indexOf(sha)] as Buffer) : Buffer.from(blobs.get(sha) as string);
        assert.ok(Buffer.from(got[i] as Uint8Array).equals(want), `blob ${i} (${sha}) exact`);
      });
    } finally {
      batch.close();
    }
  });

  it('answers sizes as git does, and nothing for an object it lacks', async () => {
    const store = new GitBinaryStore('git', dir);
    try {
      const shas = [...blobs.keys()];
      const absent = '0123456789012345678901234567890123456789';
      const sizes = await store.sizes([...shas, absent]);
      assert.equal(sizes.size, shas.length);
      const git = execFileSync('git', ['--git-dir', dir, 'cat-file', '--batch-check=%(objectname) %(objectsize)'], { input: shas.join('\n') + '\n' }).toString().trim().split('\n');
      assert.deepEqual(shas.map((sha) => `${sha} ${sizes.get(sha)}`), git);
      assert.equal(sizes.has(absent), false);
    } finally {
      store.close();
    }
  });

  it('readers started before a pack arrives answer from it once it is in (contents and sizes)', async () => {
    const target = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-catfile-later-'));
    const store = new GitBinaryStore('git', target);
    try {
      execFileSync('git', ['init', '--bare', '--quiet', target]);
      store.warm(true);
      const shas = [...blobs.keys()].slice(0, 20);
      assert.equal(await store.read(shas[0] as string), undefined, 'not there yet');
      assert.equal((await store.sizes(shas)).size, 0, 'not there yet');
      // A transfer's pack lands (index-pack, as git fetch and the smart client write it).
      const pack = execFileSync('git', ['--git-dir', dir, 'pack-objects', '--stdout'], { input: shas.join('\n') + '\n' });
      execFileSync('git', ['--git-dir', target, 'index-pack', '--stdin'], { input: pack });
      const got = await Promise.all(shas.map((sha) => store.read(sha)));
      got.forEach((bytes, i) => assert.equal(Buffer.from(bytes as Uint8Array).toString(), blobs.get(shas[i] as string)));
      const sizes = await store.sizes(shas);
      for (const sha of shas) assert.equal(sizes.get(sha), Buffer.byteLength(blobs.get(sha) as string));
    } finally {
      store.close();
      await fsp.rm(target, { recursive: true, force: true });
    }
  });

  it('warmed readers nobody reads from or closes keep no process alive', async () => {
    // A process whose work is done exits though its readers were started for reads that never came.
    const module = path.resolve(__dirname, '../../src/engine/objects/gitBinaryStore.ts');
    const code = `const { GitBinaryStore } = require(${JSON.stringify(module)}); const s = new GitBinaryStore('git', ${JSON.stringify(dir)}); s.warm(true); s.read(${JSON.stringify([...blobs.keys()][0])}).then((b) => process.stdout.write(String(b.length)));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([new Promise<number | null>((r) => child.on('exit', r)), new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 15_000)))]);
    clearTimeout(timer);
    if (exit === 'still running') child.kill();
    assert.equal(exit, 0, 'the process ended by itself');
    assert.equal(out, String(Buffer.byteLength(blobs.get([...blobs.keys()][0] as string) as string)), 'the pending read held it until answered');
  });

  it('a store whose reader died reads through a new one', async () => {
    const store = new GitBinaryStore('git', dir);
    try {
      const [sha, text] = [...blobs][0] as [string, string];
      assert.equal(Buffer.from((await store.read(sha)) as Uint8Array).toString(), text);
      // The process goes away (killed, out of memory): the reader fails from then on.
      const proc = (store as unknown as { batch: { proc: { kill(): void; once(e: string, f: () => void): void } } }).batch.proc;
      await new Promise<void>((resolve) => {
        proc.once('close', resolve);
        proc.kill();
      });
      assert.equal(Buffer.from((await store.read(sha)) as Uint8Array).toString(), text);
      assert.equal((await store.sizes([sha])).get(sha), Buffer.byteLength(text));
    } finally {
      store.close();
    }
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
