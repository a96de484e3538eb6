// The error boundary's table: which message and which actions a SyncError gets. Pure, so the
// mapping is unit-tested; src/extension/commands/errorBoundary.ts shows it with vscode.window and
// the Sync view's banner shows the same words and actions (never both at once).
//
// Words: what happened and what to do, in whole sentences; no git stderr with the URL twice, no
// ISO timestamps or second counts ("GitHub's rate limit resets in 30 min, at 01:36"), no Markdown
// escapes, no folder name or temp path as a prefix. Actions fit the error: Retry only for
// transient failures, Choose Branch… when the branch is gone, Sign In when the words say sign in,
// and for a long rate limit "Sync When the Limit Resets" instead of a Retry that would fail.
import type { SyncError } from '../../core/errors';
import type { WebviewAction } from '../../protocol/messages';
import type { Translate } from '../text';

export type ErrorAction =
  | 'signIn'
  | 'authorize'
  | 'retry'
  | 'showLog'
  | 'revealFile'
  | 'openSettings'
  | 'chooseBranch'
  | 'syncWhenReset';

export interface ErrorPresentation {
  /** `silent` for cancellations: the user asked for it, nothing to report. */
  severity: 'error' | 'warning' | 'silent';
  message: string;
  /** Most useful first; the first is the only primary one. */
  actions: ErrorAction[];
  /** For `syncWhenReset`: when the limit resets (ISO). */
  resetAt?: string;
}

/** A rate limit that resets within this is retried; a longer one is scheduled instead. */
export const SHORT_WAIT_MS = 60_000;

/**
 * `formatTime` renders the reset time of a rate limit in the user's locale ("01:36"); `nowMs` is
 * the clock the "resets in 30 min" is counted from.
 */
export function presentError(error: SyncError, t: Translate, formatTime: (iso: string) => string, nowMs: number = Date.now()): ErrorPresentation {
  const text = sentences(cleanMessage(error.message, error.code), error.details.hint ? cleanMessage(error.details.hint, error.code) : undefined);
  const saysSignIn = /\bsign in\b/i.test(text);
  switch (error.code) {
    case 'CANCELLED':
      return { severity: 'silent', message: text, actions: [] };
    case 'AUTH_REQUIRED':
      return error.details.url
        ? { severity: 'error', message: text, actions: ['authorize', 'showLog'] }
        : { severity: 'error', message: text, actions: ['signIn', 'showLog'] };
    case 'RATE_LIMITED':
      return presentRateLimit(error, t, formatTime, nowMs);
    case 'BRANCH_NOT_FOUND':
      return { severity: 'error', message: text, actions: ['chooseBranch', 'showLog'] };
    case 'NETWORK':
      return { severity: 'error', message: text, actions: saysSignIn ? ['signIn', 'showLog'] : ['retry', 'showLog'] };
    case 'LOCKED':
      return { severity: 'warning', message: text, actions: ['retry'] };
    case 'STORAGE_CORRUPT':
      return { severity: 'error', message: text, actions: error.details.path ? ['revealFile', 'showLog'] : ['showLog'] };
    case 'NO_REMOTE':
    case 'UNSUPPORTED_REMOTE':
      return { severity: 'error', message: text, actions: ['openSettings', 'showLog'] };
    default:
      return { severity: 'error', message: text, actions: saysSignIn ? ['signIn', 'showLog'] : ['showLog'] };
  }
}

function presentRateLimit(error: SyncError, t: Translate, formatTime: (iso: string) => string, nowMs: number): ErrorPresentation {
  const secondary = /secondary/i.test(error.message);
  const headline = secondary ? t('GitHub asked Project Sync to slow down.') : t("GitHub's API rate limit is used up.");
  const signedOut = /sign in/i.test(error.details.hint ?? '');
  const resetMs = error.details.resetAt ? Date.parse(error.details.resetAt) : Number.NaN;
  if (Number.isNaN(resetMs)) {
    const advice = signedOut ? t('Sign in for a higher limit, or try again later.') : t('Try again later.');
    return { severity: 'error', message: `${headline} ${advice}`, actions: signedOut ? ['signIn', 'showLog'] : ['showLog'] };
  }
  const waitMs = Math.max(0, resetMs - nowMs);
  const resets = t('It resets in {0}, at {1}.', waitWords(waitMs, t), formatTime(error.details.resetAt ?? ''));
  const advice = signedOut ? ` ${t('Signing in raises the limit.')}` : '';
  const message = `${headline} ${resets}${advice}`;
  if (waitMs <= SHORT_WAIT_MS) return { severity: 'warning', message, actions: signedOut ? ['retry', 'signIn'] : ['retry'] };
  return { severity: 'warning', message, actions: signedOut ? ['syncWhenReset', 'signIn'] : ['syncWhenReset'], resetAt: error.details.resetAt };
}

/** "45 s", "30 min", "2 h 5 min". */
export function waitWords(ms: number, t: Translate): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return t('{0} s', seconds);
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('{0} min', minutes);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? t('{0} h', h) : t('{0} h {1} min', h, m);
}

/** Join parts into sentences: each ends with a period (or ?/!), separated by one space. */
export function sentences(...parts: Array<string | undefined>): string {
  return parts
    .map((p) => (p ?? '').trim())
    .filter((p) => p.length > 0)
    .map((p) => (/[.!?]$/.test(p) ? p : `${p}.`))
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join(' ');
}

/**
 * A message fit for a person: Markdown escapes undone (`octo\-org` → `octo-org`), git's stderr cut
 * to its reason without the URL it repeats, absolute paths and a leading "folder: " dropped.
 */
export function cleanMessage(message: string, code?: string): string {
  let m = message.replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1').replace(/\s+/g, ' ').trim();
  // "The git transfer from URL failed: Command failed: git fetch … fatal: unable to access 'URL': reason"
  const fatal = /\bfatal: (?:unable to access '[^']*': ?)?(.*)$/i.exec(m);
  if (fatal) {
    const head = m.slice(0, m.indexOf(':', m.search(/\bfailed\b/i) >= 0 ? m.search(/\bfailed\b/i) : 0)).trim();
    const reason = (fatal[1] ?? '').replace(/\s*\(?https?:\/\/\S+\)?/g, '').trim();
    m = head && reason ? `${head}: ${reason}` : reason || head || m;
  }
  // A URL said twice: keep the first.
  const url = /https?:\/\/[^\s'")]+/.exec(m)?.[0];
  if (url) {
    const first = m.indexOf(url) + url.length;
    m = m.slice(0, first) + m.slice(first).split(` (${url})`).join('').split(` '${url}'`).join('').split(` ${url}`).join('');
  }
  // "atlas: The folder /tmp/x/atlas is not…" → "This folder is not…"
  if (code === 'NO_GIT_REPO' || code === 'NO_REMOTE' || code === undefined) {
    m = m.replace(/^[^\s:/]+: (?=[A-Z])/, '');
    m = m.replace(/\b[Tt]he (folder|repository) (?:at )?\/\S+/g, (_w, what: string) => `This ${what}`);
    m = m.replace(/^\/\S+ is not inside/, 'This folder is not inside');
  }
  return m;
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
    case 'chooseBranch':
      return t('Choose Branch…');
    case 'syncWhenReset':
      return t('Sync When the Limit Resets');
  }
}

/** The banner's buttons for these actions (what the webview can ask for; the rest is the log). */
export function toWebviewActions(actions: readonly ErrorAction[]): WebviewAction[] {
  const out: WebviewAction[] = [];
  for (const a of actions) {
    const mapped: WebviewAction =
      a === 'authorize' || a === 'revealFile' ? 'showLog' : a;
    if (!out.includes(mapped)) out.push(mapped);
  }
  return out;
}
