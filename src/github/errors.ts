// Pure classification of a failed HTTP exchange: wait and retry, or fail with a SyncError.
// No I/O here: the requester feeds in what it saw, the tests feed in raw fixtures.
import { SyncError } from '../core/errors';
import { retryDelaySeconds } from '../core/retry';

/** What the requester observed. `status` is 0 when no response arrived (dropped connection, DNS…). */
export interface HttpFailure {
  status: number;
  headers: Record<string, string>;
  /** GitHub's `message`, the text of a non-JSON body, or the network error's message. */
  message: string;
  /** The error body was text that is not JSON (an HTML page from a proxy or a wrong host). */
  htmlBody?: boolean;
}

/** What was being fetched: a 404 means something different for each. */
export type Target = 'repository' | 'branch' | 'object';

export interface FailureContext {
  hasToken: boolean;
  target: Target;
  /** `owner/name on host`, for messages. */
  repoLabel: string;
  host: string;
  /** Retries of 5xx/network failures already made for this request. */
  retryAttempt: number;
  /** Rate-limit waits already made for this request. */
  rateLimitAttempt: number;
  retries: number;
  maxWaitSeconds: number;
  /** Base of the exponential retry back-off, in ms. */
  retryBaseMs: number;
  nowMs: number;
}

export type WaitReason = 'primary-rate-limit' | 'secondary-rate-limit' | 'retry';
export type Decision = { kind: 'wait'; reason: WaitReason; seconds: number; resetAt?: string } | { kind: 'fail'; error: SyncError };

/** Rate-limit waits per request before giving up even when each wait is short. */
export const MAX_RATE_LIMIT_WAITS = 5;
const SECONDARY_DEFAULT_SECONDS = 60;

export function classifyFailure(f: HttpFailure, ctx: FailureContext): Decision {
  if (f.status === 0 || f.status >= 500) return retryOrFail(f, ctx);
  if (f.status === 401) return fail(unauthorized(ctx));
  const sso = ssoUrl(f.headers);
  if (f.status === 403 && sso !== undefined) return fail(ssoRequired(ctx, sso));
  if (f.status === 403 || f.status === 429) {
    const limited = rateLimitWait(f, ctx);
    if (limited) return limited;
  }
  if (f.htmlBody) return fail(notJson(ctx, f.status));
  if (f.status === 403) return fail(forbidden(f, ctx));
  if (f.status === 404) return fail(notFound(ctx));
  // GitHub answers 409 "Git Repository is empty." for refs, commits and trees of a repository without commits.
  if (f.status === 409 && /empty/i.test(f.message)) {
    return fail(new SyncError('EMPTY_REPOSITORY', `${ctx.repoLabel} is empty: it has no commits yet.`, { hint: 'Push a first commit to it, then sync again.' }));
  }
  return fail(new SyncError('NETWORK', `${ctx.host} answered ${f.status} (${f.message || 'no message'}) for ${ctx.repoLabel}.`));
}

/** The authorisation URL of an `X-GitHub-SSO: required; url=…` header. */
export function ssoUrl(headers: Record<string, string>): string | undefined {
  const header = headers['x-github-sso'];
  if (!header || !/^\s*required/i.test(header)) return undefined;
  return /url=(\S+)/i.exec(header)?.[1] ?? '';
}

export function isSecondaryLimit(f: HttpFailure): boolean {
  return /secondary rate limit|abuse detection/i.test(f.message) || f.headers['retry-after'] !== undefined;
}

function rateLimitWait(f: HttpFailure, ctx: FailureContext): Decision | undefined {
  const remaining = f.headers['x-ratelimit-remaining'];
  const reset = Number(f.headers['x-ratelimit-reset']);
  const resetAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : undefined;
  // One extra second covers clock skew between us and the server.
  const untilReset = resetAt ? Math.max(1, Math.ceil((reset * 1000 - ctx.nowMs) / 1000) + 1) : undefined;
  if (isSecondaryLimit(f)) {
    const retryAfter = Number(f.headers['retry-after']);
    const seconds =
      Number.isFinite(retryAfter) && retryAfter >= 0 && f.headers['retry-after'] !== undefined
        ? Math.max(retryAfter, 0)
        : remaining === '0' && untilReset !== undefined
          ? untilReset
          : SECONDARY_DEFAULT_SECONDS * 2 ** ctx.rateLimitAttempt;
    return limitedWait('secondary-rate-limit', seconds, ctx, new Date(ctx.nowMs + seconds * 1000).toISOString());
  }
  if (remaining === '0') return limitedWait('primary-rate-limit', untilReset ?? SECONDARY_DEFAULT_SECONDS, ctx, resetAt);
  if (f.status === 429) {
    const seconds = SECONDARY_DEFAULT_SECONDS * 2 ** ctx.rateLimitAttempt;
    return limitedWait('secondary-rate-limit', seconds, ctx, new Date(ctx.nowMs + seconds * 1000).toISOString());
  }
  return undefined;
}

function limitedWait(reason: WaitReason, seconds: number, ctx: FailureContext, resetAt: string | undefined): Decision {
  if (seconds > ctx.maxWaitSeconds || ctx.rateLimitAttempt >= MAX_RATE_LIMIT_WAITS) {
    const when = resetAt ? ` until ${resetAt}` : '';
    const kind = reason === 'primary-rate-limit' ? 'API rate limit' : 'secondary rate limit';
    return fail(
      new SyncError('RATE_LIMITED', `${ctx.host}'s ${kind} is exhausted${when} (a wait of ${seconds} s, more than the ${ctx.maxWaitSeconds} s allowed).`, {
        hint: ctx.hasToken ? 'Try again after the reset time.' : 'Sign in to GitHub for a higher limit, or try again after the reset time.',
        ...(resetAt ? { resetAt } : {}),
      }),
    );
  }
  return { kind: 'wait', reason, seconds, ...(resetAt ? { resetAt } : {}) };
}

function retryOrFail(f: HttpFailure, ctx: FailureContext): Decision {
  const seconds = retryDelaySeconds(ctx.retryAttempt, ctx);
  if (seconds !== undefined) return { kind: 'wait', reason: 'retry', seconds };
  if (f.status === 0) {
    return fail(
      new SyncError('NETWORK', `Could not reach ${ctx.host} (${f.message || 'connection failed'}), after ${ctx.retries + 1} attempts.`, {
        hint: 'Check your network connection or proxy, then try again.',
      }),
    );
  }
  if (f.htmlBody) return fail(notJson(ctx, f.status));
  return fail(
    new SyncError('NETWORK', `${ctx.host} kept failing with ${f.status} (${f.message || 'server error'}), after ${ctx.retries + 1} attempts.`, {
      hint: 'GitHub may be having trouble; try again later.',
    }),
  );
}

function unauthorized(ctx: FailureContext): SyncError {
  return ctx.hasToken
    ? new SyncError('AUTH_REQUIRED', `The token was rejected by ${ctx.host} (bad credentials).`, { hint: 'Sign in again to get a new token.' })
    : new SyncError('AUTH_REQUIRED', `${ctx.host} requires you to sign in to read ${ctx.repoLabel}.`, { hint: 'Sign in to GitHub.' });
}

function ssoRequired(ctx: FailureContext, url: string): SyncError {
  return new SyncError('AUTH_REQUIRED', `The organisation of ${ctx.repoLabel} uses SAML single sign-on: authorise your token for it.`, {
    hint: url ? `Open ${url} to authorise the token, then sign in again.` : 'Authorise the token for the organisation, then sign in again.',
    ...(url ? { url } : {}),
  });
}

function forbidden(f: HttpFailure, ctx: FailureContext): SyncError {
  return new SyncError('AUTH_REQUIRED', `${ctx.host} refused access to ${ctx.repoLabel}${f.message ? ` (${f.message})` : ''}.`, {
    hint: ctx.hasToken ? 'Sign in with an account that can read this repository.' : 'Sign in to GitHub.',
  });
}

function notFound(ctx: FailureContext): SyncError {
  if (ctx.target === 'repository') {
    return ctx.hasToken
      ? new SyncError('NO_REMOTE', `The repository ${ctx.repoLabel} was not found, or this account cannot see it.`, {
          hint: 'Check the remote URL, or sign in with an account that has access.',
        })
      : new SyncError('AUTH_REQUIRED', `The repository ${ctx.repoLabel} was not found: it may be private; sign in to GitHub to sync it.`, {
          hint: 'Sign in to GitHub.',
        });
  }
  if (ctx.target === 'branch') return new SyncError('BRANCH_NOT_FOUND', `The branch was not found in ${ctx.repoLabel}.`);
  return new SyncError('NETWORK', `${ctx.host} no longer has an object of ${ctx.repoLabel} it listed (404).`, { hint: 'Sync again.' });
}

function notJson(ctx: FailureContext, status: number): SyncError {
  return new SyncError(
    'NETWORK',
    `${ctx.host} answered with a web page instead of GitHub API JSON (HTTP ${status}): a proxy, a captive portal or a wrong GitHub Enterprise address is in the way.`,
    { hint: 'Check the remote URL and your proxy settings.' },
  );
}

function fail(error: SyncError): Decision {
  return { kind: 'fail', error };
}
