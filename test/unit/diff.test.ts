import assert from 'node:assert/strict';
import { diffSnapshots, changedFiles, isEmptyDiff } from '../../src/core/diff';
import type { RepositoryFile } from '../../src/core/types';

const sha = (c: string) => c.repeat(40);
const f = (path: string, s: string, mode: RepositoryFile['mode'] = '100644'): RepositoryFile => ({ path, blobSha: sha(s), mode, size: mode === '160000' ? null : 10 });

describe('diffSnapshots', () => {
  it('counts every file of a first sync as added', () => {
    const d = diffSnapshots([], [f('a', '1'), f('b/c', '2')]);
    assert.deepEqual(d.added.map((x) => x.path), ['a', 'b/c']);
    assert.equal(d.modified.length + d.removed.length, 0);
  });

  it('finds added, modified (content or mode) and removed paths', () => {
    const before = [f('keep', '1'), f('edit', '2'), f('chmod', '3'), f('gone', '4')];
    const after = [f('keep', '1'), f('edit', '5'), f('chmod', '3', '100755'), f('new', '6')];
    const d = diffSnapshots(before, after);
    assert.deepEqual(d.added.map((x) => x.path), ['new']);
    assert.deepEqual(d.modified.map((x) => [x.before.blobSha, x.after.path]), [[sha('2'), 'edit'], [sha('3'), 'chmod']]);
    assert.deepEqual(d.removed.map((x) => x.path), ['gone']);
    assert.deepEqual(changedFiles(d).map((x) => x.path), ['new', 'edit', 'chmod']);
  });

  it('compares paths byte for byte: NFC and NFD twins are different files', () => {
    const nfc = 'caf\u00e9.md';
    const nfd = 'cafe\u0301.md';
    const d = diffSnapshots([f(nfc, '1')], [f(nfd, '1')]);
    assert.deepEqual(d.added.map((x) => x.path), [nfd]);
    assert.deepEqual(d.removed.map((x) => x.path), [nfc]);
  });

  it('reports an identical snapshot as an empty diff', () => {
    const files = [f('a', '1'), f('sub', '2', '160000')];
    assert.ok(isEmptyDiff(diffSnapshots(files, [...files])));
  });
});
