// When the follow poll runs next. Pure (the clock is an input) so the rules are unit-tested:
// the configured interval (at least 10 s), never below GitHub's X-Poll-Interval or what the
// remaining rate limit allows, and exponential back-off while offline or signed out.
import type { ErrorCode } from '../../core/types';

export const MIN_POLL_SECONDS = 10;
export const DEFAULT_POLL_SECONDS = 60;
/** Back-off never waits longer than this (or the interval itself, when that is longer). */
export const MAX_BACKOFF_SECONDS = 300;

/** What the last poll learned; the follow state shown in the status bar. */
export type FollowHealth = 'ok' | 'offline' | 'signedOut' | 'rateLimited' | 'error';

export interface PollInput {
  /** projectSync.pollInterval (seconds); clamped to MIN_POLL_SECONDS. */
  configuredSeconds: number;
  /** Consecutive failed polls (0 after a success). */
  failures: number;
  /** GitHub's X-Poll-Interval from the last answer. */
  pollIntervalSeconds?: number;
  rateLimitRemaining?: number;
  /** Epoch seconds. */
  rateLimitReset?: number;
  nowMs: number;
}

/** The configured interval, clamped: a missing or bad value is the default, anything lower is 10 s. */
export function effectiveInterval(configured: unknown): number {
  if (typeof configured !== 'number' || !Number.isFinite(configured)) return DEFAULT_POLL_SECONDS;
  return Math.max(MIN_POLL_SECONDS, configured);
}

/** Seconds until the rate limit allows the next request (spread what remains over the time to the reset). */
export function rateLimitFloor(remaining: number | undefined, resetEpochSeconds: number | undefined, nowMs: number): number {
  if (remaining === undefined || resetEpochSeconds === undefined) return 0;
  const untilReset = Math.max(0, resetEpochSeconds - nowMs / 1000);
  if (remaining <= 0) return Math.ceil(untilReset) + 1;
  return Math.ceil(untilReset / remaining);
}

/** Milliseconds until the next poll. */
export function nextPollDelay(input: PollInput): number {
  const base = Math.max(effectiveInterval(input.configuredSeconds), input.pollIntervalSeconds ?? 0);
  const floor = rateLimitFloor(input.rateLimitRemaining, input.rateLimitReset, input.nowMs);
  const backoff = input.failures > 0 ? Math.min(Math.max(base, MAX_BACKOFF_SECONDS), base * 2 ** (input.failures - 1)) : base;
  return Math.max(backoff, floor) * 1000;
}

/** How a failed poll is shown: network and sign-in problems are quiet states, never pop-ups. */
export function healthOf(code: ErrorCode): FollowHealth {
  switch (code) {
    case 'NETWORK':
      return 'offline';
    case 'AUTH_REQUIRED':
      return 'signedOut';
    case 'RATE_LIMITED':
      return 'rateLimited';
    default:
      return 'error';
  }
}

/** Whether a focus change should poll now: back after being away for at least one interval. */
export function pollOnFocus(awaySinceMs: number | undefined, nowMs: number, intervalSeconds: number): boolean {
  return awaySinceMs !== undefined && nowMs - awaySinceMs >= intervalSeconds * 1000;
}

/** The status bar while following: "following main · synced 2 min ago", or why it is paused. */
export function followStatusText(
  follow: { branch: string; health: FollowHealth },
  lastSyncedAt: string | undefined,
  age: (iso: string) => string,
  t: (message: string, ...args: Array<string | number>) => string,
): { text: string; tooltip: string } {
  const { branch, health } = follow;
  switch (health) {
    case 'offline':
      return { text: `$(debug-disconnect) ${t('following {0} · offline', branch)}`, tooltip: t('Project Sync: offline; checking {0} again with back-off', branch) };
    case 'signedOut':
      return { text: `$(account) ${t('following {0} · signed out', branch)}`, tooltip: t('Project Sync: sign in to GitHub to keep following {0}', branch) };
    case 'rateLimited':
      return { text: `$(watch) ${t('following {0} · rate limited', branch)}`, tooltip: t('Project Sync: waiting for the rate limit before checking {0}', branch) };
    default: {
      const synced = lastSyncedAt ? t('synced {0}', age(lastSyncedAt)) : t('not synced yet');
      return { text: `$(eye) ${t('following {0}', branch)} · ${synced}`, tooltip: t('Project Sync: following {0}; it syncs when the branch moves', branch) };
    }
  }
}

/** The part of a git extension repository state a push or fetch changes (state.refs is deprecated: not read). */
export interface GitStateLike {
  readonly HEAD?: { readonly upstream?: { readonly remote?: string; readonly name?: string; readonly commit?: string }; readonly ahead?: number; readonly behind?: number };
}

/** What a push or fetch changes: the upstream's commit and ahead/behind of the current branch. */
export function remoteRefsSignature(state: GitStateLike): string {
  const head = state.HEAD;
  const upstream = head?.upstream ? `${head.upstream.remote ?? ''}/${head.upstream.name ?? ''}@${head.upstream.commit ?? ''}` : '';
  return JSON.stringify([upstream, head?.ahead ?? null, head?.behind ?? null]);
}
