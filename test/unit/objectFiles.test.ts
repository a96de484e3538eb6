// Whether a database holds an object, read from its files (src/engine/objects/objectFiles.ts), held
// to `git cat-file --batch-check` on databases git built: loose objects, several packs, an index
// with 64-bit offsets; and 'unknown' (git is asked) where its files alone could mislead.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { promises as fsp, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { holdsObject, indexHolds, objectsHeld } from '../../src/engine/objects/objectFiles';

const git = (dir: string, args: string[], input?: string): string =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'gc.auto=0', ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });

/** Every object git says the database holds, and git's answer for each of `shas`. */
function gitsAnswer(dir: string, shas: string[]): Map<string, boolean> {
  const out = git(dir, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], shas.join('\n') + '\n');
  return new Map(out.trim().split('\n').map((l, i) => [shas[i] as string, !l.endsWith(' missing')]));
}

/** Shas near the held ones (same first byte, one hex digit changed) and at the ends of the range. */
function absentNear(held: string[]): string[] {
  const out = held.slice(0, 60).map((s) => s.slice(0, 39) + ((parseInt(s[39] as string, 16) + 1) % 16).toString(16));
  return [...out, '0'.repeat(40), 'f'.repeat(40), '00' + 'f'.repeat(38), 'ff' + '0'.repeat(38)];
}

describe('object presence from the database files, against git', () => {
  let root: string;
  let repo: string;
  let all: string[];
  before(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), 'ps-objfiles-'));
    repo = path.join(root, 'repo');
    git(root, ['init', '-q', repo]);
    // Three rounds of commits, packed after the first two (two packs), the third left loose.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 120; i++) {
        await fsp.mkdir(path.join(repo, `d${i % 7}`), { recursive: true });
        await fsp.writeFile(path.join(repo, `d${i % 7}`, `f${i}.txt`), `round ${round} file ${i}\n${'y'.repeat(i)}\n`);
      }
      git(repo, ['add', '-A']);
      git(repo, ['commit', '-qm', `round ${round}`]);
      if (round < 2) git(repo, ['repack', '-q']);
    }
    all = git(repo, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).trim().split('\n');
  });
  after(() => fsp.rm(root, { recursive: true, force: true }));

  it('agrees with git on every object of a database with loose objects and two packs, and on absent ones near them', async () => {
    const dir = path.join(repo, '.git');
    assert.equal(readdirSync(path.join(dir, 'objects', 'pack')).filter((n) => n.endsWith('.idx')).length, 2);
    const shas = [...all, ...absentNear(all)];
    const truth = gitsAnswer(repo, shas);
    assert.ok([...truth.values()].filter((v) => !v).length >= 60, 'absent shas were asked');
    for (const sha of shas) assert.equal(await holdsObject(dir, sha), truth.get(sha), sha);
    // The set form (what the content fetcher asks) gives the same.
    const held = await objectsHeld('git', dir, shas);
    assert.deepEqual([...held].sort(), shas.filter((s) => truth.get(s)).sort());
  });

  it('reads an index whose objects all have 64-bit offsets (as a pack over 2 GB has)', async () => {
    const idx = readdirSync(path.join(repo, '.git', 'objects', 'pack')).find((n) => n.endsWith('.idx')) as string;
    const pack = path.join(repo, '.git', 'objects', 'pack', idx.replace(/\.idx$/, '.pack'));
    const large = path.join(root, 'large.idx');
    execFileSync('git', ['index-pack', '--index-version=2,0', '-o', large, pack]);
    const listed = execFileSync('git', ['show-index'], { input: await fsp.readFile(large) }).toString().trim().split('\n').map((l) => l.split(' ')[1] as string);
    assert.ok(listed.length > 100);
    for (const sha of listed) assert.equal(await indexHolds(large, sha, pack), true, sha);
    for (const sha of absentNear(listed)) assert.equal(await indexHolds(large, sha), listed.includes(sha));
  });

  it("answers 'unknown' where its files alone could mislead: alternates, an index of version 1, a file that is no index", async () => {
    const idx = readdirSync(path.join(repo, '.git', 'objects', 'pack')).find((n) => n.endsWith('.idx')) as string;
    const pack = path.join(repo, '.git', 'objects', 'pack', idx.replace(/\.idx$/, '.pack'));
    const v1 = path.join(root, 'v1.idx');
    execFileSync('git', ['index-pack', '--index-version=1', '-o', v1, pack]);
    assert.equal(await indexHolds(v1, all[0] as string), 'unknown');
    // A SHA-256 repository's index has the same header; its size tells it apart (32-byte names).
    const s256 = path.join(root, 's256');
    git(root, ['init', '-q', '--object-format=sha256', s256]);
    for (let i = 0; i < 40; i++) await fsp.writeFile(path.join(s256, `f${i}`), `${i}\n`);
    git(s256, ['add', '-A']);
    git(s256, ['commit', '-qm', 'x']);
    git(s256, ['repack', '-qad']);
    const idx256 = readdirSync(path.join(s256, '.git', 'objects', 'pack')).find((n) => n.endsWith('.idx')) as string;
    const obj256 = git(s256, ['rev-parse', 'HEAD']).trim();
    assert.equal(await indexHolds(path.join(s256, '.git', 'objects', 'pack', idx256), obj256.slice(0, 40)), 'unknown');
    const junk = path.join(root, 'junk.idx');
    await fsp.writeFile(junk, 'not an index');
    assert.equal(await indexHolds(junk, all[0] as string), 'unknown');

    // A clone that borrows its objects (git clone --shared): git finds them through alternates.
    const borrower = path.join(root, 'borrower');
    execFileSync('git', ['clone', '-q', '--shared', '--no-checkout', repo, borrower]);
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    assert.equal(gitsAnswer(borrower, [head]).get(head), true);
    assert.equal(await holdsObject(path.join(borrower, '.git'), head), 'unknown');
    // ...so the set form asks git, and has the right answer.
    assert.deepEqual([...(await objectsHeld('git', path.join(borrower, '.git'), [head]))], [head]);
  });

  it("what a crash or a cut copy leaves is 'unknown', not held: an empty loose file, an object past a pack's end", async () => {
    const bare = path.join(root, 'damaged.git');
    execFileSync('git', ['init', '-q', '--bare', bare]);
    const blob = execFileSync('git', ['--git-dir', bare, 'hash-object', '-w', '--stdin'], { input: 'soon empty\n' }).toString().trim();
    const loose = path.join(bare, 'objects', blob.slice(0, 2), blob.slice(2));
    await fsp.chmod(loose, 0o644);
    await fsp.writeFile(loose, '');
    assert.equal(gitsAnswer(bare, [blob]).get(blob), false, 'git: missing');
    assert.equal(await holdsObject(bare, blob), 'unknown');
    // Bytes that are no zlib stream of an object header: missing to git too.
    await fsp.writeFile(loose, Buffer.from('9d1f0c8a7b6e5d4c3b2a19081726354453627180', 'hex'));
    assert.equal(gitsAnswer(bare, [blob]).get(blob), false, 'git: missing');
    assert.equal(await holdsObject(bare, blob), 'unknown');
    // A pack cut short behind its whole index: git reads none of it (the pack is not the index's), nor do we.
    const idx = readdirSync(path.join(repo, '.git', 'objects', 'pack')).find((n) => n.endsWith('.idx')) as string;
    const pack = idx.replace(/\.idx$/, '.pack');
    await fsp.copyFile(path.join(repo, '.git', 'objects', 'pack', idx), path.join(bare, 'objects', 'pack', idx));
    const bytes = await fsp.readFile(path.join(repo, '.git', 'objects', 'pack', pack));
    await fsp.writeFile(path.join(bare, 'objects', 'pack', pack), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const entries = execFileSync('git', ['show-index'], { input: await fsp.readFile(path.join(bare, 'objects', 'pack', idx)) }).toString().trim().split('\n').map((l) => l.split(' ').map((w) => w.trim()));
    const shas = entries.map(([, sha]) => sha as string);
    const truth = gitsAnswer(bare, shas);
    assert.ok(shas.length > 100 && shas.every((s) => truth.get(s) === false), 'git: every object missing');
    for (const sha of shas) assert.equal(await holdsObject(bare, sha), 'unknown', sha);
    // The same pack whole again: held, as git says.
    await fsp.writeFile(path.join(bare, 'objects', 'pack', pack), bytes);
    const whole = gitsAnswer(bare, shas);
    assert.ok(shas.every((s) => whole.get(s) === true));
    for (const sha of shas.slice(0, 50)) assert.equal(await holdsObject(bare, sha), true, sha);
  });

  it('an index whose pack is gone holds nothing; a database without objects/pack holds only its loose objects', async () => {
    const bare = path.join(root, 'bare.git');
    execFileSync('git', ['init', '-q', '--bare', bare]);
    const blob = execFileSync('git', ['--git-dir', bare, 'hash-object', '-w', '--stdin'], { input: 'loose\n' }).toString().trim();
    await fsp.rm(path.join(bare, 'objects', 'pack'), { recursive: true, force: true });
    assert.equal(await holdsObject(bare, blob), true);
    assert.equal(await holdsObject(bare, all[0] as string), false);
    // An index copied in without its pack: git does not use it, nor do we.
    await fsp.mkdir(path.join(bare, 'objects', 'pack'));
    const idx = readdirSync(path.join(repo, '.git', 'objects', 'pack')).find((n) => n.endsWith('.idx')) as string;
    await fsp.copyFile(path.join(repo, '.git', 'objects', 'pack', idx), path.join(bare, 'objects', 'pack', idx));
    const inIdx = execFileSync('git', ['show-index'], { input: await fsp.readFile(path.join(bare, 'objects', 'pack', idx)) }).toString().split(' ')[1] as string;
    assert.equal(gitsAnswer(bare, [inIdx]).get(inIdx), false);
    assert.equal(await holdsObject(bare, inIdx), false);
  });
});
