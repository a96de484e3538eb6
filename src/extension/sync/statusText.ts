// What the status bar item says. Pure; src/extension/sync/statusBar.ts applies it.
import { phaseTitles } from '../../core/syncEvents';
import type { SyncPhase, SyncRecord } from '../../core/types';
import { formatDuration, overallProgress, waitingTitles } from '../../protocol/display';
import type { WaitingReason } from '../../protocol/messages';
import { formatAge, type Translate } from '../text';

export interface RunningStatus {
  branch: string;
  phase: SyncPhase;
  done: number;
  total: number | null;
  kind: 'sync' | 'restore';
  /** Seconds left of a rate-limit wait, when waiting. */
  waitSeconds?: number;
  /** Milliseconds left of a wait (rate limit or a connection retry), when waiting; wins over waitSeconds. */
  waitMs?: number;
  /** Why it waits: the same words as the banner's countdown. */
  waitReason?: WaitingReason;
}

export interface StatusModel {
  state: 'hidden' | 'idle' | 'running' | 'failed';
  text: string;
  tooltip: string;
}

export function percent(done: number, total: number | null): number | undefined {
  if (total === null || total <= 0) return undefined;
  return Math.min(100, Math.max(0, Math.floor((done / total) * 100)));
}

export function statusModel(
  input: { running?: RunningStatus; last?: SyncRecord; lastError?: string },
  now: Date,
  t: Translate,
): StatusModel {
  const { running, last } = input;
  if (running) {
    // The banner's one bar across the steps, so both say the same percentage.
    const overall = overallProgress(running.phase, running.done, running.total);
    const pct = Math.floor(overall.fraction * 100);
    const phase = phaseTitles[running.phase];
    const doing = running.kind === 'restore' ? t('Restoring {0}', running.branch) : t('Syncing {0}', running.branch);
    const waitMs = running.waitMs ?? (running.waitSeconds === undefined ? undefined : running.waitSeconds * 1000);
    let text: string;
    if (waitMs !== undefined) {
      // The banner's countdown, in the banner's words: "GitHub rate limit reached: resuming in 0:42".
      const reason = running.waitReason ?? 'primary-rate-limit';
      const icon = reason === 'retry' ? '$(debug-disconnect)' : '$(watch)';
      text = `${icon} ${doing} · ${t('{0}: resuming in {1}', t(waitingTitles[reason]), formatDuration(waitMs + 999))}`;
    } else {
      text = `$(sync~spin) ${doing} · ${t(phase)} ${pct}%`;
    }
    const what = running.kind === 'restore' ? t('Project Sync: restoring {0}', running.branch) : t('Project Sync: syncing {0}', running.branch);
    const count = running.total !== null && running.total > 0 ? ` · ${running.done} / ${running.total}` : '';
    const tooltip = `${what} (${t('step {0} of {1}', overall.step, overall.steps)}${count})`;
    return { state: 'running', text, tooltip };
  }
  if (input.lastError !== undefined) {
    return { state: 'failed', text: t('$(error) Sync failed'), tooltip: t('Project Sync: {0}', input.lastError) };
  }
  if (!last) return { state: 'hidden', text: '', tooltip: '' };
  const age = formatAge(last.completedAt ?? last.startedAt, now, t);
  return {
    state: 'idle',
    text: `$(history) ${last.branch} · ${age}`,
    tooltip: t('Project Sync: {0} synced {1}', last.branch, age),
  };
}
