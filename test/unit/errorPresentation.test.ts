// The pure error → words/actions table: one sentence of what happened and what to do, and only
// the actions that fit (Retry for transient failures, Choose Branch… when the branch is gone,
// Sign In when the words say sign in, a scheduled sync for a long rate limit).
import assert from 'node:assert/strict';
import { SyncError } from '../../src/core/errors';
import type { ErrorCode } from '../../src/core/types';
import { cleanMessage, presentError, sentences, toWebviewActions, waitWords } from '../../src/extension/commands/errorPresentation';
import { formatOnly } from '../../src/extension/text';

const clock = (iso: string) => iso.slice(11, 16);
const NOW = Date.parse('2026-12-01T00:06:22.000Z');
const present = (code: ErrorCode, message = 'It failed.', details: ConstructorParameters<typeof SyncError>[2] = {}) =>
  presentError(new SyncError(code, message, details), formatOnly, clock, NOW);

describe('error presentation: words', () => {
  it('says when a long rate limit resets in minutes and a clock time, not an ISO date and seconds', () => {
    const shown = present(
      'RATE_LIMITED',
      "api.github.com's API rate limit is exhausted until 2026-12-01T00:36:22.000Z (a wait of 1801 s, more than the 60 s allowed).",
      { resetAt: '2026-12-01T00:36:22.000Z', hint: 'Try again after the reset time.' },
    );
    assert.equal(shown.message, "GitHub's API rate limit is used up. It resets in 30 min, at 00:36.");
    assert.doesNotMatch(shown.message, /2026-|1801|\bs\b,/);
  });

  it('cuts git stderr to its reason and says the URL once', () => {
    const url = 'https://github.com/octo-org/atlas.git';
    const raw = `The git transfer from ${url} failed: Command failed: git fetch --depth 1 ${url} main\nfatal: unable to access '${url}/': Could not resolve host: github.com`;
    const shown = present('NETWORK', raw, { hint: 'Check your connection and retry.' });
    assert.equal(shown.message, `The git transfer from ${url} failed: Could not resolve host: github.com. Check your connection and retry.`);
    assert.equal(shown.message.split(url).length - 1, 1, 'the URL appears once');
  });

  it('joins message and hint as sentences (a space and a period between them)', () => {
    assert.equal(sentences('Could not reach GitHub', 'check your proxy'), 'Could not reach GitHub. Check your proxy.');
    assert.equal(present('INTERNAL', 'Boom', { hint: 'Try again' }).message, 'Boom. Try again.');
  });

  it('drops Markdown escapes, a folder-name prefix and an absolute temp path', () => {
    assert.equal(cleanMessage('octo\\-org/atlas failed \\(NETWORK\\)'), 'octo-org/atlas failed (NETWORK)');
    assert.equal(
      cleanMessage('atlas: The repository at /tmp/ws-123/atlas has no remotes.', 'NO_REMOTE'),
      'This repository has no remotes.',
    );
    assert.equal(cleanMessage('/tmp/ws-1/atlas is not inside a git repository.', 'NO_GIT_REPO'), 'This folder is not inside a git repository.');
  });

  it('writes waits in words', () => {
    assert.equal(waitWords(45_000, formatOnly), '45 s');
    assert.equal(waitWords(30 * 60_000, formatOnly), '30 min');
    assert.equal(waitWords(125 * 60_000, formatOnly), '2 h 5 min');
  });
});

describe('error presentation: actions that fit', () => {
  it('Retry only for transient failures', () => {
    assert.deepEqual(present('NETWORK').actions, ['retry', 'showLog']);
    assert.deepEqual(present('LOCKED').actions, ['retry']);
    assert.ok(!present('INTERNAL').actions.includes('retry'));
    assert.ok(!present('STORAGE_CORRUPT').actions.includes('retry'));
    assert.ok(!present('AUTH_REQUIRED').actions.includes('retry'));
  });

  it('Choose Branch… when the branch is gone', () => {
    assert.deepEqual(present('BRANCH_NOT_FOUND', 'Branch feature/x was not found.').actions, ['chooseBranch', 'showLog']);
  });

  it('Sign In when the words say sign in, Authorize for SSO', () => {
    assert.deepEqual(present('AUTH_REQUIRED').actions, ['signIn', 'showLog']);
    assert.deepEqual(present('AUTH_REQUIRED', 'x', { url: 'https://github.com/orgs/o/sso' }).actions, ['authorize', 'showLog']);
    assert.deepEqual(present('NETWORK', 'GitHub refused it: sign in with an account that can read it.').actions, ['signIn', 'showLog']);
  });

  it('a long rate limit offers a scheduled sync, never Retry; a short one Retry', () => {
    const long = present('RATE_LIMITED', 'x', { resetAt: '2026-12-01T00:36:22.000Z', hint: 'Sign in to GitHub for a higher limit, or try again after the reset time.' });
    assert.deepEqual(long.actions, ['syncWhenReset', 'signIn']);
    assert.equal(long.resetAt, '2026-12-01T00:36:22.000Z');
    assert.match(long.message, /Signing in raises the limit\.$/);
    const short = present('RATE_LIMITED', 'x', { resetAt: '2026-12-01T00:06:52.000Z' });
    assert.deepEqual(short.actions, ['retry']);
    assert.match(short.message, /resets in 30 s, at 00:06\./);
  });

  it('offers the moved-aside file for corrupt storage; silent on cancellation', () => {
    assert.deepEqual(present('STORAGE_CORRUPT', 'x', { path: '/s/history.json.corrupt' }).actions, ['revealFile', 'showLog']);
    assert.equal(present('CANCELLED').severity, 'silent');
  });

  it('maps to the banner\'s buttons without duplicates', () => {
    assert.deepEqual(toWebviewActions(['authorize', 'showLog']), ['showLog']);
    assert.deepEqual(toWebviewActions(['syncWhenReset', 'signIn']), ['syncWhenReset', 'signIn']);
  });
});
