// What the History view's items do: restore (with a modal confirmation), compare with the
// active sync or show a sync's changes (multi-file diff), open a file's changes, copy the commit
// sha or an error, open the commit on GitHub, retry a failed attempt, filter the view.
import * as vscode from 'vscode';
import { SyncError } from '../../core/errors';
import { displayGitPath } from '../../core/paths';
import type { SyncRecord } from '../../core/types';
import { shortSha } from '../../protocol/display';
import { syncFileUri } from './contentProvider';
import type { EngineHost } from '../engineHost';
import type { SyncController } from '../sync/syncController';
import { commitUrl, guessWebUrl } from './syncUri';
import { formatAge } from '../text';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';
import { describeBase } from '../text';
import { CommandIds } from '../commandIds';
import { changesBetween, splitPath, type FileChange } from './changes';
import { changesUnder } from './changeTree';
import { openMultiDiff } from './multiDiff';
import { syncLabel } from './describe';
import type { HistoryTreeProvider } from './historyTree';
import { isFileNode, isFolderScope, isSyncNode } from './nodes';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

export class HistoryCommands {
  constructor(
    private readonly tree: HistoryTreeProvider,
    private readonly engines: EngineHost,
    private readonly controller: SyncController,
    private readonly repos: WorkspaceRepositories,
  ) {}

  async restore(arg: unknown): Promise<void> {
    const record = await this.recordOf(arg);
    const label = syncLabel(record);
    const confirm = t('Restore');
    const answer = await vscode.window.showWarningMessage(
      t('Restore {0}?', label),
      {
        modal: true,
        detail: t(
          'This restores the active snapshot and memory to {0} (synced {1}). The history keeps every sync, and a restore entry is added. Your working files are not touched.',
          label,
          formatAge(record.completedAt ?? record.startedAt, new Date(), t),
        ),
      },
      confirm,
    );
    if (answer !== confirm) return;
    const restored = await this.controller.restore(record);
    vscode.window.setStatusBarMessage(t('Restored {0}', syncLabel(restored)), 5000);
  }

  /** Every file that differs between this sync and the active one, in the multi-file diff editor. */
  async compareWithActive(arg: unknown): Promise<void> {
    const record = await this.recordOf(arg);
    const engine = await this.engines.get();
    const active = engine.store.activeSync(record.repository);
    if (!active) throw new SyncError('SYNC_NOT_FOUND', t('There is no active sync to compare with.'));
    const changes = changesBetween(await engine.store.readFiles(record.id), await engine.store.readFiles(active.id));
    if (changes.length === 0) {
      void vscode.window.showInformationMessage(t('{0} and the active sync {1} have the same files.', syncLabel(record), syncLabel(active)));
      return;
    }
    await openMultiDiff(t('{0} ↔ active {1}', syncLabel(record), syncLabel(active)), changes, record.id, active.id);
  }

  /** A sync's changes against its base (or those under one folder) in the multi-file diff editor. */
  async showAllChanges(arg: unknown): Promise<void> {
    const node = isFolderScope(arg) ? arg.parent : arg;
    const record = await this.recordOf(node);
    if (record.status !== 'completed') throw new SyncError('SYNC_NOT_FOUND', t('Pick a completed sync in the History view.'));
    const folder = isFolderScope(arg) ? arg.folder : await this.tree.changeTreeOf(record.id);
    const changes = changesUnder(folder);
    const base = record.baseSyncId ? (await this.engines.get()).store.get(record.baseSyncId) : undefined;
    const where = folder.path ? ` ${displayGitPath(folder.path)}/` : '';
    const title = t('{0}{1} ({2})', syncLabel(record), where, describeBase(base, record.branch, new Date(), t));
    if (changes.length === 0) {
      void vscode.window.showInformationMessage(t('{0} has no changes.', title));
      return;
    }
    await openMultiDiff(title, changes, record.baseSyncId, record.id);
  }

  /** Syncs the branch of a failed, cancelled or interrupted attempt again, through Sync Branch. */
  async retry(arg: unknown): Promise<void> {
    const record = await this.recordOf(arg);
    await vscode.commands.executeCommand(CommandIds.syncBranch, record.branch);
  }

  async copyError(arg: unknown): Promise<void> {
    const record = await this.recordOf(arg);
    const text = record.error ? `${record.error.message} (${record.error.code})` : t('{0}: {1}', syncLabel(record), record.status);
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(t('Copied the error of {0}', syncLabel(record)), 3000);
  }

  /** Asks for text and shows only the History rows matching it. */
  async filter(text?: unknown): Promise<void> {
    const value =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            title: t('Filter History'),
            prompt: t('Show syncs whose branch, commit, message, status or error contains this text.'),
            value: this.tree.filter,
            placeHolder: t('e.g. main, 1f4ddd3, failed'),
          });
    if (value !== undefined) this.tree.setFilter(value);
  }

  clearFilter(): void {
    this.tree.setFilter('');
  }

  async openChanges(arg: unknown): Promise<void> {
    if (!isFileNode(arg)) throw new SyncError('SYNC_NOT_FOUND', t('Pick a changed file in the History view.'));
    await openDiff((await this.engines.get()).store, arg.baseSyncId, arg.parent.syncId, arg.change);
  }

  async copyCommitSha(arg: unknown): Promise<void> {
    const record = await this.recordOf(arg);
    if (!record.commitSha) return;
    await vscode.env.clipboard.writeText(record.commitSha);
    vscode.window.setStatusBarMessage(t('Copied {0}', shortSha(record.commitSha)), 3000);
  }

  async openCommitOnGitHub(arg: unknown): Promise<void> {
    const record = await this.recordOf(arg);
    if (!record.commitSha) return;
    const webUrl = this.repos.remoteFor(record.repository)?.webUrl ?? guessWebUrl(record.repository);
    await vscode.env.openExternal(vscode.Uri.parse(commitUrl(webUrl, record.commitSha), true));
  }

  async recordOf(arg: unknown): Promise<SyncRecord> {
    const node = isSyncNode(arg) ? arg : this.tree.view?.selection.find(isSyncNode);
    const record = node ? (await this.engines.get()).store.get(node.syncId) : undefined;
    if (!record) throw new SyncError('SYNC_NOT_FOUND', t('Pick a sync in the History view.'));
    return record;
  }
}

/** A diff between two syncs' versions; the missing side of an added/removed file is empty. */
export async function openDiff(
  store: { get(id: string): SyncRecord | undefined },
  leftSyncId: string | null,
  rightSyncId: string,
  change: FileChange,
): Promise<void> {
  const left = syncFileUri(change.change === 'added' ? '' : (leftSyncId ?? ''), change.path);
  const right = syncFileUri(change.change === 'removed' ? '' : rightSyncId, change.path);
  const { name } = splitPath(change.path);
  const side = (id: string | null) => {
    const record = id ? store.get(id) : undefined;
    return record ? syncLabel(record) : t('empty');
  };
  const title = t('{0} ({1} ↔ {2})', displayGitPath(name), side(leftSyncId), side(rightSyncId));
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}
