// Browse Files' read-only file system: the snapshot as a directory map built in one pass, and
// the `projectsync-browse://<sync>/<path>` URI parts.
import assert from 'node:assert/strict';
import type { RepositoryFile } from '../../src/core/types';
import { browseUriParts, buildDirectoryMap, lookup, repoPathOf, uriName } from '../../src/extension/browse/browsePaths';

const file = (path: string, mode: RepositoryFile['mode'] = '100644'): RepositoryFile => ({ path, blobSha: 'a'.repeat(40), mode, size: mode === '160000' ? null : 3 });

describe('Browse Files: a sync\'s snapshot as directories', () => {
  it('lists each directory once, folders first, with symlinks and submodules told apart', () => {
    const map = buildDirectoryMap([file('README.md'), file('src/a.ts'), file('src/lib/b.ts'), file('link', '120000'), file('vendor/mod', '160000')]);
    assert.deepEqual(map.dirs.get('')?.map((e) => `${e.kind}:${e.name}`), ['directory:src', 'directory:vendor', 'file:README.md', 'symlink:link']);
    assert.deepEqual(map.dirs.get('src')?.map((e) => e.name), ['lib', 'a.ts']);
    assert.deepEqual(map.dirs.get('vendor')?.map((e) => e.kind), ['submodule']);
    assert.deepEqual(lookup(map, 'src/lib'), { kind: 'directory' });
    assert.equal(lookup(map, 'src/a.ts')?.kind, 'entry');
    assert.equal(lookup(map, 'src/missing.ts'), undefined);
  });

  it('builds a 50,000-file map in one pass', () => {
    const snapshot = Array.from({ length: 50_000 }, (_, i) => file(`pkg${i % 50}/dir${i % 7}/f${i}.ts`));
    const started = Date.now();
    const map = buildDirectoryMap(snapshot);
    assert.ok(Date.now() - started < 2000);
    assert.equal(map.files.size, 50_000);
    assert.equal(map.dirs.get('')?.length, 50);
  });

  it('maps URIs to repository paths and back', () => {
    assert.deepEqual(browseUriParts('sync-1', 'src/a.ts'), { authority: 'sync-1', path: '/src/a.ts' });
    assert.equal(repoPathOf('/src/a.ts'), 'src/a.ts');
    assert.equal(repoPathOf('/'), '');
    assert.equal(repoPathOf('/src/'), 'src');
  });

  it('keeps names that are not UTF-8 apart: URI-safe paths and directory names that lead back to each file', () => {
    const e8 = { ...file('d\udce8/caf\udce8.txt'), blobSha: '8'.repeat(40) };
    const e9 = { ...file('d\udce8/caf\udce9.txt'), blobSha: '9'.repeat(40) };
    const map = buildDirectoryMap([e8, e9]);
    for (const f of [e8, e9]) {
      const { path } = browseUriParts('s', f.path);
      assert.doesNotThrow(() => encodeURIComponent(path), 'VS Code can print the URI');
      const found = lookup(map, repoPathOf(path));
      assert.equal(found?.kind === 'entry' ? found.file.blobSha : undefined, f.blobSha);
    }
    // What VS Code does with readDirectory's names: join them onto the folder's URI path.
    const folder = browseUriParts('s', 'd\udce8').path;
    const names = map.dirs.get('d\udce8')?.map((e) => uriName(e.name)) ?? [];
    assert.deepEqual(names.map((n) => repoPathOf(`${folder}/${n}`)), ['d\udce8/caf\udce8.txt', 'd\udce8/caf\udce9.txt']);
  });
});
