// Every command runs behind this one boundary: a thrown SyncError becomes a notification with
// the action that helps (presentError's table); the notification is never awaited.
import * as vscode from 'vscode';
import { toSyncError, type SyncError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { CommandIds } from '../commandIds';
import { actionTitle, presentError, type ErrorAction } from './errorPresentation';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

export class ErrorBoundary {
  constructor(
    private readonly logger: Logger,
    private readonly showLog: () => void,
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
    const shown = presentError(error, t, (iso) => new Date(iso).toLocaleTimeString());
    if (shown.severity === 'silent') return;
    this.logger.error(`[command] ${error.code}: ${error.message}`);
    const actions = shown.actions.filter((a) => a !== 'retry' || retry !== undefined);
    const titles = actions.map((a) => actionTitle(a, t));
    const notify = shown.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    notify(shown.message, ...titles).then(
      (picked) => {
        const action = actions[titles.indexOf(picked ?? '')];
        if (action) this.run(action, error, retry);
      },
      (err: unknown) => this.logger.error(`[command] notification failed: ${String(err)}`),
    );
  }

  private run(action: ErrorAction, error: SyncError, retry?: () => Thenable<unknown>): void {
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
