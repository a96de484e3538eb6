// "Sync When the Limit Resets": waits until GitHub's rate limit resets, then runs the sync. The
// wait is a cancellable notification that says when it will run, so it is never a hidden timer.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { formatClock } from './errorText';

/** A couple of seconds after the reset, so the first request does not race GitHub's clock. */
const AFTER_RESET_MS = 2_000;

export function scheduleAtReset(resetAt: string, branch: string | undefined, run: () => Thenable<unknown>, logger: Logger): void {
  const waitMs = Math.max(0, Date.parse(resetAt) - Date.now()) + AFTER_RESET_MS;
  const title = branch
    ? vscode.l10n.t('Project Sync will sync {0} when the rate limit resets at {1}', branch, formatClock(resetAt))
    : vscode.l10n.t('Project Sync will sync when the rate limit resets at {0}', formatClock(resetAt));
  logger.info(`[sync] scheduled for ${resetAt}${branch ? ` (${branch})` : ''}`);
  vscode.window
    .withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), waitMs);
        token.onCancellationRequested(() => {
          clearTimeout(timer);
          resolve(false);
        });
      }),
    )
    .then(
      (go) => {
        if (!go) {
          logger.info('[sync] the scheduled sync was cancelled');
          return undefined;
        }
        return run();
      },
      (e: unknown) => logger.error(`[sync] scheduled sync failed: ${String(e)}`),
    )
    .then(undefined, (e: unknown) => logger.error(`[sync] scheduled sync failed: ${String(e)}`));
}
