// The History view: model (the store) + provider (this) + items (items.ts, describe.ts). Records
// grouped by branch with no-change resyncs folded (grouping.ts), an optional filter, and each
// completed sync's changes as folders built once per sync (changeTree.ts), listed page by page.
import * as vscode from 'vscode';
import { scoped, type Logger } from '../../core/logger';
import type { SyncRecord } from '../../core/types';
import type { Engine } from '../../engine/types';
import { formatCount } from '../../protocol/display';
import { ContextKeys } from '../commandIds';
import { setContext } from '../contextKeys';
import type { EngineHost } from '../engineHost';
import { systemClock, type ViewClock } from '../clock';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';
import { changesBetween } from './changes';
import { buildChangeTree, pageOf, type ChangeFolder } from './changeTree';
import { countRows, filterGroups, groupHistory, rowIds, type BranchGroup, type HistoryRow } from './grouping';
import { branchTreeItem, fileTreeItem, folderTreeItem, moreTreeItem, syncTreeItem } from './items';
import type { BranchNode, HistoryNode, SyncNode } from './nodes';

/** Change trees kept for expanded syncs (a 22,000-change tree is a few MB). */
const TREES_KEPT = 6;
/** Ages in descriptions are refreshed this often while the view is visible. */
const AGE_REFRESH_MS = 60_000;

export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<HistoryNode | HistoryNode[] | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  /** Refreshes asked for, and the last one whose rows VS Code has read (see settled()). */
  private generation = 0;
  private rendered = 0;
  private readonly _onDidRender = new vscode.EventEmitter<void>();
  private readonly syncNodes = new Map<string, SyncNode>();
  private readonly branchNodes = new Map<string, BranchNode>();
  private groups = new Map<string, BranchGroup>();
  private rows = new Map<string, HistoryRow>();
  /** The active sync of each repository shown, read once per refresh (not once per row). */
  private activeIds = new Set<string>();
  private readonly trees = new Map<string, Promise<ChangeFolder>>();
  private readonly disposables: vscode.Disposable[] = [this._onDidChangeTreeData, this._onDidRender];
  private viewDisposables: vscode.Disposable[] = [];
  private storeSubscription: { dispose(): void } | undefined;
  private ageTimer: vscode.Disposable | undefined;
  private filterText = '';
  private readonly log: Logger;
  private _view: vscode.TreeView<HistoryNode> | undefined;

  constructor(
    private readonly engines: EngineHost,
    private readonly repos: WorkspaceRepositories,
    logger: Logger,
    /** What ages are measured against and refreshed by (adjustable in extension tests). */
    private readonly clock: ViewClock = systemClock,
  ) {
    this.log = scoped(logger, 'history');
    engines.onDidOpen((engine) => this.attach(engine), this, this.disposables);
    repos.onDidChange(() => this.refresh(), this, this.disposables);
  }

  /** Whether this window's sync is still analysing the memory of `syncId` (set by extension.ts). */
  isIndexing: (syncId: string) => boolean = () => false;

  /** Set after construction by extension.ts (the view needs the provider first). */
  get view(): vscode.TreeView<HistoryNode> | undefined {
    return this._view;
  }
  set view(view: vscode.TreeView<HistoryNode> | undefined) {
    for (const d of this.viewDisposables.splice(0)) d.dispose();
    this._view = view;
    if (!view) {
      this.stopAges();
      return;
    }
    view.onDidChangeVisibility((e) => (e.visible ? this.startAges() : this.stopAges()), this, this.viewDisposables);
    this.trackExpansion(view);
    if (view.visible) this.startAges();
  }

  get filter(): string {
    return this.filterText;
  }

  /** Shows only rows matching `text` (branch, commit, message, status, error); '' shows all. */
  setFilter(text: string): void {
    this.filterText = text.trim();
    setContext(ContextKeys.historyFiltered, this.filterText !== '', this.log);
    this.changed();
  }

  /** Every row re-read from the root (ids are stable: VS Code keeps expansion and selection). */
  private changed(): void {
    this.generation++;
    this._onDidChangeTreeData.fire(undefined);
  }

  /**
   * Resolves with the refresh count once VS Code has read the rows of the latest refresh (at once
   * when the view is hidden). A context-menu command sent while a refresh is under way reaches the
   * extension without its row: VS Code no longer knows the row's handle ("No tree item with id").
   */
  async settled(): Promise<number> {
    while (this._view?.visible && this.rendered < this.generation) {
      const view = this._view;
      await new Promise<void>((resolve) => {
        const subs = [this._onDidRender.event(done), view.onDidChangeVisibility(done)];
        function done(): void {
          for (const d of subs) d.dispose();
          resolve();
        }
      });
    }
    return this.generation;
  }

  /** How many refreshes were asked for so far. */
  get refreshes(): number {
    return this.generation;
  }

  refresh(): void {
    this.trees.clear();
    this.changed();
  }

  record(node: SyncNode): SyncRecord | undefined {
    return this.engines.current?.store.get(node.syncId);
  }

  /** The records a row stands for (itself and its folded resyncs). */
  rowOf(syncId: string): HistoryRow | undefined {
    return this.rows.get(syncId);
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    const now = this.clock.now();
    switch (node.type) {
      case 'file':
        return fileTreeItem(node);
      case 'folder':
        return folderTreeItem(node);
      case 'more':
        return moreTreeItem(node);
      case 'branch': {
        const rows = this.groups.get(node.key)?.rows ?? [];
        return branchTreeItem(node, rows, rows.some((r) => this.rowIsActive(r)), now);
      }
      case 'sync': {
        const record = this.record(node);
        if (!record) return new vscode.TreeItem(vscode.l10n.t('(unknown sync)'));
        const row = this.rows.get(node.syncId) ?? { record, repeats: [] };
        const base = record.baseSyncId ? this.engines.current?.store.get(record.baseSyncId) : undefined;
        return syncTreeItem({ ...row, record }, this.rowIsActive(row), base, now, this.isIndexing(record.id));
      }
    }
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    if (!node) {
      const generation = this.generation;
      try {
        return await this.roots();
      } finally {
        this.rendered = Math.max(this.rendered, generation);
        this._onDidRender.fire();
      }
    }
    switch (node.type) {
      case 'branch':
        return (this.groups.get(node.key)?.rows ?? []).map((r) => this.nodeFor(r.record.id));
      case 'sync':
        return this.entries(node, await this.changeTreeOf(node.syncId).catch(() => undefined));
      case 'folder':
        return this.entries(node.parent, node.folder, node.total);
      default:
        return [];
    }
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    if (node.type === 'branch') return undefined;
    if (node.type === 'sync') {
      const record = this.record(node);
      return [...this.branchNodes.values()].find((b) => record && b.branch === record.branch && this.groups.get(b.key)?.rows.some((r) => r.record.id === node.syncId));
    }
    return node.parent;
  }

  nodeFor(syncId: string): SyncNode {
    let node = this.syncNodes.get(syncId);
    if (!node) this.syncNodes.set(syncId, (node = { type: 'sync', syncId }));
    return node;
  }

  isActive(record: SyncRecord): boolean {
    return this.engines.current?.store.activeSync(record.repository)?.id === record.id;
  }

  /** The folder tree of a completed sync's changes against its base: built once, kept for a few syncs. */
  changeTreeOf(syncId: string): Promise<ChangeFolder> {
    let pending = this.trees.get(syncId);
    if (pending) {
      this.trees.delete(syncId); // re-insert: most recently used last
    } else {
      pending = this.loadChangeTree(syncId);
      pending.catch((e: unknown) => {
        this.trees.delete(syncId);
        this.log.error(`changed files of ${syncId}: ${e instanceof Error ? e.message : String(e)}`);
      });
    }
    this.trees.set(syncId, pending);
    for (const key of this.trees.keys()) {
      if (this.trees.size <= TREES_KEPT) break;
      this.trees.delete(key);
    }
    return pending;
  }

  private async roots(): Promise<HistoryNode[]> {
    await this.repos.resolve();
    const engine = await this.engines.get();
    const records = engine.store.list();
    setContext(ContextKeys.hasSyncs, records.length > 0, this.log);
    // Empty while the workspace cannot sync, so the contributed welcome content explains why.
    if (records.length === 0 || this.repos.kind() !== 'ready') {
      this.updateMessage(0, 0);
      return [];
    }
    const all = groupHistory(records);
    const shown = filterGroups(all, this.filterText);
    this.groups = new Map(shown.map((g) => [g.key, g]));
    // A branch or row that leaves the tree comes back in its first state (branches expanded, rows
    // collapsed), with no event: what was recorded of it is forgotten.
    for (const key of this.collapsed) if (!this.groups.has(key)) this.collapsed.delete(key);
    const shownRows = new Set(shown.flatMap((g) => g.rows.map((r) => r.record.id)));
    for (const id of this.expanded) if (!shownRows.has(id)) this.expanded.delete(id);
    this.rows = new Map(all.flatMap((g) => g.rows.map((r) => [r.record.id, r] as const)));
    const repositories = new Map(all.map((g) => [`${g.repository.host}/${g.repository.owner}/${g.repository.name}`, g.repository]));
    this.activeIds = new Set([...repositories.values()].flatMap((repo) => engine.store.activeSync(repo)?.id ?? []));
    this.updateMessage(countRows(shown), countRows(all));
    return shown.map((g) => this.branchNode(g));
  }

  private branchNode(group: BranchGroup): BranchNode {
    let node = this.branchNodes.get(group.key);
    if (!node) this.branchNodes.set(group.key, (node = { type: 'branch', key: group.key, repository: group.repository, branch: group.branch }));
    return node;
  }

  private entries(parent: SyncNode, folder: ChangeFolder | undefined, total = folder?.count ?? 0): HistoryNode[] {
    if (!folder) return [];
    const page = pageOf(folder);
    const nodes: HistoryNode[] = [
      ...page.folders.map((f) => ({ type: 'folder' as const, parent, folder: f, total })),
      ...page.files.map((change) => ({ type: 'file' as const, parent, change, baseSyncId: this.record(parent)?.baseSyncId ?? null })),
    ];
    if (page.hidden > 0) nodes.push({ type: 'more', parent, folder, hidden: page.hidden });
    return nodes;
  }

  private async loadChangeTree(syncId: string): Promise<ChangeFolder> {
    const engine = await this.engines.get();
    const record = engine.store.get(syncId);
    if (!record || record.status !== 'completed') return buildChangeTree([]);
    const after = await engine.store.readFiles(record.id);
    const before = record.baseSyncId ? await engine.store.readFiles(record.baseSyncId) : [];
    return buildChangeTree(changesBetween(before, after));
  }

  private rowIsActive(row: HistoryRow): boolean {
    return rowIds(row).some((id) => this.activeIds.has(id));
  }

  private attach(engine: Engine): void {
    this.storeSubscription?.dispose();
    // Any change can regroup or refold rows: refresh from the root (ids are stable, so expansion
    // survives, and change trees are cached: a completed sync's changes never change).
    this.storeSubscription = engine.store.onDidChange(() => this.changed());
    this.changed();
  }

  private updateMessage(shown: number, total: number): void {
    if (!this._view) return;
    // No message while the workspace cannot sync: a message hides the contributed welcome content,
    // which says what to do with the actions Source Control offers.
    const lines: string[] = [];
    if (this.repos.kind() === 'ready' && this.filterText) lines.push(vscode.l10n.t('Filtered by "{0}": {1} of {2} syncs.', this.filterText, formatCount(shown), formatCount(total)));
    this._view.message = lines.length ? lines.join(' ') : undefined;
  }

  /** Ages ("5 min ago") stay true while the view is visible: one re-render a minute, from cached data. */
  private startAges(): void {
    if (this.ageTimer) return;
    this.ageTimer = this.clock.every(AGE_REFRESH_MS, () => this.refreshAges());
  }

  /**
   * Only the texts of rows change with time: they are refreshed in place, and only rows whose
   * children are not shown. VS Code keeps a refreshed row's own handle but drops its children's until
   * it asks for them again, so a refresh from the root, or of an expanded branch, each minute would
   * let a row's open context menu send its command without the row. An expanded branch's age is
   * brought up to date when it is collapsed (its newest row, under it, says the same meanwhile).
   */
  private refreshAges(): void {
    const shown: HistoryNode[] = [
      ...[...this.branchNodes.values()].filter((b) => this.groups.has(b.key) && this.collapsed.has(b.key)),
      ...[...this.groups.values()].flatMap((g) => g.rows.filter((r) => !this.expanded.has(r.record.id)).map((r) => this.nodeFor(r.record.id))),
    ];
    if (shown.length > 0) this._onDidChangeTreeData.fire(shown);
  }

  /** Branches the user collapsed (they open expanded) and syncs the user expanded (they open collapsed). */
  private readonly collapsed = new Set<string>();
  private readonly expanded = new Set<string>();

  private trackExpansion(view: vscode.TreeView<HistoryNode>): void {
    view.onDidCollapseElement(({ element }) => {
      if (element.type === 'branch') {
        this.collapsed.add(element.key);
        // VS Code forgets the rows of a branch refreshed while collapsed: they come back collapsed.
        for (const r of this.groups.get(element.key)?.rows ?? []) this.expanded.delete(r.record.id);
        // Its rows are hidden now: its age can be refreshed in place.
        this._onDidChangeTreeData.fire([element]);
      } else if (element.type === 'sync') this.expanded.delete(element.syncId);
    }, this, this.viewDisposables);
    view.onDidExpandElement(({ element }) => {
      if (element.type === 'branch') this.collapsed.delete(element.key);
      else if (element.type === 'sync') this.expanded.add(element.syncId);
    }, this, this.viewDisposables);
  }

  private stopAges(): void {
    this.ageTimer?.dispose();
    this.ageTimer = undefined;
  }

  dispose(): void {
    this.stopAges();
    this.storeSubscription?.dispose();
    for (const d of [...this.disposables.splice(0), ...this.viewDisposables.splice(0)]) d.dispose();
  }
}
