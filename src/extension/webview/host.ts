// What the Sync view needs from the rest of the extension. The sync controller implements it; the
// view provider only renders what it is given and forwards validated commands.
import type * as vscode from 'vscode';
import type { BranchesMessage, SyncDelta, ViewState, WebviewCommand } from '../../protocol/messages';

export interface SyncViewHost {
  /** The whole view as it is now: sent on `ready` and replayed when the view becomes visible again. */
  getState(): ViewState;
  /** Anything in the snapshot changed (repository, problem, sign-in, last sync…): the view re-reads getState(). */
  readonly onDidChangeState: vscode.Event<void>;
  /** Live deltas of a running sync; the provider coalesces them to at most ~20 posts a second. */
  readonly onDidProgress: vscode.Event<SyncDelta>;
  /** The dropdown's branch list or selection changed (cheaper than a full state). */
  readonly onDidChangeBranches: vscode.Event<Omit<BranchesMessage, 'type'>>;
  /** A validated command from the webview (sync, cancel, pickBranch, action, selectBranch). Never `ready`. */
  handle(message: WebviewCommand): void | Promise<void>;
}
