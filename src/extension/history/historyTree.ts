// The History view: model (the store) + provider (this) + items (describe.ts). Targeted
// refreshes on store events; stable ids from sync ids; changed files per completed sync.
import * as vscode from 'vscode';
import { scoped, type Logger } from '../../core/logger';
import type { StoreChange } from '../../core/ports';
import type { SyncRecord } from '../../core/types';
import type { Engine } from '../../engine/types';
import { ContextKeys } from '../commandIds';
import { setContext } from '../contextKeys';
import type { EngineHost } from '../engineHost';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';
import { changesBetween } from './changes';
import type { FileNode, HistoryNode, SyncNode } from './nodes';
import { fileTreeItem, syncTreeItem } from './items';

export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly nodes = new Map<string, SyncNode>();
  private readonly files = new Map<string, Promise<FileNode[]>>();
  private readonly disposables: vscode.Disposable[] = [this._onDidChangeTreeData];
  private storeSubscription: { dispose(): void } | undefined;
  private readonly log: Logger;
  /** Set after construction by extension.ts (the view needs the provider first). */
  view: vscode.TreeView<HistoryNode> | undefined;

  constructor(
    private readonly engines: EngineHost,
    private readonly repos: WorkspaceRepositories,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'history');
    engines.onDidOpen((engine) => this.attach(engine), this, this.disposables);
    repos.onDidChange(() => this.refresh(), this, this.disposables);
  }

  refresh(): void {
    this.files.clear();
    this._onDidChangeTreeData.fire(undefined);
  }

  record(node: SyncNode): SyncRecord | undefined {
    return this.engines.current?.store.get(node.syncId);
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    if (node.type === 'file') return fileTreeItem(node);
    const record = this.record(node);
    if (!record) return new vscode.TreeItem(vscode.l10n.t('(unknown sync)'));
    return syncTreeItem(record, this.isActive(record), new Date());
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    if (node?.type === 'file') return [];
    if (node) return this.changedFiles(node);
    await this.repos.resolve();
    this.updateMessage();
    const engine = await this.engines.get();
    const records = engine.store.list();
    setContext(ContextKeys.hasSyncs, records.length > 0, this.log);
    // Empty while the workspace cannot sync, so the welcome content explains why.
    if (records.length === 0 || this.repos.kind() !== 'ready') return [];
    return records.map((r) => this.nodeFor(r.id));
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    return node.type === 'file' ? node.parent : undefined;
  }

  nodeFor(syncId: string): SyncNode {
    let node = this.nodes.get(syncId);
    if (!node) this.nodes.set(syncId, (node = { type: 'sync', syncId }));
    return node;
  }

  isActive(record: SyncRecord): boolean {
    return this.engines.current?.store.activeSync(record.repository)?.id === record.id;
  }

  private changedFiles(node: SyncNode): Promise<FileNode[]> {
    let pending = this.files.get(node.syncId);
    if (!pending) {
      pending = this.loadChanges(node).catch((e: unknown) => {
        this.files.delete(node.syncId);
        this.log.error(`changed files of ${node.syncId}: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      });
      this.files.set(node.syncId, pending);
    }
    return pending;
  }

  private async loadChanges(node: SyncNode): Promise<FileNode[]> {
    const engine = await this.engines.get();
    const record = engine.store.get(node.syncId);
    if (!record || record.status !== 'completed') return [];
    const after = await engine.store.readFiles(record.id);
    const before = record.baseSyncId ? await engine.store.readFiles(record.baseSyncId) : [];
    return changesBetween(before, after).map((change) => ({ type: 'file', parent: node, change, baseSyncId: record.baseSyncId }));
  }

  private attach(engine: Engine): void {
    this.storeSubscription?.dispose();
    this.storeSubscription = engine.store.onDidChange((change) => this.onStoreChange(engine, change));
    this.refresh();
  }

  /** New records change the root; an ending attempt only its own item (and the chain head's marker). */
  private onStoreChange(engine: Engine, change: StoreChange): void {
    const known = this.nodes.get(change.syncId);
    if (!known || change.kind === 'begin' || change.kind === 'restore') {
      this._onDidChangeTreeData.fire(undefined);
      return;
    }
    this.files.delete(change.syncId);
    this._onDidChangeTreeData.fire(known);
    // A completed link takes the "active" marker from the previous one.
    const previous = change.kind === 'complete' ? engine.store.get(change.syncId)?.previousSyncId : null;
    const previousNode = previous ? this.nodes.get(previous) : undefined;
    if (previousNode) this._onDidChangeTreeData.fire(previousNode);
  }

  private updateMessage(): void {
    if (!this.view) return;
    const kind = this.repos.kind();
    // No message while the workspace cannot sync: a message hides the contributed welcome content,
    // which says what to do with the actions Source Control offers.
    if (kind !== 'ready') this.view.message = undefined;
  }

  dispose(): void {
    this.storeSubscription?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
