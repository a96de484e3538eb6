// Display strings and formatting both sides of the webview protocol agree on. Pure: the webview
// imports this (it may import nothing else from src/), and the host's tests can check it in Node.
import { phaseTitles as corePhaseTitles } from '../core/syncEvents';
import type { SyncPhase } from '../core/types';
import type { ProblemCode, SyncSummary, WaitingReason, WebviewAction, WireStats } from './messages';

export const phaseTitles: Readonly<Record<SyncPhase, string>> = corePhaseTitles;

export const actionLabels: Readonly<Record<WebviewAction, string>> = {
  signIn: 'Sign In',
  retry: 'Retry',
  showLog: 'Show Log',
  openSettings: 'Open Settings',
  chooseBranch: 'Choose Branch\u2026',
  syncWhenReset: 'Sync When the Limit Resets',
  openFolder: 'Open Folder',
  cloneRepository: 'Clone Repository',
  initRepository: 'Initialize Repository',
  addRemote: 'Add Remote\u2026',
  learnMore: 'Learn More',
};

/**
 * A workspace Project Sync cannot sync yet (no folder, not a git repository, no GitHub remote, a
 * remote elsewhere): not an error but a first step, with the actions Source Control offers.
 */
export interface SetupContent {
  title: string;
  message: string;
  actions: WebviewAction[];
}

export function setupContent(code: ProblemCode, detail: string): SetupContent | null {
  switch (code) {
    case 'NO_FOLDER':
      return {
        title: 'Open a GitHub repository',
        message: 'Project Sync keeps a restorable history of a branch of a GitHub repository. Open a folder that is a clone of one, or clone one.',
        actions: ['openFolder', 'cloneRepository', 'learnMore'],
      };
    case 'NO_GIT_REPO':
      return {
        title: 'Not a git repository',
        message: 'This folder is not a git repository yet. Initialize one and add a GitHub remote, or clone a GitHub repository.',
        actions: ['initRepository', 'cloneRepository', 'learnMore'],
      };
    case 'NO_REMOTE': {
      // A config git refuses, or a remote without a URL (src/github/localRepo.ts): adding a remote
      // would fail on either, so the engine's sentence and the mend are shown, without Add Remote.
      const mend = /^The git config .* cannot be read/.test(detail)
        ? 'Run git config --list in the repository to see what git says about it, and mend the file.'
        : /^The remote '.*' has no URL to fetch from/.test(detail)
          ? 'Give it one (git remote set-url), or choose another remote in the settings.'
          : undefined;
      if (mend) return { title: 'No GitHub remote', message: `${detail} ${mend}`, actions: ['openSettings', 'learnMore'] };
      return {
        title: 'No GitHub remote',
        message: 'This repository has no GitHub remote to sync from. Add one (for example origin → https://github.com/OWNER/REPO.git), or choose another remote in the settings.',
        actions: ['addRemote', 'openSettings', 'learnMore'],
      };
    }
    case 'UNSUPPORTED_REMOTE':
      return {
        title: 'Not a GitHub remote',
        message: `${detail ? `${detail} ` : ''}Project Sync syncs repositories on GitHub and GitHub Enterprise. Add a GitHub remote, or choose another remote in the settings.`.trim(),
        actions: ['addRemote', 'openSettings', 'learnMore'],
      };
    default:
      return null;
  }
}

/** The buttons offered beside an error or problem: what the user can do about it, most useful first. */
export function actionsFor(code: ProblemCode): WebviewAction[] {
  switch (code) {
    case 'AUTH_REQUIRED':
      return ['signIn', 'showLog'];
    case 'NO_REMOTE':
    case 'UNSUPPORTED_REMOTE':
      return ['openSettings', 'showLog'];
    case 'NO_FOLDER':
      return [];
    case 'BRANCH_NOT_FOUND':
      return ['chooseBranch', 'showLog'];
    case 'RATE_LIMITED':
      return ['showLog'];
    case 'CANCELLED':
      return ['retry'];
    default:
      return ['retry', 'showLog'];
  }
}

/** The pipeline's steps in order (`done` is not a step). */
export const phaseSteps: readonly SyncPhase[] = ['resolving', 'fetchingHead', 'fetchingTree', 'diffing', 'fetchingContent', 'indexing', 'saving'];

/** Each step's share of a typical sync's time: the tree and the content are most of it. */
const phaseWeights: Readonly<Record<SyncPhase, number>> = {
  resolving: 2,
  fetchingHead: 3,
  fetchingTree: 25,
  diffing: 5,
  fetchingContent: 45,
  indexing: 15,
  saving: 5,
  done: 0,
};

/**
 * One bar across the whole sync: the finished steps' weights plus the current step's share of its
 * own count (none while its total is unknown). `step` is 1-based ("step 3 of 7").
 */
export function overallProgress(phase: SyncPhase, done: number, total: number | null): { step: number; steps: number; fraction: number } {
  const steps = phaseSteps.length;
  if (phase === 'done') return { step: steps, steps, fraction: 1 };
  const index = Math.max(0, phaseSteps.indexOf(phase));
  const all = phaseSteps.reduce((sum, p) => sum + phaseWeights[p], 0);
  const before = phaseSteps.slice(0, index).reduce((sum, p) => sum + phaseWeights[p], 0);
  const within = total !== null && total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  return { step: index + 1, steps, fraction: Math.min(1, (before + phaseWeights[phase] * within) / all) };
}

/** What a wait is, as the banner's title: never the phase it interrupted. */
export const waitingHeadlines: Readonly<Record<WaitingReason, string>> = {
  'primary-rate-limit': 'Waiting for the rate limit',
  'secondary-rate-limit': 'Waiting: GitHub asked us to slow down',
  retry: 'Waiting to retry',
};

/** Bytes and requests in words a user reads ("1.6 KB downloaded"); the exact figures for a tooltip. */
export function describeTransfer(stats: Pick<WireStats, 'bytes' | 'requests'>): { text: string; detail: string } {
  const text = stats.bytes > 0 ? `${formatBytes(stats.bytes)} downloaded` : 'Nothing downloaded';
  const requests = stats.requests === 1 ? '1 request' : `${formatCount(stats.requests)} requests`;
  return { text, detail: `${formatCount(stats.bytes)} bytes in ${requests} to GitHub` };
}

export const waitingTitles: Readonly<Record<WaitingReason, string>> = {
  'primary-rate-limit': 'GitHub rate limit reached',
  'secondary-rate-limit': 'GitHub asked us to slow down',
  retry: 'Connection problem',
};

/** The shape of vscode.l10n.t for positional arguments: `t('{0} min ago', 5)`. */
export type Translate = (message: string, ...args: Array<string | number>) => string;

/** Formats `{0}` placeholders without translating (the webview, the CLI, tests). */
export const formatOnly: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? whole : String(v);
  });

/** A short age: `just now`, `5 min ago`, `3 h ago`, `2 days ago`, then the date. */
export function formatAge(iso: string, now: Date, t: Translate = formatOnly): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, Math.round((now.getTime() - then) / 1000));
  if (seconds < 45) return t('just now');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('{0} min ago', minutes);
  const hours = Math.round(minutes / 60);
  if (hours < 24) return t('{0} h ago', hours);
  const days = Math.round(hours / 24);
  if (days === 1) return t('yesterday');
  if (days < 30) return t('{0} days ago', days);
  return new Date(then).toISOString().slice(0, 10);
}

/** What a sync's changes are measured against, as the base record shows it. */
export interface BaseRef {
  branch: string;
  commitSha: string | null;
  completedAt: string | null;
}

/**
 * What a sync was compared with, in words every surface shares: `compared with main @ 1f4ddd3, 2 h
 * ago`, or `first sync of feature/x` when the branch had no earlier sync.
 */
export function describeBase(base: BaseRef | undefined, branch: string, now: Date, t: Translate = formatOnly): string {
  if (!base) return t('first sync of {0}', branch);
  const age = base.completedAt ? formatAge(base.completedAt, now, t) : '';
  const at = base.commitSha ? ` @ ${shortSha(base.commitSha)}` : '';
  return age ? t('compared with {0}, {1}', `${base.branch}${at}`, age) : t('compared with {0}', `${base.branch}${at}`);
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

let number: Intl.NumberFormat | undefined;

/**
 * `n` as en-US writes it ("12,345"). Intl's first use sets up ICU for about 15 ms, which a CLI
 * process would pay on every run (it was built when this module loaded): whole non-negative
 * numbers, all this product counts, are grouped here; anything else goes to Intl, built then.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || Object.is(n, -0)) return (number ??= new Intl.NumberFormat('en-US')).format(n);
  const digits = String(n);
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) out = (end > 3 ? ',' : '') + digits.slice(Math.max(0, end - 3), end) + out;
  return out;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `0:07`, `4:05`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `+3 ~2 −1` (U+2212 minus, as in the history tree). */
export function formatChanges(stats: Pick<WireStats, 'added' | 'modified' | 'removed'>): string {
  return `+${formatCount(stats.added)} ~${formatCount(stats.modified)} \u2212${formatCount(stats.removed)}`;
}

export function describeChanges(stats: Pick<WireStats, 'added' | 'modified' | 'removed'>): string {
  return `${formatCount(stats.added)} added, ${formatCount(stats.modified)} modified, ${formatCount(stats.removed)} removed`;
}

/**
 * One sentence about a finished attempt, for the banner and the live region. A completed sync whose
 * summary knows its base says what it was compared with (`describeBase`, relative to `now`).
 */
export function summarize(sync: SyncSummary, now: Date = new Date()): string {
  const at = sync.commitSha ? ` @ ${shortSha(sync.commitSha)}` : '';
  switch (sync.status) {
    case 'completed': {
      const { added, modified, removed, files } = sync.stats;
      const changes = added + modified + removed === 0 ? 'no changes' : describeChanges(sync.stats);
      const verb = sync.kind === 'restore' ? 'Restored' : 'Synced';
      const base = sync.base === undefined ? '' : `; ${describeBase(sync.base ?? undefined, sync.branch, now)}`;
      return `${verb} ${sync.branch}${at}: ${changes} (${formatCount(files)} files)${base}.`;
    }
    case 'cancelled':
      return sync.memoryIncomplete
        ? `Sync of ${sync.branch} was cancelled while indexing memory: its snapshot is saved, and the next sync of ${sync.branch} completes its memory.`
        : `Sync of ${sync.branch} was cancelled.`;
    case 'interrupted':
      return `Sync of ${sync.branch} was interrupted.`;
    case 'failed':
      return sync.error?.message ?? `Sync of ${sync.branch} failed.`;
    default:
      return `Sync of ${sync.branch} is ${sync.status}.`;
  }
}
