// What the banner and the controls show, derived from the client state. Pure (no DOM), so the
// decisions a user sees — titles, progress, actions, enabled buttons — are unit-tested in Node.
import {
  actionsFor,
  describeChanges,
  describeTransfer,
  formatChanges,
  formatCount,
  formatDuration,
  overallProgress,
  phaseTitles,
  setupContent,
  summarize,
  waitingHeadlines,
  waitingTitles,
} from '../src/protocol/display';
import type { BranchItem, RunState, WaitingInfo, WebviewAction, WireStats } from '../src/protocol/messages';
import type { ClientState } from './state';

export type BannerMode = 'loading' | 'idle' | 'running' | 'waiting' | 'setup' | 'problem' | 'completed' | 'failed' | 'ended';

export interface StatItem {
  text: string;
  /** The same in words, for screen readers. */
  label: string;
  /** Exact figures, as a tooltip. */
  title?: string;
}

export interface BannerModel {
  mode: BannerMode;
  title: string;
  /** Animated dots after the title (a sync is running). */
  animated: boolean;
  /** Hidden when null; indeterminate while total is null. `label` says which step ("step 3 of 7"). */
  progress: { done: number; total: number | null; label?: string } | null;
  stats: StatItem[];
  elapsed: string | null;
  countdown: string | null;
  /** Why nothing moves (rate limit, retry), announced once rather than every second. */
  notice: string | null;
  message: string | null;
  actions: WebviewAction[];
}

const blank = {
  animated: false,
  progress: null,
  stats: [],
  elapsed: null,
  countdown: null,
  notice: null,
  message: null,
  actions: [],
};

export function bannerModel(state: ClientState, now: number): BannerModel {
  const view = state.view;
  if (!view) return { ...blank, mode: 'loading', title: 'Loading' };
  if (view.run) return runningModel(view.run, view.waiting, state.waitingUntil, now);
  const setup = view.problem && !view.repository ? setupContent(view.problem.code, view.problem.message) : null;
  if (setup) return { ...blank, mode: 'setup', title: setup.title, message: setup.message, actions: setup.actions };
  if (view.problem) {
    const title = view.problem.code === 'AUTH_REQUIRED' ? 'Sign in required' : 'Cannot sync';
    return { ...blank, mode: 'problem', title, message: view.problem.message, actions: actionsFor(view.problem.code) };
  }
  const last = view.lastSync;
  if (!last) {
    const hint = view.signedIn ? 'Choose a branch, then Sync.' : 'Choose a branch, then Sync. Signed out: public repositories only.';
    return { ...blank, mode: 'idle', title: 'Ready', message: hint };
  }
  switch (last.status) {
    case 'completed':
      return { ...blank, mode: 'completed', title: last.kind === 'restore' ? 'Restored' : 'Synced', message: summarize(last, new Date(now)), stats: statItems(last.stats) };
    case 'failed':
      return {
        ...blank,
        mode: 'failed',
        title: 'Sync failed',
        message: summarize(last, new Date(now)),
        actions: last.error?.actions ?? actionsFor(last.error?.code ?? 'INTERNAL'),
      };
    default:
      return {
        ...blank,
        mode: 'ended',
        title: last.status === 'cancelled' ? 'Sync cancelled' : 'Sync interrupted',
        message: summarize(last, new Date(now)),
        actions: ['retry'],
      };
  }
}

function runningModel(run: RunState, waiting: WaitingInfo | null, waitingUntil: number | null, now: number): BannerModel {
  const started = Date.parse(run.startedAt);
  const countdown = waiting
    ? `${waitingTitles[waiting.reason]}: resuming in ${formatDuration((waitingUntil ?? now) - now + 999)}`
    : null;
  // One bar across every step, weighted by what each usually costs; the step's own count in words.
  const overall = overallProgress(run.phase, run.done, run.total);
  const step = `step ${overall.step} of ${overall.steps}`;
  const count = run.total !== null && run.total > 0 && !waiting ? ` · ${formatCount(run.done)} of ${formatCount(run.total)}` : '';
  return {
    ...blank,
    mode: waiting ? 'waiting' : 'running',
    title: waiting ? waitingHeadlines[waiting.reason] : `${phaseTitles[run.phase]}`,
    animated: !waiting,
    progress: { done: Math.round(overall.fraction * 1000), total: 1000, label: `${step}${count}` },
    stats: statItems(run.stats),
    elapsed: Number.isNaN(started) ? null : formatDuration(now - started),
    countdown,
    notice: waiting ? waitingTitles[waiting.reason] : null,
    message: `Syncing ${run.branch} · ${step}${count}`,
  };
}

export function statItems(stats: WireStats): StatItem[] {
  const transfer = describeTransfer(stats);
  return [
    { text: `${formatCount(stats.files)} files`, label: `${formatCount(stats.files)} files` },
    { text: formatChanges(stats), label: describeChanges(stats) },
    { text: transfer.text, label: `${transfer.text}: ${transfer.detail}`, title: transfer.detail },
  ];
}

/** Progress as a percentage, or null while indeterminate. */
export function percent(progress: { done: number; total: number | null }): number | null {
  if (progress.total === null || progress.total <= 0) return null;
  return Math.min(100, Math.round((progress.done / progress.total) * 100));
}

/** The dropdown's sentinel: a leading space cannot start a git ref name, so no branch collides with it. */
export const MORE_BRANCHES = ' more';

export interface ControlsModel {
  options: { value: string; label: string }[];
  selected: string | null;
  dropdownEnabled: boolean;
  syncEnabled: boolean;
  cancelVisible: boolean;
  /** False while the workspace cannot sync (the banner shows its first steps instead). */
  visible?: boolean;
}

export function controlsModel(state: ClientState): ControlsModel {
  const view = state.view;
  if (!view) return { options: [], selected: null, dropdownEnabled: false, syncEnabled: false, cancelVisible: false };
  const branches = [...view.branches];
  const selected = view.selectedBranch ?? view.branches.find((b) => b.isDefault)?.name ?? view.branches[0]?.name ?? null;
  if (selected !== null && !branches.some((b) => b.name === selected)) {
    branches.push({ name: selected, commitSha: null, isDefault: false, isCurrent: false, isRecent: false });
  }
  const running = view.run !== null;
  const hasRepository = view.repository !== null;
  // A workspace that cannot sync shows its first steps instead of an empty, disabled dropdown.
  const hidden = !hasRepository && view.problem !== null;
  return {
    options: [
      ...orderBranches(branches).map((b) => ({ value: b.name, label: branchLabel(b) })),
      ...(hasRepository ? [{ value: MORE_BRANCHES, label: 'More branches\u2026' }] : []),
    ],
    selected,
    dropdownEnabled: hasRepository && !running,
    syncEnabled: hasRepository && !running && selected !== null,
    cancelVisible: running,
    visible: !hidden,
  };
}

/** Default first, then current, then recent; each group keeps the host's order. */
export function orderBranches(branches: readonly BranchItem[]): BranchItem[] {
  const rank = (b: BranchItem) => (b.isDefault ? 0 : b.isCurrent ? 1 : b.isRecent ? 2 : 3);
  return branches
    .map((b, i) => ({ b, i }))
    .sort((x, y) => rank(x.b) - rank(y.b) || x.i - y.i)
    .map((x) => x.b);
}

export function branchLabel(b: BranchItem): string {
  const flags = [b.isDefault && 'default', b.isCurrent && 'current', b.isRecent && !b.isDefault && 'recent'].filter(
    (f): f is string => typeof f === 'string',
  );
  return flags.length > 0 ? `${b.name} (${flags.join(', ')})` : b.name;
}
