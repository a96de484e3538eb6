// The error boundary's table: which message and which actions a SyncError gets. Pure, so the
// mapping is unit-tested; src/extension/commands/errorBoundary.ts shows it with vscode.window.
import type { SyncError } from '../../core/errors';
import type { Translate } from '../text';

export type ErrorAction = 'signIn' | 'authorize' | 'retry' | 'showLog' | 'revealFile' | 'openSettings';

export interface ErrorPresentation {
  /** `silent` for cancellations: the user asked for it, nothing to report. */
  severity: 'error' | 'warning' | 'silent';
  message: string;
  actions: ErrorAction[];
}

/** `formatTime` renders the reset time of a rate limit in the user's locale. */
export function presentError(error: SyncError, t: Translate, formatTime: (iso: string) => string): ErrorPresentation {
  const base = error.details.hint ? `${error.message} ${error.details.hint}` : error.message;
  switch (error.code) {
    case 'CANCELLED':
      return { severity: 'silent', message: base, actions: [] };
    case 'AUTH_REQUIRED':
      return error.details.url
        ? { severity: 'error', message: base, actions: ['authorize', 'showLog'] }
        : { severity: 'error', message: base, actions: ['signIn', 'showLog'] };
    case 'RATE_LIMITED': {
      const reset = error.details.resetAt ? formatTime(error.details.resetAt) : undefined;
      const message = reset ? `${base} ${t('The GitHub rate limit resets at {0}.', reset)}` : base;
      return { severity: 'error', message, actions: ['showLog'] };
    }
    case 'NETWORK':
      return { severity: 'error', message: base, actions: ['retry', 'showLog'] };
    case 'LOCKED':
      return { severity: 'warning', message: base, actions: ['retry'] };
    case 'STORAGE_CORRUPT':
      return { severity: 'error', message: base, actions: error.details.path ? ['showLog', 'revealFile'] : ['showLog'] };
    case 'NO_REMOTE':
    case 'UNSUPPORTED_REMOTE':
      return { severity: 'error', message: base, actions: ['openSettings', 'showLog'] };
    default:
      return { severity: 'error', message: base, actions: ['showLog'] };
  }
}

export function actionTitle(action: ErrorAction, t: Translate): string {
  switch (action) {
    case 'signIn':
      return t('Sign In');
    case 'authorize':
      return t('Authorize');
    case 'retry':
      return t('Retry');
    case 'showLog':
      return t('Show Log');
    case 'revealFile':
      return t('Reveal File');
    case 'openSettings':
      return t('Open Settings');
  }
}
