import type { ErrorCode } from './types';

/** The one error type the engine raises: a stable code for tools, a sentence for people. */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      /** What the user can do about it, one short sentence. */
      hint?: string;
      /** SSO authorisation URL, reset time, moved-aside file, lock holder… */
      url?: string;
      resetAt?: string;
      path?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

export function isSyncError(e: unknown, code?: ErrorCode): e is SyncError {
  return e instanceof SyncError && (code === undefined || e.code === code);
}

/** Turn anything thrown into a SyncError without losing a code that is already there. */
export function toSyncError(e: unknown): SyncError {
  if (e instanceof SyncError) return e;
  if (isAbortError(e)) return new SyncError('CANCELLED', 'The sync was cancelled.');
  const message = e instanceof Error ? e.message : String(e);
  return new SyncError('INTERNAL', message, { cause: e });
}

export function isAbortError(e: unknown): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    ((e as { name?: string }).name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR')
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SyncError('CANCELLED', 'The sync was cancelled.');
}
