import type { ErrorCode } from './types';

/** Marks every SyncError, whichever copy of this module made it (see Symbol.hasInstance below). */
const syncErrorBrand = Symbol.for('projectSync.SyncError');

/** The one error type the engine raises: a stable code for tools, a sentence for people. */
export class SyncError extends Error {
  override readonly name = 'SyncError';
  /**
   * The extension loads the engine as a bundle of its own (dist/engine.js) with its own copy of this
   * class: `instanceof SyncError` checks the brand, so an engine error keeps its code in the extension.
   */
  static override [Symbol.hasInstance](value: unknown): value is SyncError {
    return typeof value === 'object' && value !== null && (value as { [syncErrorBrand]?: unknown })[syncErrorBrand] === true;
  }
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
Object.defineProperty(SyncError.prototype, syncErrorBrand, { value: true });

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

/**
 * `promise`, or a CANCELLED error as soon as `signal` aborts, whichever comes first: for a wait on
 * work that cannot be told to stop (a worker's batch) and that the caller stops itself once it has
 * stopped waiting.
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new SyncError('CANCELLED', 'The sync was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new SyncError('CANCELLED', 'The sync was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
