// The retry policy of transient network failures, shared by every transport: REST requests
// (src/github/requester.ts through classifyFailure) and git pack transfers (src/engine/objects/pack.ts).
// Pure: the callers decide what is transient, this decides whether and how long to wait.

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Back-off before the first retry, in ms; doubled for each next one. */
  retryBaseMs: number;
}

/** 3 retries, waiting 1 s, 2 s, 4 s: four attempts in all. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, retryBaseMs: 1000 };

/**
 * Seconds to wait before retrying after the transient failure of attempt `retryAttempt + 1`
 * (`retryAttempt` retries already made), or undefined when the budget is spent.
 */
export function retryDelaySeconds(retryAttempt: number, policy: RetryPolicy): number | undefined {
  if (retryAttempt >= policy.retries) return undefined;
  return (policy.retryBaseMs * 2 ** retryAttempt) / 1000;
}
