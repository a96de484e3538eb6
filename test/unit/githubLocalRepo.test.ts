import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isSyncError, type SyncError } from '../../src/core/errors';
import { cliHint } from '../../src/cli/render';
import { setupContent } from '../../src/protocol/display';
import { currentBranch, findGitDirs, listRemotes, resolveRemote } from '../../src/github/localRepo';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('local repository detection', () => {
  let root: string;
  let repo: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-localrepo-'));
    repo = path.join(root, 'repo');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'a\n');
    git(repo, 'add', 'a.txt');
    git(repo, 'commit', '-qm', 'first');
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('resolves origin of a normal clone, from a subfolder too', async () => {
    git(repo, 'remote', 'add', 'origin', 'git@github.com:octo/app.git');
    fs.mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
    const remote = await resolveRemote(path.join(repo, 'src', 'deep'));
    assert.equal(remote.host, 'github.com');
    assert.equal(remote.owner, 'octo');
    assert.equal(remote.name, 'app');
    assert.equal(remote.remoteName, 'origin');
    assert.equal(await currentBranch(repo), 'main');
  });

  it('uses the remote asked for, and lists remotes without credentials', async () => {
    git(repo, 'remote', 'add', 'origin', 'https://me:ghp_secrettoken123456@github.com/me/app.git');
    git(repo, 'remote', 'add', 'upstream', 'https://github.com/octo/app.git');
    assert.equal((await resolveRemote(repo, 'upstream')).owner, 'octo');
    const remotes = await listRemotes(repo);
    assert.deepEqual(
      remotes.map((r) => r.remote).sort(),
      ['origin', 'upstream'],
    );
    assert.doesNotMatch(JSON.stringify(remotes), /ghp_secret/);
  });

  it('follows a worktree .git file to the common dir for remotes, and its own HEAD', async () => {
    git(repo, 'remote', 'add', 'origin', 'https://github.com/octo/app.git');
    const wt = path.join(root, 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'feature/x', wt);
    assert.ok(fs.statSync(path.join(wt, '.git')).isFile());
    const dirs = await findGitDirs(wt);
    assert.equal(fs.realpathSync(dirs.commondir), fs.realpathSync(path.join(repo, '.git')));
    assert.equal((await resolveRemote(wt)).name, 'app');
    assert.equal(await currentBranch(wt), 'feature/x');
    assert.equal(await currentBranch(repo), 'main');
  });

  it('reads remotes of a submodule-style .git file pointing at another git dir', async () => {
    const moved = path.join(root, 'modules', 'sub');
    fs.mkdirSync(path.dirname(moved), { recursive: true });
    fs.renameSync(path.join(repo, '.git'), moved);
    fs.writeFileSync(path.join(repo, '.git'), 'gitdir: ../modules/sub\n');
    git(repo, 'remote', 'add', 'origin', 'https://ghe.corp.example/team/sub.git');
    const remote = await resolveRemote(repo);
    assert.equal(remote.apiBaseUrl, 'https://ghe.corp.example/api/v3');
  });

  it('reads remotes as git does: a remote without a URL, the first of two URLs, a continued line', async () => {
    // isomorphic-git's reader (used before) failed each of these: undefined URL (a TypeError), the last URL, a cut line.
    fs.appendFileSync(path.join(repo, '.git', 'config'), '[remote "pushonly"]\n\tpushurl = https://github.com/x/y.git\n[remote "origin"]\n\turl = https://github.com/octo/\\\napp.git\n\turl = https://github.com/other/second.git\n');
    assert.equal(git(repo, 'remote', 'get-url', 'origin').trim(), 'https://github.com/octo/app.git');
    const remote = await resolveRemote(repo);
    assert.deepEqual([remote.owner, remote.name], ['octo', 'app']);
    assert.deepEqual(await listRemotes(repo), [{ remote: 'origin', url: 'https://github.com/octo/app.git' }]);
  });

  it('says a remote has no URL when it has only a push URL', async () => {
    fs.appendFileSync(path.join(repo, '.git', 'config'), '[remote "origin"]\n\tpushurl = https://github.com/octo/app.git\n');
    await assert.rejects(resolveRemote(repo), (e: unknown) => isSyncError(e, 'NO_REMOTE') && /'origin' has no URL/.test(e.message) && /git remote set-url origin/.test(e.details.hint ?? ''));
    // What a user reads: `git remote add origin` would fail (it exists), so neither surface says to add one.
    const err = (await resolveRemote(repo).then(() => assert.fail('no error'), (e: unknown) => e)) as SyncError;
    assert.match(cliHint(err) ?? '', /git remote set-url origin/);
    const shown = setupContent('NO_REMOTE', err.message)?.message ?? '';
    assert.match(shown, /'origin' has no URL/);
    assert.doesNotMatch(shown, /Add one/);
    assert.ok(!setupContent('NO_REMOTE', err.message)?.actions.includes('addRemote'), 'no Add Remote button for a remote that exists');
    assert.ok(setupContent('NO_REMOTE', '')?.actions.includes('addRemote'), 'a repository without remotes keeps it');
  });

  it('reads HEAD as git does, and in time whatever a planted HEAD holds', async () => {
    fs.writeFileSync(path.join(repo, '.git', 'HEAD'), `ref: refs/heads/feature/x${' '.repeat(200_000)}x\n`);
    const started = performance.now();
    await currentBranch(repo);
    assert.ok(performance.now() - started < 200, 'no regular expression backtracks over the line');
    // A reftable repository's HEAD names a placeholder; its real HEAD is in the reftable.
    fs.writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/.invalid\n');
    assert.equal(await currentBranch(repo), undefined);
    fs.writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/topic\r\n');
    assert.equal(await currentBranch(repo), 'topic');
  });

  it('reports a config file git refuses with its line, as NO_REMOTE with a hint', async () => {
    fs.appendFileSync(path.join(repo, '.git', 'config'), '[remote "origin"]\n\turl = "https://github.com/octo/app.git\n');
    const line = fs.readFileSync(path.join(repo, '.git', 'config'), 'utf8').split('\n').length - 1;
    await assert.rejects(resolveRemote(repo), (e: unknown) => isSyncError(e, 'NO_REMOTE') && e.message.includes(`line ${line}`) && /git config --list/.test(e.details.hint ?? ''));
    // What a user reads: the CLI's hint and the Sync view's text say the config is the trouble.
    const err = (await resolveRemote(repo).then(() => assert.fail("no error"), (e: unknown) => e)) as SyncError;
    assert.match(cliHint(err) ?? '', /git config --list/);
    assert.match(setupContent('NO_REMOTE', err.message)?.message ?? '', new RegExp(`cannot be read \\(line ${line}`));
  });

  it('reports a detached HEAD as no current branch', async () => {
    git(repo, 'checkout', '-q', '--detach');
    assert.equal(await currentBranch(repo), undefined);
  });

  it('fails with NO_REMOTE when there are no remotes', async () => {
    await assert.rejects(resolveRemote(repo), (e: unknown) => isSyncError(e, 'NO_REMOTE') && /no remotes/.test(e.message));
  });

  it('names the single GitHub remote when origin is missing, without guessing', async () => {
    git(repo, 'remote', 'add', 'upstream', 'git@github.com:octo/app.git');
    git(repo, 'remote', 'add', 'mirror', 'https://gitlab.com/octo/app.git');
    await assert.rejects(
      resolveRemote(repo),
      (e: unknown) =>
        isSyncError(e, 'NO_REMOTE') && /no remote named 'origin'/.test(e.message) && /upstream/.test(e.message) && /mirror/.test(e.message) &&
        /only GitHub remote/.test(e.details.hint ?? ''),
    );
  });

  it('fails with UNSUPPORTED_REMOTE for a non-GitHub origin, pointing at GitHub alternatives', async () => {
    git(repo, 'remote', 'add', 'origin', 'https://gitlab.com/octo/app.git');
    await assert.rejects(resolveRemote(repo), (e: unknown) => isSyncError(e, 'UNSUPPORTED_REMOTE') && /GitLab/.test(e.message));
    git(repo, 'remote', 'add', 'gh', 'https://github.com/octo/app.git');
    await assert.rejects(resolveRemote(repo), (e: unknown) => isSyncError(e, 'UNSUPPORTED_REMOTE') && /gh \(https:\/\/github.com/.test(e.message));
  });

  it('fails with NO_GIT_REPO outside any repository', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-plain-'));
    try {
      await assert.rejects(resolveRemote(plain), (e: unknown) => isSyncError(e, 'NO_GIT_REPO'));
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});
