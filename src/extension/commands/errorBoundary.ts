// Every command runs behind this one boundary: a thrown SyncError is shown ONCE, where the user is
// looking: the Sync view's banner already says it when the view is visible (a sync's failure, a
// workspace problem), otherwise one notification with the actions that fit (presentError's table).
// The notification is never awaited.
import * as vscode from 'vscode';
import { toSyncError, type SyncError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { CommandIds } from '../commandIds';
import { formatClock } from '../sync/errorText';
import { scheduleAtReset } from '../sync/resetScheduler';
import { actionTitle, presentError, type ErrorAction } from './errorPresentation';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

export interface ErrorSurfaces {
  /** True when the visible Sync view already shows this error (its banner): no notification then. */
  shownInView?: (error: SyncError) => boolean;
  /** The branch whose sync failed with this error, when a sync run failed (Retry syncs it again). */
  failedSyncBranch?: (error: SyncError) => string | undefined;
}

export class ErrorBoundary {
  constructor(
    private readonly logger: Logger,
    private readonly showLog: () => void,
    private readonly surfaces: ErrorSurfaces = {},
  ) {}

  /** Wrap a command handler: errors are logged and shown, never rethrown to VS Code. */
  wrap<A extends unknown[]>(id: string, handler: (...args: A) => unknown): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await handler(...args);
      } catch (e) {
        this.report(e, () => vscode.commands.executeCommand(id, ...args));
      }
    };
  }

  /** Show an error (for callers outside commands, e.g. the API); `retry` re-runs what failed. */
  report(e: unknown, retry?: () => Thenable<unknown>): void {
    const error = toSyncError(e);
    const shown = presentError(error, t, formatClock);
    if (shown.severity === 'silent') return;
    this.logger.error(`[command] ${error.code}: ${error.message}`);
    if (this.surfaces.shownInView?.(error)) return; // the banner says it, with the same actions
    const branch = this.surfaces.failedSyncBranch?.(error);
    const again = branch ? () => vscode.commands.executeCommand(CommandIds.syncBranch, branch) : retry;
    const actions = shown.actions.filter((a) => (a !== 'retry' && a !== 'syncWhenReset') || again !== undefined);
    const titles = actions.map((a) => actionTitle(a, t));
    const notify = shown.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    notify(shown.message, ...titles).then(
      (picked) => {
        const action = actions[titles.indexOf(picked ?? '')];
        if (action) this.run(action, error, again, branch);
      },
      (err: unknown) => this.logger.error(`[command] notification failed: ${String(err)}`),
    );
  }

  private run(action: ErrorAction, error: SyncError, retry: (() => Thenable<unknown>) | undefined, branch: string | undefined): void {
    const done = (p: Thenable<unknown>) =>
      p.then(undefined, (err: unknown) => this.logger.error(`[command] ${action} failed: ${String(err)}`));
    switch (action) {
      case 'signIn':
        done(vscode.commands.executeCommand(CommandIds.signIn));
        return;
      case 'authorize':
        if (error.details.url) done(vscode.env.openExternal(vscode.Uri.parse(error.details.url, true)));
        return;
      case 'retry':
        if (retry) done(retry());
        return;
      case 'syncWhenReset':
        if (retry && error.details.resetAt) scheduleAtReset(error.details.resetAt, branch, retry, this.logger);
        return;
      case 'chooseBranch':
        done(vscode.commands.executeCommand(CommandIds.syncBranch));
        return;
      case 'showLog':
        this.showLog();
        return;
      case 'revealFile':
        if (error.details.path) done(vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(error.details.path)));
        return;
      case 'openSettings':
        done(vscode.commands.executeCommand('workbench.action.openSettings', 'projectSync'));
        return;
    }
  }
}
