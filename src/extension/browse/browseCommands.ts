// Browse Files (a History row's whole tree in the Sync Files view), Go to File in Sync… (a
// QuickPick over a sync's paths that opens the file) and Close.
import * as vscode from 'vscode';
import { SyncError } from '../../core/errors';
import { displayGitPath } from '../../core/paths';
import type { SyncRecord } from '../../core/types';
import { formatCount } from '../../protocol/display';
import type { EngineHost } from '../engineHost';
import { ViewIds } from '../commandIds';
import { syncLabel } from '../history/describe';
import { isSyncNode } from '../history/nodes';
import { browseUri, type BrowseFileSystem } from './browseFs';
import type { BrowseTreeProvider } from './browseTree';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

export class BrowseCommands {
  constructor(
    private readonly fs: BrowseFileSystem,
    private readonly tree: BrowseTreeProvider,
    private readonly engines: EngineHost,
    /** The History view's record for an argument (a row) or its selection. */
    private readonly recordOf: (arg: unknown) => Promise<SyncRecord>,
  ) {}

  async browseFiles(arg: unknown): Promise<void> {
    const record = browsable(await this.recordOf(arg));
    this.tree.show(record.id);
    await vscode.commands.executeCommand(`${ViewIds.browse}.focus`);
  }

  async goToFile(arg: unknown): Promise<void> {
    const record = browsable(await this.target(arg));
    const map = await this.fs.directoryMap(record.id);
    const items = [...map.files.keys()].map((path) => {
      const cut = path.lastIndexOf('/');
      return { label: displayGitPath(path.slice(cut + 1)), description: cut < 0 ? '' : displayGitPath(path.slice(0, cut)), path };
    });
    const picked = await vscode.window.showQuickPick(items, {
      title: t('Go to File in {0} ({1} files)', syncLabel(record), formatCount(items.length)),
      placeHolder: t('Type a file name or path'),
      matchOnDescription: true,
    });
    if (picked) await vscode.commands.executeCommand('vscode.open', browseUri(record.id, picked.path), { preview: true });
  }

  close(): void {
    this.tree.close();
  }

  /** A History row, else the sync shown in Sync Files, else the active sync. */
  private async target(arg: unknown): Promise<SyncRecord> {
    if (isSyncNode(arg)) return this.recordOf(arg);
    const engine = await this.engines.get();
    const shown = this.tree.syncId ? engine.store.get(this.tree.syncId) : undefined;
    const record = shown ?? engine.store.activeSync();
    if (!record) throw new SyncError('SYNC_NOT_FOUND', t('There is no completed sync to browse yet.'));
    return record;
  }
}

function browsable(record: SyncRecord): SyncRecord {
  if (record.status !== 'completed' || !record.treeSha) throw new SyncError('SYNC_NOT_FOUND', t('Only a completed sync has files to browse.'));
  return record;
}
