// Which git binary the engine uses (engine/findGit.ts): each binary is run once (`git --version`)
// and then remembered by its file's identity, so a command does not pay a process for it every time;
// a binary that changes is run again, and a memo that is not safely ours is not believed.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findGit } from '../../src/engine/findGit';

describe('the git binary is found once, then remembered while it is the same file', function () {
  if (process.platform === 'win32') return;
  let dir: string;
  let runs: string;
  let memo: string;
  const script = (name: string, code: number) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\necho run >> '${runs}'\nexit ${code}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const runCount = () => {
    try {
      return readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ps-findgit-'));
    runs = path.join(dir, 'runs.log');
    memo = path.join(dir, 'memo.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a binary the first time only; a changed binary is run again', async () => {
    const git = script('fake-git', 0);
    assert.equal(await findGit(git, memo), git);
    assert.equal(runCount(), 1);
    assert.equal(await findGit(git, memo), git);
    assert.equal(await findGit(git, memo), git);
    assert.equal(runCount(), 1, 'remembered');
    const later = new Date(Date.now() + 5_000);
    utimesSync(git, later, later);
    assert.equal(await findGit(git, memo), git);
    assert.equal(runCount(), 2, 'touched: run again');
  });

  it('a binary that does not run is never remembered; git on PATH is used instead', async () => {
    const broken = script('broken-git', 1);
    assert.equal(await findGit(broken, memo), 'git');
    assert.equal(await findGit(broken, memo), 'git');
    assert.equal(runCount(), 2, 'asked each time');
    assert.equal(await findGit('none', memo), undefined);
  });

  it('a memo others could have written (group- or world-writable) is not believed', async () => {
    const git = script('fake-git', 0);
    await findGit(git, memo);
    chmodSync(memo, 0o666);
    assert.equal(await findGit(git, memo), git);
    assert.equal(runCount(), 2, 'run again');
  });

  it("a FIFO or a link planted under the memo's name is not read (no hang), and the binary is run", async () => {
    const git = script('fake-git', 0);
    execFileSync('mkfifo', [memo]);
    assert.equal(await findGit(git, memo), git);
    assert.equal(runCount(), 1);
    rmSync(memo, { force: true });
    const elsewhere = path.join(dir, 'elsewhere.json');
    await findGit(git, elsewhere);
    symlinkSync(elsewhere, memo);
    assert.equal(await findGit(git, memo), git);
    assert.equal(runCount(), 3, 'the link was not followed');
  });

  it('a file this process may not execute is not taken for the binary on PATH', async () => {
    const bin = path.join(dir, 'bin');
    execFileSync('mkdir', [bin]);
    writeFileSync(path.join(bin, 'git'), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(bin, 'git'), 0o644);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved ?? ''}`;
    try {
      assert.equal(await findGit(undefined, memo), 'git');
      const seen = JSON.parse(readFileSync(memo, 'utf8')) as string[];
      assert.ok(seen.every((s) => !s.startsWith(path.join(bin, 'git'))), 'the real git was remembered, not the file that cannot run');
    } finally {
      process.env.PATH = saved;
    }
  });

  it('without a memo (Windows), each call runs the binary', async () => {
    const git = script('fake-git', 0);
    await findGit(git, null);
    await findGit(git, null);
    assert.equal(runCount(), 2);
  });
});
