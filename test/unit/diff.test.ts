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

  it('finds added, modified (content or mode) and removed paths, each list in path order', () => {
    const before = [f('keep', '1'), f('edit', '2'), f('chmod', '3'), f('gone', '4')];
    const after = [f('keep', '1'), f('edit', '5'), f('chmod', '3', '100755'), f('new', '6')];
    const d = diffSnapshots(before, after);
    assert.deepEqual(d.added.map((x) => x.path), ['new']);
    assert.deepEqual(d.modified.map((x) => [x.before.blobSha, x.after.path]), [[sha('3'), 'chmod'], [sha('2'), 'edit']]);
    assert.deepEqual(d.removed.map((x) => x.path), ['gone']);
    assert.deepEqual(changedFiles(d).map((x) => x.path), ['new', 'chmod', 'edit']);
  });

  it('compares paths byte for byte: NFC and NFD twins are different files', () => {
    const nfc = 'caf\u00e9.md';
    const nfd = 'cafe\u0301.md';
    const d = diffSnapshots([f(nfc, '1')], [f(nfd, '1')]);
    assert.deepEqual(d.added.map((x) => x.path), [nfd]);
    assert.deepEqual(d.removed.map((x) => x.path), [nfc]);
  });

  it('treats size as data, not identity: the same blob and mode is unchanged whatever the size says', () => {
    const before = [{ ...f('a', '1'), size: 10 }];
    const after = [{ ...f('a', '1'), size: 11 }];
    assert.ok(isEmptyDiff(diffSnapshots(before, after)));
  });

  it('gives the same answer for unsorted input', () => {
    const before = [f('b', '1'), f('a', '2')];
    const after = [f('c', '3'), f('a', '4')];
    const d = diffSnapshots(before, after);
    assert.deepEqual([d.added.map((x) => x.path), d.modified.map((x) => x.after.path), d.removed.map((x) => x.path)], [['c'], ['a'], ['b']]);
  });

  it('reports an identical snapshot as an empty diff', () => {
    const files = [f('a', '1'), f('sub', '2', '160000')];
    assert.ok(isEmptyDiff(diffSnapshots(files, [...files])));
  });
});
