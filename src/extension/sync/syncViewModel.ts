// The Sync view's state (implements the webview's SyncViewHost): repository, problem, branches,
// the running sync and the last outcome. Commands from the webview go through the same command
// ids (and so the same error boundary) as the command palette.
import * as vscode from 'vscode';
import { scoped, type Logger } from '../../core/logger';
import type { BranchesMessage, Problem, SyncDelta, ViewState, WebviewCommand } from '../../protocol/messages';
import type { SyncViewHost } from '../webview/host';
import type { BranchSource } from '../branches/branchSource';
import { CommandIds, ViewIds } from '../commandIds';
import type { EngineHost } from '../engineHost';
import type { SyncError } from '../../core/errors';
import { cleanMessage } from '../commands/errorPresentation';
import { describeRecordError } from './errorText';
import { scheduleAtReset } from './resetScheduler';
import type { RunEnd, SyncController } from './syncController';
import { bannerRecord, isWireBranch, toBranchItems, toSummary, toWireStats } from './viewState';
import { remoteWhere } from '../workspace/workspaceKind';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';

/** The README's "what it syncs" (the walkthrough and the welcome content link it too). */
export const LEARN_MORE_URL = 'https://github.com/project-sync/project-sync#readme';

export class SyncViewModel implements SyncViewHost, vscode.Disposable {
  private readonly _onDidChangeState = new vscode.EventEmitter<void>();
  private readonly _onDidChangeBranches = new vscode.EventEmitter<Omit<BranchesMessage, 'type'>>();
  readonly onDidChangeState = this._onDidChangeState.event;
  readonly onDidChangeBranches = this._onDidChangeBranches.event;
  readonly onDidProgress: vscode.Event<SyncDelta>;
  private readonly disposables: vscode.Disposable[] = [this._onDidChangeState, this._onDidChangeBranches];
  private selected: string | undefined;
  private followed: string | undefined;
  private signedIn = true;
  private branchesRequested = false;
  private readonly log: Logger;

  constructor(
    private readonly controller: SyncController,
    private readonly repos: WorkspaceRepositories,
    private readonly branches: BranchSource,
    private readonly engines: EngineHost,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'view');
    this.onDidProgress = controller.onDidProgress;
    const changed = () => this._onDidChangeState.fire();
    controller.onDidStart(changed, this, this.disposables);
    controller.onDidStart(() => this.showProgressInView(), this, this.disposables);
    controller.onDidEnd((end) => this.onRunEnd(end), this, this.disposables);
    repos.onDidChange(changed, this, this.disposables);
  }

  /** VS Code's own progress indicator on the Sync view (and its container) while a sync or restore runs. */
  private showProgressInView(): void {
    vscode.window
      .withProgress(
        { location: { viewId: ViewIds.syncView } },
        () =>
          new Promise<void>((resolve) => {
            const sub = this.controller.onDidEnd(() => {
              sub.dispose();
              resolve();
            });
          }),
      )
      .then(undefined, (e: unknown) => this.log.warn(`view progress failed: ${String(e)}`));
  }

  setSignedIn(signedIn: boolean): void {
    if (signedIn === this.signedIn) return;
    this.signedIn = signedIn;
    this._onDidChangeState.fire();
  }

  /** History changed (a sync ended, a restore): recent branches and the last sync may differ. */
  historyChanged(): void {
    this._onDidChangeState.fire();
  }

  getState(): ViewState {
    const folders = this.repos.folders;
    if (!folders) this.repos.resolve().catch((e: unknown) => this.log.error(`resolve failed: ${String(e)}`));
    const target = folders?.find((f) => f.remote);
    if (target) this.requestBranches(target.folder, target.remote?.remoteName ?? 'origin');
    const history = this.engines.current?.store.list() ?? [];
    const items = target ? toBranchItems(this.branches.sections(target.folder, history)) : [];
    const run = this.controller.running;
    const last = history.find((r) => r.status !== 'running' && r.status !== 'queued');
    const waiting = run?.waiting;
    const store = this.engines.current?.store;
    return {
      repository: target?.remote ? { owner: target.remote.owner, name: target.remote.name, host: target.remote.host } : null,
      problem: this.problem(),
      branches: items,
      selectedBranch: target ? this.selectedBranch(target.folder) : null,
      run:
        run?.syncId && isWireBranch(run.branch)
          ? { syncId: run.syncId, branch: run.branch, phase: run.phase, done: run.done, total: run.total, stats: toWireStats(run.stats), startedAt: run.startedAt }
          : null,
      waiting: waiting
        ? { seconds: Math.max(0, Math.round((waiting.until - Date.now()) / 1000)), reason: waiting.reason, resetAt: waiting.resetAt }
        : null,
      lastSync: last ? toSummary(bannerRecord(last, this.thrownFor(last.id)), (id) => store?.get(id), (e) => describeRecordError(e, this.thrownFor(last.id))) : null,
      signedIn: this.signedIn,
    };
  }

  async handle(message: WebviewCommand): Promise<void> {
    switch (message.type) {
      case 'sync':
        this.selected = message.branch;
        await vscode.commands.executeCommand(CommandIds.syncBranch, message.branch);
        return;
      case 'cancel':
        await vscode.commands.executeCommand(CommandIds.cancelSync);
        return;
      case 'pickBranch':
        await vscode.commands.executeCommand(CommandIds.syncBranch);
        return;
      case 'selectBranch':
        this.selected = message.branch;
        return;
      case 'action':
        await this.action(message.action);
        return;
    }
  }

  private async action(action: Extract<WebviewCommand, { type: 'action' }>['action']): Promise<void> {
    switch (action) {
      case 'signIn':
        await vscode.commands.executeCommand(CommandIds.signIn);
        return;
      case 'retry':
        await vscode.commands.executeCommand(CommandIds.syncBranch, this.controller.lastOutcome?.branch ?? this.selected);
        return;
      case 'showLog':
        await vscode.commands.executeCommand(CommandIds.showLog);
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', 'projectSync');
        return;
      case 'openFolder':
        await vscode.commands.executeCommand('workbench.action.files.openFolder');
        return;
      case 'cloneRepository':
        await vscode.commands.executeCommand('git.clone');
        return;
      case 'initRepository':
        await vscode.commands.executeCommand('git.init');
        return;
      case 'addRemote':
        await vscode.commands.executeCommand('git.addRemote');
        return;
      case 'learnMore':
        await vscode.env.openExternal(vscode.Uri.parse(LEARN_MORE_URL));
        return;
      case 'chooseBranch':
        await vscode.commands.executeCommand(CommandIds.syncBranch);
        return;
      case 'syncWhenReset': {
        const outcome = this.controller.lastOutcome;
        const resetAt = outcome?.error?.details.resetAt;
        const branch = outcome?.branch;
        if (resetAt) scheduleAtReset(resetAt, branch, () => vscode.commands.executeCommand(CommandIds.syncBranch, branch), this.log);
        return;
      }
    }
  }

  private problem(): Problem | null {
    const kind = this.repos.kind();
    const message = cleanMessage(this.repos.problems()[0] ?? '').slice(0, 2000);
    if (kind === 'noFolder') return { code: 'NO_FOLDER', message: vscode.l10n.t('Open a folder that is a clone of a GitHub repository.') };
    if (!this.repos.folders) return null;
    if (kind === 'noGitRepo') return { code: 'NO_GIT_REPO', message };
    if (kind === 'noRemote') return { code: 'NO_REMOTE', message };
    if (kind === 'unsupportedRemote') return { code: 'UNSUPPORTED_REMOTE', message: remoteWhere(message) };
    return null;
  }

  /**
   * The dropdown's branch: the one a running sync syncs; else the user's last choice or the last
   * synced branch (a QuickPick or Follow sync updates it), unless the remote's complete list says
   * it no longer exists; else the default branch.
   */
  private selectedBranch(folder: vscode.WorkspaceFolder): string | null {
    const run = this.controller.running;
    if (run?.kind === 'sync' && run.syncId && isWireBranch(run.branch)) return run.branch;
    const { branches, complete } = this.branches.cached(folder);
    const exists = (name: string | undefined): name is string =>
      name !== undefined && isWireBranch(name) && (!complete || branches.some((b) => b.name === name));
    const lastSynced = this.engines.current?.store.list().find((r) => r.kind === 'sync' && r.status === 'completed')?.branch;
    const fallback = branches.find((b) => b.isDefault)?.name;
    const pick = [this.selected, lastSynced, fallback].find(exists);
    return pick ?? null;
  }

  /** The SyncError a run of this record ended with, when it ended in this session. */
  private thrownFor(syncId: string): SyncError | undefined {
    const outcome = this.controller.lastOutcome;
    return outcome?.record?.id === syncId ? outcome.error : undefined;
  }

  /**
   * A sync that ran (from the QuickPick, Follow or the API) becomes the dropdown's choice; a gone
   * branch does not. A completed restore makes the restored sync's branch the choice, and the
   * remote's list is loaded again: a branch deleted since the list was loaded (the one chosen
   * before, say) is then neither offered nor kept selected.
   */
  private onRunEnd(end: RunEnd): void {
    const branch = end.record?.branch;
    if (end.kind === 'sync' && branch) {
      if (end.error?.code === 'BRANCH_NOT_FOUND') {
        if (this.selected === branch) this.selected = undefined;
        this.reloadBranches();
      } else {
        this.selected = branch;
      }
    }
    if (end.kind === 'restore' && end.record?.status === 'completed') {
      if (branch) this.selected = branch;
      this.reloadBranches();
    }
    this._onDidChangeState.fire();
  }

  /**
   * Following `branch` (undefined: following stopped). Following a branch makes it the dropdown's
   * choice (its syncs are the next ones) at once, even when its head has not moved. No network here:
   * this also runs at activation, when a follow of the last session resumes.
   */
  followChanged(branch: string | undefined): void {
    if (branch === this.followed) return;
    this.followed = branch;
    if (branch === undefined) return;
    this.selected = branch;
    this._onDidChangeState.fire();
  }

  /**
   * The user chose to follow a branch (Follow Branch…, from the palette or a History row): the
   * remote's list is loaded again (an ETag-cached listing: 304s), so a branch deleted since it was
   * loaded is no longer offered or kept selected. Only once the view has loaded the list: its first
   * load is fresh anyway.
   */
  followChosen(): void {
    if (this.branchesRequested) this.reloadBranches();
  }

  private reloadBranches(): void {
    const target = this.repos.folders?.find((f) => f.remote);
    if (!target?.remote) return;
    this.branchesRequested = true;
    this.branches
      .load(target.folder, target.remote.remoteName)
      .then(() => this.publishBranches(target.folder))
      .catch((e: unknown) => this.log.warn(`branch list not reloaded: ${e instanceof Error ? e.message : String(e)}`));
  }

  private publishBranches(folder: vscode.WorkspaceFolder): void {
    const history = this.engines.current?.store.list() ?? [];
    const branches = toBranchItems(this.branches.sections(folder, history));
    this._onDidChangeBranches.fire({ branches, selectedBranch: this.selectedBranch(folder) });
  }

  /** Load the remote's branches once per session when the view first shows (never at activation). */
  private requestBranches(folder: vscode.WorkspaceFolder, remoteName: string): void {
    if (this.branchesRequested) return;
    this.branchesRequested = true;
    const publish = () => this.publishBranches(folder);
    this.branches
      .current(folder)
      .then(publish)
      .then(() => this.branches.load(folder, remoteName))
      .then(publish)
      .catch((e: unknown) => this.log.warn(`branch list not loaded: ${e instanceof Error ? e.message : String(e)}`));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
