// Many files' changes at once in VS Code's multi-file diff editor (`vscode.changes`), both sides
// served by the `projectsync:` content provider; the missing side of an added or removed file is
// an empty document. The editor resolves every document it is given, so one opens a bounded number.
import * as vscode from 'vscode';
import { formatCount } from '../../protocol/display';
import type { FileChange } from './changes';
import { emptyFileUri, syncFileUri } from './contentProvider';

/** Files one multi-file diff editor opens; the rest stay in the tree (folders) and Go to File. */
export const MULTI_DIFF_MAX = 500;

/** `[resource, left, right]` for one change from `leftSyncId`'s version to `rightSyncId`'s. */
export function diffResources(change: FileChange, leftSyncId: string | null, rightSyncId: string): [vscode.Uri, vscode.Uri, vscode.Uri] {
  const left = change.change === 'added' || !leftSyncId ? emptyFileUri(change.path) : syncFileUri(leftSyncId, change.path);
  const right = change.change === 'removed' ? emptyFileUri(change.path) : syncFileUri(rightSyncId, change.path);
  return [change.change === 'removed' ? left : right, left, right];
}

export async function openMultiDiff(title: string, changes: readonly FileChange[], leftSyncId: string | null, rightSyncId: string): Promise<void> {
  const shown = changes.slice(0, MULTI_DIFF_MAX);
  if (changes.length > shown.length) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Showing the first {0} of {1} changed files. Expand the folders in History, or use Go to File in Sync…, for the others.',
        formatCount(shown.length),
        formatCount(changes.length),
      ),
    );
  }
  await vscode.commands.executeCommand('vscode.changes', title, shown.map((c) => diffResources(c, leftSyncId, rightSyncId)));
}
