// The git path's snapshot listing (engine/objects/localTree.ts): `git ls-tree -r -l -z` of a real
// tree whose names a user could have — spaces, a tab, a newline, a byte that is not UTF-8, accents,
// a symlink, an executable, a submodule, a nested folder — read back exactly (name, blob, mode, size).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeGitPath } from '../../src/core/paths';
import type { FileMode, RepositoryFile } from '../../src/core/types';
import { LsTreeReader, lsTreeWithGit, parseLsTree } from '../../src/engine/objects/localTree';

describe('the git path lists a tree exactly (ls-tree parsed byte by byte)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ps-lstree-'));
    execFileSync('git', ['init', '--quiet', '--bare', dir]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const git = (args: string[], input?: Buffer | string) => execFileSync('git', ['--git-dir', dir, ...args], { input });
  const blob = (content: string) => git(['hash-object', '-w', '--stdin'], content).toString().trim();
  /** A tree from raw (name bytes, mode, sha) entries, subtrees built first. */
  const mktree = (entries: { name: Buffer; mode: string; type: string; sha: string }[]) =>
    git(['mktree', '-z'], Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.type} ${e.sha}\t`), e.name, Buffer.from([0])])))).toString().trim();

  it('names with spaces, a tab, a newline, a non-UTF-8 byte and accents; a symlink, an executable, a submodule, a nested file', async () => {
    const files: { name: Buffer; mode: FileMode; content?: string; sha?: string }[] = [
      { name: Buffer.from('a b.txt'), mode: '100644', content: 'spaces\n' },
      { name: Buffer.from('tab\there.md'), mode: '100644', content: '# tab\n' },
      { name: Buffer.from('new\nline.txt'), mode: '100644', content: 'newline\n' },
      { name: Buffer.from([0x63, 0x61, 0x66, 0xe8, 0x2e, 0x74, 0x78, 0x74]), mode: '100644', content: 'latin-1 name\n' },
      { name: Buffer.from('ünïcödé — 名前.md'), mode: '100644', content: 'x'.repeat(123_456) },
      { name: Buffer.from('link'), mode: '120000', content: 'a b.txt' },
      { name: Buffer.from('run.sh'), mode: '100755', content: '#!/bin/sh\necho hi\n' },
      { name: Buffer.from('vendor'), mode: '160000', sha: 'a'.repeat(40) },
      { name: Buffer.from('empty'), mode: '100644', content: '' },
    ];
    const nested = blob('nested\n');
    const sub = mktree([{ name: Buffer.from('deep file.ts'), mode: '100644', type: 'blob', sha: nested }]);
    const folder = mktree([{ name: Buffer.from('sub'), mode: '040000', type: 'tree', sha: sub }]);
    const shas = files.map((f) => f.sha ?? blob(f.content ?? ''));
    const root = mktree([
      ...files.map((f, i) => ({ name: f.name, mode: f.mode, type: f.mode === '160000' ? 'commit' : 'blob', sha: shas[i] as string })),
      { name: Buffer.from('dir'), mode: '040000', type: 'tree', sha: folder },
    ]);

    const listed = await lsTreeWithGit('git', dir, root);
    const expected: RepositoryFile[] = [
      ...files.map((f, i) => ({
        path: decodeGitPath(f.name),
        blobSha: shas[i] as string,
        mode: f.mode,
        size: f.mode === '160000' ? null : Buffer.byteLength(f.content ?? ''),
      })),
      { path: 'dir/sub/deep file.ts', blobSha: nested, mode: '100644', size: 7 },
    ];
    const byPath = (xs: RepositoryFile[]) => [...xs].sort((a, b) => (a.path < b.path ? -1 : 1));
    assert.deepEqual(byPath(listed ?? []), byPath(expected));
    assert.ok(listed?.some((f) => f.path === 'caf\udce8.txt'), 'the non-UTF-8 byte is kept as its escape');
  });

  it('an output of many pipe chunks (parsed as it arrives) lists exactly what the whole output parses to', async () => {
    const one = blob('same\n');
    // 3,000 entries of ~150 bytes: about 450 KB of output, entries cut across the pipe's chunks.
    const entries = Array.from({ length: 3000 }, (_, i) => ({ name: Buffer.from(`${'long name '.repeat(8)}${i} — é.ts`), mode: '100644', type: 'blob', sha: one }));
    const root = mktree(entries);
    const whole = parseLsTree(git(['ls-tree', '-r', '-l', '-z', '--full-tree', root]));
    assert.equal(whole.length, 3000);
    assert.deepEqual(await lsTreeWithGit('git', dir, root), whole);
  });

  it('output cut anywhere — inside a name, a sha, a size, at a NUL, one byte at a time — reads as the whole output does', () => {
    const one = blob('cut\n');
    const link = blob('target');
    const entries = Array.from({ length: 40 }, (_, i) => ({ name: Buffer.from(i % 3 === 0 ? `naïve ${i}.md` : `f${i}`), mode: i % 5 === 0 ? '120000' : '100644', type: 'blob', sha: i % 5 === 0 ? link : one }));
    const root = mktree([...entries, { name: Buffer.from('sub module'), mode: '160000', type: 'commit', sha: 'c'.repeat(40) }]);
    const out = git(['ls-tree', '-r', '-l', '-z', '--full-tree', root]);
    const whole = parseLsTree(out);
    assert.equal(whole.length, 41);
    // Chunk lengths cycling 1..97 bytes (cuts land everywhere), then the whole output in one chunk,
    // then a chunk of bytes without any NUL that only completes the entry after two more.
    for (const cut of [(i: number) => 1 + (i % 97), () => 1, () => out.length, (i: number) => (i === 0 ? 10 : i === 1 ? 20 : out.length)]) {
      const reader = new LsTreeReader();
      for (let at = 0, i = 0; at < out.length; i++) {
        const n = cut(i);
        reader.push(out.subarray(at, at + n));
        at += n;
      }
      assert.deepEqual(reader.end(), whole);
    }
    // Without the last NUL the last entry still counts; output that is not ls-tree's is an error.
    const reader = new LsTreeReader();
    reader.push(out.subarray(0, out.length - 1));
    assert.deepEqual(reader.end(), whole);
    const bad = new LsTreeReader();
    bad.push(Buffer.from('not ls-tree output\0'));
    assert.throws(() => bad.end(), /unexpected ls-tree output/);
  });

  it('a lean listing hands each piece over as it arrives and holds only git\'s output: read back once, it is the whole list, cut anywhere', async () => {
    const one = blob('lean\n');
    const link = blob('target');
    const entries = Array.from({ length: 40 }, (_, i) => ({ name: Buffer.from(i % 3 === 0 ? `naïve ${i}.md` : `f${i}`), mode: i % 5 === 0 ? '120000' : '100644', type: 'blob', sha: i % 5 === 0 ? link : one }));
    const root = mktree([...entries, { name: Buffer.from('sub module'), mode: '160000', type: 'commit', sha: 'c'.repeat(40) }]);
    const out = git(['ls-tree', '-r', '-l', '-z', '--full-tree', root]);
    const whole = parseLsTree(out);
    for (const cut of [(i: number) => 1 + (i % 97), () => 1, () => out.length, (i: number) => (i === 0 ? 10 : i === 1 ? 20 : out.length)]) {
      const handed: RepositoryFile[] = [];
      const reader = new LsTreeReader(undefined, (piece) => handed.push(...piece));
      for (let at = 0, i = 0; at < out.length; i++) {
        const n = cut(i);
        reader.push(out.subarray(at, at + n));
        at += n;
      }
      const listing = reader.lean();
      assert.equal(listing.count, whole.length);
      assert.deepEqual(handed, whole, 'every entry handed over once, in order, as it arrived');
      assert.deepEqual([...listing.pieces()].flat(), whole, 'read back: the whole list');
      assert.throws(() => listing.pieces(), /read once/, 'read once: its bytes are let go as they are read');
    }
    // Without the last NUL the last entry still counts; output that is not ls-tree's is an error.
    const reader = new LsTreeReader(undefined, () => undefined);
    reader.push(out.subarray(0, out.length - 1));
    assert.deepEqual([...reader.lean().pieces()].flat(), whole);
    const bad = new LsTreeReader(undefined, () => undefined);
    bad.push(Buffer.from('not ls-tree output\0'));
    assert.throws(() => bad.lean(), /unexpected ls-tree output/);
    // From git, through many pipe chunks: the same list, and no entry handed to onListed.
    const many = mktree(Array.from({ length: 3000 }, (_, i) => ({ name: Buffer.from(`${'long name '.repeat(8)}${i}.ts`), mode: '100644', type: 'blob', sha: one })));
    let pieces = 0;
    const listed = await lsTreeWithGit('git', dir, many, undefined, () => assert.fail('a lean listing calls no onListed'), () => pieces++);
    assert.ok(listed && !Array.isArray(listed));
    assert.ok(pieces > 1, `handed over in pieces (${pieces})`);
    assert.deepEqual([...listed.pieces()].flat(), parseLsTree(git(['ls-tree', '-r', '-l', '-z', '--full-tree', many])));
  });

  it('a tree this database lacks is undefined, not an error', async () => {
    assert.equal(await lsTreeWithGit('git', dir, 'b'.repeat(40)), undefined);
  });
});
