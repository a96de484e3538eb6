// A failure in the words and with the actions of the error table (commands/errorPresentation.ts),
// for the banner: the Sync view says what a notification would have said, never both.
import * as vscode from 'vscode';
import { SyncError } from '../../core/errors';
import type { SyncRecord } from '../../core/types';
import type { WebviewAction } from '../../protocol/messages';
import { presentError, toWebviewActions } from '../commands/errorPresentation';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

/** "01:36" in the user's locale. */
export function formatClock(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * The banner's text and buttons for a record's error. `thrown` is the SyncError the run ended with
 * when known (it carries the reset time, the hint and the URL the record does not keep).
 */
export function describeRecordError(
  error: NonNullable<SyncRecord['error']>,
  thrown?: SyncError,
): { message: string; actions: WebviewAction[] } {
  const full = thrown && thrown.code === error.code ? thrown : new SyncError(error.code, error.message);
  const shown = presentError(full, t, formatClock);
  return { message: shown.message, actions: toWebviewActions(shown.actions) };
}
