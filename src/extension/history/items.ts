// vscode.TreeItems for history nodes, built from the pure describers in describe.ts.
import * as vscode from 'vscode';
import { displayGitPath, toUriPath } from '../../core/paths';
import type { SyncRecord } from '../../core/types';
import { formatCount } from '../../protocol/display';
import { CommandIds } from '../commandIds';
import { changeFileUri } from './changeDecorations';
import {
  branchDescription,
  fileContextValue,
  fileItemId,
  rowDescription,
  syncContextValue,
  syncIcon,
  syncItemId,
  syncItemState,
  syncLabel,
  syncTooltip,
  type IconSpec,
} from './describe';
import type { HistoryRow } from './grouping';
import type { BranchNode, FileNode, FolderNode, MoreNode } from './nodes';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

/** Changes in a sync up to which its folders start expanded. */
const EXPAND_FOLDERS_UP_TO = 50;

function themeIcon(spec: IconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(spec.id, spec.color ? new vscode.ThemeColor(spec.color) : undefined);
}

export function branchTreeItem(node: BranchNode, rows: readonly HistoryRow[], holdsActive: boolean, now: Date): vscode.TreeItem {
  const item = new vscode.TreeItem(node.branch, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `branch/${node.key}`;
  item.description = branchDescription(rows, holdsActive, now, t);
  item.iconPath = new vscode.ThemeIcon('git-branch', holdsActive ? new vscode.ThemeColor('testing.iconPassed') : undefined);
  item.contextValue = holdsActive ? 'branch:active' : 'branch';
  item.tooltip = new vscode.MarkdownString()
    .appendText(`${node.repository.owner}/${node.repository.name} · ${node.branch}`)
    .appendMarkdown('\n\n')
    .appendText(item.description);
  return item;
}

export function syncTreeItem(row: HistoryRow, isActive: boolean, base: SyncRecord | undefined, now: Date, indexing = false): vscode.TreeItem {
  const { record } = row;
  const expandable = record.status === 'completed' && record.treeSha !== null;
  const item = new vscode.TreeItem(
    syncLabel(record),
    expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = syncItemId(record.id);
  item.description = rowDescription(row, isActive, base, now, t, indexing);
  item.iconPath = themeIcon(syncIcon(syncItemState(record, isActive)));
  item.contextValue = syncContextValue(record, isActive);
  item.tooltip = tooltip(row, isActive, base, now, indexing);
  return item;
}

/** Every repository-derived string goes in through appendText, which escapes Markdown. */
function tooltip(row: HistoryRow, isActive: boolean, base: SyncRecord | undefined, now: Date, indexing: boolean): vscode.MarkdownString {
  const model = syncTooltip(row.record, isActive, t, { base, now, repeats: row.repeats, indexing });
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(model.title).appendMarkdown('**\n\n');
  for (const [label, value] of model.rows) {
    md.appendText(label).appendMarkdown(': ').appendText(value).appendMarkdown('  \n');
  }
  return md;
}

export function folderTreeItem(node: FolderNode): vscode.TreeItem {
  const { folder } = node;
  const state = node.total <= EXPAND_FOLDERS_UP_TO ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(displayGitPath(folder.name), state);
  item.id = `${syncItemId(node.parent.syncId)}/dir/${folder.path}`;
  item.resourceUri = vscode.Uri.from({ scheme: 'projectsync', path: `/${toUriPath(folder.path)}` });
  item.iconPath = vscode.ThemeIcon.Folder;
  item.description = changeCount(folder.count);
  item.contextValue = 'folder';
  return item;
}

export function moreTreeItem(node: MoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem(t('Show all changes…'), vscode.TreeItemCollapsibleState.None);
  item.id = `${syncItemId(node.parent.syncId)}/more/${node.folder.path}`;
  item.description = t('{0} more in this folder', formatCount(node.hidden));
  item.iconPath = new vscode.ThemeIcon('diff-multiple');
  item.contextValue = 'more';
  item.command = { command: CommandIds.showAllChanges, title: t('Show All Changes'), arguments: [node] };
  return item;
}

export function fileTreeItem(node: FileNode): vscode.TreeItem {
  const { path, change } = node.change;
  const item = new vscode.TreeItem(displayGitPath(path.slice(path.lastIndexOf('/') + 1)), vscode.TreeItemCollapsibleState.None);
  item.id = fileItemId(node.parent.syncId, path);
  item.resourceUri = changeFileUri(node.parent.syncId, path, change);
  item.iconPath = vscode.ThemeIcon.File;
  item.contextValue = fileContextValue(change);
  item.tooltip = new vscode.MarkdownString().appendText(`${displayGitPath(path)} (${changeTitle(change)})`);
  item.command = { command: CommandIds.openChanges, title: t('Open Changes'), arguments: [node] };
  return item;
}

function changeCount(n: number): string {
  return n === 1 ? t('1 change') : t('{0} changes', formatCount(n));
}

function changeTitle(change: FileNode['change']['change']): string {
  switch (change) {
    case 'added':
      return t('added');
    case 'modified':
      return t('modified');
    case 'removed':
      return t('removed');
  }
}
