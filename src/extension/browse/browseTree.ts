// The Sync Files view: the browsed sync's whole tree, read-only, folder by folder on demand, with
// file icons (resourceUri on the `projectsync-browse:` file system). Clicking a file opens it.
import * as vscode from 'vscode';
import { displayGitPath, hasEscapedByte } from '../../core/paths';
import { scoped, type Logger } from '../../core/logger';
import { formatAge } from '../../protocol/display';
import { ContextKeys } from '../commandIds';
import { setContext } from '../contextKeys';
import type { EngineHost } from '../engineHost';
import { syncLabel } from '../history/describe';
import { browseUri, type BrowseFileSystem } from './browseFs';
import type { BrowseEntry } from './browsePaths';

export interface BrowseNode {
  readonly syncId: string;
  /** Repository path ('' is never a node: the root's entries are the view's roots). */
  readonly path: string;
  readonly kind: BrowseEntry['kind'];
}

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

export class BrowseTreeProvider implements vscode.TreeDataProvider<BrowseNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<BrowseNode | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly log: Logger;
  private current: string | undefined;
  /** Set after construction by extension.ts. */
  view: vscode.TreeView<BrowseNode> | undefined;

  constructor(
    private readonly fs: BrowseFileSystem,
    private readonly engines: EngineHost,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'browse');
  }

  /** The sync shown, if any. */
  get syncId(): string | undefined {
    return this.current;
  }

  show(syncId: string): void {
    this.current = syncId;
    setContext(ContextKeys.browsing, true, this.log);
    this.updateMessage();
    this._onDidChangeTreeData.fire(undefined);
  }

  close(): void {
    this.current = undefined;
    setContext(ContextKeys.browsing, false, this.log);
    if (this.view) this.view.message = undefined;
    this._onDidChangeTreeData.fire(undefined);
  }

  getTreeItem(node: BrowseNode): vscode.TreeItem {
    const uri = browseUri(node.syncId, node.path);
    const dir = node.kind === 'directory';
    const item = new vscode.TreeItem(uri, dir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${node.syncId}/${node.path}`;
    // The URI's own name reads `caf�e8.txt` for a name that is not UTF-8; say `caf\xe8.txt` as elsewhere.
    if (hasEscapedByte(node.path)) item.label = displayGitPath(node.path.slice(node.path.lastIndexOf('/') + 1));
    item.iconPath = dir ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
    item.contextValue = `browse:${node.kind}`;
    if (node.kind === 'submodule') item.description = t('submodule');
    if (node.kind === 'symlink') item.description = t('symlink');
    if (!dir) item.command = { command: 'vscode.open', title: t('Open File'), arguments: [uri] };
    return item;
  }

  async getChildren(node?: BrowseNode): Promise<BrowseNode[]> {
    const syncId = node?.syncId ?? this.current;
    if (!syncId) return [];
    const map = await this.fs.directoryMap(syncId);
    const dir = node?.path ?? '';
    return (map.dirs.get(dir) ?? []).map((e) => ({ syncId, path: dir ? `${dir}/${e.name}` : e.name, kind: e.kind }));
  }

  getParent(node: BrowseNode): BrowseNode | undefined {
    const cut = node.path.lastIndexOf('/');
    return cut < 0 ? undefined : { syncId: node.syncId, path: node.path.slice(0, cut), kind: 'directory' };
  }

  private updateMessage(): void {
    const record = this.current ? this.engines.current?.store.get(this.current) : undefined;
    if (!this.view || !record) return;
    const age = formatAge(record.completedAt ?? record.startedAt, new Date(), t);
    this.view.message =
      record.kind === 'restore' ? t('{0}, restored {1}. Read-only.', syncLabel(record), age) : t('{0}, synced {1}. Read-only.', syncLabel(record), age);
  }

  dispose(): void {
    this._onDidChangeTreeData.dispose();
  }
}
