// The status bar item: idle (last sync's branch and age), running (the branch, phase and percent, or
// a wait's countdown), or the followed branch. Failures are not repeated here (one surface each).
// Clicking it focuses the Sync view.
import * as vscode from 'vscode';
import type { SyncRecord } from '../../core/types';
import { focusSyncViewCommand } from '../commandIds';
import type { FollowStatus } from '../follow/followController';
import { followStatusText } from '../follow/followSchedule';
import { statusModel } from './statusText';
import { formatAge } from '../text';
import type { SyncController } from './syncController';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

export class SyncStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('projectSync.status', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private pending: ReturnType<typeof setTimeout> | undefined;
  private waitTicker: ReturnType<typeof setInterval> | undefined;
  /** The idle text shows an age ("5 min ago"): keep it current. */
  private readonly ticker = setInterval(() => this.update(), 60_000);

  constructor(
    private readonly controller: SyncController,
    private readonly lastSync: () => SyncRecord | undefined,
    /** The followed branch and its health, when following. */
    private readonly follow: () => FollowStatus | undefined = () => undefined,
  ) {
    this.item.name = vscode.l10n.t('Project Sync');
    this.item.command = focusSyncViewCommand;
    controller.onDidStart(() => this.update(), this, this.disposables);
    controller.onDidProgress(() => this.schedule(), this, this.disposables);
    // A failure is shown once, by the banner or a notification: the status bar goes back to the
    // last sync instead of adding a red item of its own.
    controller.onDidEnd(() => this.update(), this, this.disposables);
    this.update();
  }

  /** Progress can arrive thousands of times a second: repaint at most ~4 times a second. */
  private schedule(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.update();
    }, 250);
  }

  update(): void {
    const run = this.controller.running;
    this.tickWhileWaiting(run?.waiting !== undefined);
    const model = statusModel(
      {
        running: run && {
          branch: run.branch,
          phase: run.phase,
          done: run.done,
          total: run.total,
          kind: run.kind,
          waitMs: run.waiting ? Math.max(0, run.waiting.until - Date.now()) : undefined,
          waitReason: run.waiting?.reason,
        },
        last: this.lastSync(),
      },
      new Date(),
      t,
    );
    const follow = this.follow();
    if (follow && model.state !== 'running') {
      const now = new Date();
      const shown = followStatusText(follow, follow.lastSyncedAt, (iso) => formatAge(iso, now, t), t);
      this.item.text = shown.text;
      this.item.tooltip = shown.tooltip;
      this.item.backgroundColor = undefined;
      this.item.show();
      return;
    }
    if (model.state === 'hidden') {
      this.item.hide();
      return;
    }
    this.item.text = model.text;
    this.item.tooltip = model.tooltip;
    this.item.backgroundColor = model.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  /** A wait's countdown ticks every second, like the banner's. */
  private tickWhileWaiting(waiting: boolean): void {
    if (waiting && !this.waitTicker) this.waitTicker = setInterval(() => this.update(), 1000);
    if (!waiting && this.waitTicker) {
      clearInterval(this.waitTicker);
      this.waitTicker = undefined;
    }
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    if (this.waitTicker) clearInterval(this.waitTicker);
    clearInterval(this.ticker);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
