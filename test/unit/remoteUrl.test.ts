import assert from 'node:assert/strict';
import { isSyncError } from '../../src/core/errors';
import { analyzeRemoteUrl, parseRemoteUrl, stripCredentials, toRemoteRepository } from '../../src/github/remoteUrl';

const GH = { host: 'github.com', owner: 'octo', name: 'hello-world', apiBaseUrl: 'https://api.github.com' };

const supported: Array<[string, Partial<typeof GH> & { webUrl?: string; cloneUrl?: string }]> = [
  ['https://github.com/octo/hello-world.git', GH],
  ['https://github.com/octo/hello-world', GH],
  ['https://github.com/octo/hello-world/', GH],
  ['https://github.com/octo/hello-world.git/', GH],
  ['  https://github.com/octo/hello-world.git\n', GH],
  ['https://GitHub.COM/octo/hello-world', GH],
  ['https://www.github.com/octo/hello-world', GH],
  ['http://github.com/octo/hello-world.git', { ...GH, webUrl: 'https://github.com/octo/hello-world' }],
  ['https://x-access-token:ghp_abcdefghijklmnop@github.com/octo/hello-world.git', { ...GH, cloneUrl: 'https://github.com/octo/hello-world.git' }],
  ['https://user@github.com/octo/hello-world', GH],
  ['git@github.com:octo/hello-world.git', GH],
  ['git@github.com:octo/hello-world', GH],
  ['github.com:octo/hello-world.git', GH],
  ['git@github.com:/octo/hello-world.git', GH],
  ['ssh://git@github.com/octo/hello-world.git', GH],
  ['ssh://git@github.com:22/octo/hello-world.git', GH],
  ['ssh://git@ssh.github.com:443/octo/hello-world.git', GH],
  ['git+ssh://git@github.com/octo/hello-world.git', GH],
  ['ssh+git://git@github.com/octo/hello-world.git', GH],
  ['git://github.com/octo/hello-world.git', GH],
  ['git@github.com-work:octo/hello-world.git', GH],
  ['git@github-personal:octo/hello-world.git', GH],
  ['https://github.com/Octo-Org/my.repo_name.git', { host: 'github.com', owner: 'Octo-Org', name: 'my.repo_name' }],
  // A user or organisation site: the repository name holds dots and ends in a TLD-like part.
  ['https://github.com/me/me.github.io.git', { host: 'github.com', owner: 'me', name: 'me.github.io', webUrl: 'https://github.com/me/me.github.io', cloneUrl: 'https://github.com/me/me.github.io.git' }],
  ['git@github.com:me/me.github.io', { host: 'github.com', owner: 'me', name: 'me.github.io' }],
  ['ssh://git@github.com/octo-org/octo-org.github.io.git', { host: 'github.com', owner: 'octo-org', name: 'octo-org.github.io' }],
  [
    'https://ghe.example.com/team/app.git',
    { host: 'ghe.example.com', owner: 'team', name: 'app', apiBaseUrl: 'https://ghe.example.com/api/v3', webUrl: 'https://ghe.example.com/team/app' },
  ],
  ['http://ghe.example.com/team/app.git', { host: 'ghe.example.com', apiBaseUrl: 'https://ghe.example.com/api/v3' }],
  ['git@GHE.Example.com:team/app.git', { host: 'ghe.example.com', apiBaseUrl: 'https://ghe.example.com/api/v3', cloneUrl: 'https://ghe.example.com/team/app.git' }],
  ['ssh://git@ghe.example.com:7999/team/app.git', { host: 'ghe.example.com', apiBaseUrl: 'https://ghe.example.com/api/v3' }],
  ['https://ghe.example.com:8443/team/app', { host: 'ghe.example.com:8443', apiBaseUrl: 'https://ghe.example.com:8443/api/v3' }],
  ['https://octocorp.ghe.com/team/app.git', { host: 'octocorp.ghe.com', apiBaseUrl: 'https://api.octocorp.ghe.com', webUrl: 'https://octocorp.ghe.com/team/app' }],
  ['git@octocorp.ghe.com:team/app.git', { host: 'octocorp.ghe.com', apiBaseUrl: 'https://api.octocorp.ghe.com' }],
  ['http://127.0.0.1:4567/team/app.git', { host: '127.0.0.1:4567', apiBaseUrl: 'http://127.0.0.1:4567/api/v3', cloneUrl: 'http://127.0.0.1:4567/team/app.git' }],
  ['http://localhost:4567/team/app', { host: 'localhost:4567', apiBaseUrl: 'http://localhost:4567/api/v3' }],
  ['http://[::1]:4567/team/app.git', { host: '[::1]:4567', apiBaseUrl: 'http://[::1]:4567/api/v3' }],
  ['https://127.0.0.1:4567/team/app.git', { apiBaseUrl: 'https://127.0.0.1:4567/api/v3' }],
];

const unsupported: Array<[string, RegExp]> = [
  ['/home/me/repos/app', /local path/],
  ['./app', /local path/],
  ['../app.git', /local path/],
  ['~/app', /local path/],
  ['C:\\repos\\app', /local path/],
  ['file:///srv/git/app.git', /file:\/\//],
  ['https://gitlab.com/group/app.git', /GitLab/],
  ['git@gitlab.com:group/sub/app.git', /GitLab/],
  ['https://bitbucket.org/team/app.git', /Bitbucket/],
  ['https://dev.azure.com/org/project/_git/app', /Azure DevOps/],
  ['git@ssh.dev.azure.com:v3/org/project/app', /Azure DevOps/],
  ['https://codeberg.org/someone/app.git', /Codeberg/],
  ['https://github.com/octo', /OWNER\/NAME/],
  ['https://github.com/', /OWNER\/NAME/],
  ['https://github.com/octo/hello-world/tree/main', /OWNER\/NAME/],
  ['git@github.com:octo/.git', /OWNER\/NAME/],
  ['svn://example.com/o/r', /unsupported 'svn'/],
  ['app', /local path/],
  ['', /empty/],
];

describe('remote URL parsing', () => {
  for (const [url, expected] of supported) {
    it(`understands ${JSON.stringify(url)}`, () => {
      const parsed = parseRemoteUrl(url);
      assert.ok(parsed, `expected ${url} to parse`);
      const defaults = /[:/]team\/app/.test(url) ? { owner: 'team', name: 'app' } : { owner: 'octo', name: 'hello-world' };
      const expectedFull = { ...defaults, ...expected };
      for (const [key, value] of Object.entries(expectedFull)) {
        assert.equal(parsed[key as keyof typeof parsed], value, `${key} of ${url}`);
      }
      assert.equal(parsed.webUrl, `${parsed.apiBaseUrl.startsWith('http://') ? 'http' : 'https'}://${parsed.host}/${parsed.owner}/${parsed.name}`);
      assert.equal(parsed.cloneUrl, `${parsed.webUrl}.git`);
      assert.doesNotMatch(JSON.stringify(parsed), /ghp_|x-access-token|user@/);
    });
  }

  for (const [url, reason] of unsupported) {
    it(`rejects ${JSON.stringify(url)}`, () => {
      assert.equal(parseRemoteUrl(url), undefined);
      const analysis = analyzeRemoteUrl(url);
      assert.equal(analysis.ok, false);
      if (!analysis.ok) assert.match(analysis.reason, reason);
    });
  }

  it('raises UNSUPPORTED_REMOTE naming the remote, without credentials', () => {
    assert.throws(
      () => toRemoteRepository('https://oauth2:glpat-secret1234567@gitlab.com/g/app.git', 'upstream'),
      (e: unknown) =>
        isSyncError(e, 'UNSUPPORTED_REMOTE') && /upstream/.test(e.message) && /GitLab/.test(e.message) && !e.message.includes('glpat-secret'),
    );
  });

  it('keeps the remote name on a supported remote', () => {
    const repo = toRemoteRepository('git@github.com:octo/hello-world.git', 'fork');
    assert.deepEqual(repo, {
      host: 'github.com',
      owner: 'octo',
      name: 'hello-world',
      apiBaseUrl: 'https://api.github.com',
      webUrl: 'https://github.com/octo/hello-world',
      cloneUrl: 'https://github.com/octo/hello-world.git',
      remoteName: 'fork',
    });
  });

  it('strips credentials from URLs for messages', () => {
    assert.equal(stripCredentials('https://me:secret@ghe.example.com/o/r.git'), 'https://ghe.example.com/o/r.git');
    assert.equal(stripCredentials('git@github.com:o/r.git'), 'git@github.com:o/r.git');
  });
});
