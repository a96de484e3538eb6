// Follow's pure parts: when the next poll runs, how failures are shown, what the status bar
// says, and which git-extension changes count as a push or fetch.
import assert from 'node:assert/strict';
import {
  effectiveInterval,
  followStatusText,
  healthOf,
  nextPollDelay,
  pollOnFocus,
  rateLimitFloor,
  remoteRefsSignature,
} from '../../src/extension/follow/followSchedule';
import { formatOnly } from '../../src/extension/text';

const now = Date.UTC(2025, 0, 1, 12, 0, 0);
const delay = (over: Partial<Parameters<typeof nextPollDelay>[0]> = {}) => nextPollDelay({ configuredSeconds: 60, failures: 0, nowMs: now, ...over }) / 1000;

describe('follow: poll scheduling', () => {
  it('polls at the configured interval, never below 10 s, 60 s when unset or invalid', () => {
    assert.equal(delay(), 60);
    assert.equal(delay({ configuredSeconds: 15 }), 15);
    assert.equal(delay({ configuredSeconds: 1 }), 10);
    assert.deepEqual([undefined, 'x', Number.NaN].map(effectiveInterval), [60, 60, 60]);
  });

  it("never polls more often than GitHub's X-Poll-Interval", () => {
    assert.equal(delay({ configuredSeconds: 10, pollIntervalSeconds: 60 }), 60);
    assert.equal(delay({ configuredSeconds: 120, pollIntervalSeconds: 60 }), 120);
  });

  it('spreads the remaining rate limit until its reset, and waits for the reset when none is left', () => {
    const reset = now / 1000 + 3600;
    assert.equal(delay({ configuredSeconds: 10, rateLimitRemaining: 4999, rateLimitReset: reset }), 10);
    assert.equal(delay({ configuredSeconds: 10, rateLimitRemaining: 30, rateLimitReset: reset }), 120);
    assert.equal(delay({ configuredSeconds: 10, rateLimitRemaining: 0, rateLimitReset: reset }), 3601);
    assert.equal(rateLimitFloor(undefined, reset, now), 0);
  });

  it('backs off exponentially while failing, capped at 5 min, and recovers at once after a success', () => {
    const seq = [1, 2, 3, 4, 5, 6].map((failures) => delay({ configuredSeconds: 30, failures }));
    assert.deepEqual(seq, [30, 60, 120, 240, 300, 300]);
    assert.equal(delay({ configuredSeconds: 30, failures: 0 }), 30);
    assert.equal(delay({ configuredSeconds: 600, failures: 3 }), 600, 'a long interval is never shortened by the cap');
  });

  it('polls on focus only after being away for at least one interval', () => {
    assert.equal(pollOnFocus(undefined, now, 60), false);
    assert.equal(pollOnFocus(now - 59_000, now, 60), false);
    assert.equal(pollOnFocus(now - 60_000, now, 60), true);
  });
});

describe('follow: health and status text', () => {
  it('shows network and sign-in problems as quiet states', () => {
    assert.deepEqual((['NETWORK', 'AUTH_REQUIRED', 'RATE_LIMITED', 'BRANCH_NOT_FOUND'] as const).map(healthOf), ['offline', 'signedOut', 'rateLimited', 'error']);
  });

  it('says "following main · synced 2 min ago", or offline', () => {
    const age = () => '2 min ago';
    assert.equal(followStatusText({ branch: 'main', health: 'ok' }, '2025-01-01T11:58:00Z', age, formatOnly).text, '$(eye) following main · synced 2 min ago');
    assert.equal(followStatusText({ branch: 'main', health: 'ok' }, undefined, age, formatOnly).text, '$(eye) following main · not synced yet');
    assert.match(followStatusText({ branch: 'main', health: 'offline' }, '2025-01-01T11:58:00Z', age, formatOnly).text, /following main · offline$/);
  });
});

describe('follow: push/fetch detection', () => {
  const state = (commit: string, ahead = 0, behind = 0) => ({ HEAD: { upstream: { remote: 'origin', name: 'main', commit }, ahead, behind } });
  it('changes when the upstream moves (fetch) or a push clears ahead, not otherwise', () => {
    assert.equal(remoteRefsSignature(state('a')), remoteRefsSignature(state('a')));
    assert.notEqual(remoteRefsSignature(state('a')), remoteRefsSignature(state('b', 0, 1)), 'a fetch brought a commit');
    assert.notEqual(remoteRefsSignature(state('a', 1)), remoteRefsSignature(state('b', 0)), 'a push');
    assert.notEqual(remoteRefsSignature(state('a', 1)), remoteRefsSignature(state('a', 0)));
    assert.equal(remoteRefsSignature({}), remoteRefsSignature({ HEAD: {} }), 'no upstream: nothing to notice');
  });
});
