// vscode.TreeItems for history nodes, built from the pure describers in describe.ts.
import * as vscode from 'vscode';
import type { SyncRecord } from '../../core/types';
import { CommandIds } from '../commandIds';
import { splitPath } from './changes';
import {
  fileContextValue,
  fileIcon,
  fileItemId,
  syncContextValue,
  syncDescription,
  syncIcon,
  syncItemId,
  syncItemState,
  syncLabel,
  syncTooltip,
  type IconSpec,
} from './describe';
import type { FileNode } from './nodes';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

function themeIcon(spec: IconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(spec.id, spec.color ? new vscode.ThemeColor(spec.color) : undefined);
}

export function syncTreeItem(record: SyncRecord, isActive: boolean, now: Date): vscode.TreeItem {
  const expandable = record.status === 'completed' && record.treeSha !== null;
  const item = new vscode.TreeItem(
    syncLabel(record),
    expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = syncItemId(record.id);
  item.description = syncDescription(record, isActive, now, t);
  item.iconPath = themeIcon(syncIcon(syncItemState(record, isActive)));
  item.contextValue = syncContextValue(record, isActive);
  item.tooltip = tooltip(record, isActive);
  return item;
}

/** Every repository-derived string goes in through appendText, which escapes Markdown. */
function tooltip(record: SyncRecord, isActive: boolean): vscode.MarkdownString {
  const model = syncTooltip(record, isActive, t);
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**').appendText(model.title).appendMarkdown('**\n\n');
  for (const [label, value] of model.rows) {
    md.appendText(label).appendMarkdown(': ').appendText(value).appendMarkdown('  \n');
  }
  return md;
}

export function fileTreeItem(node: FileNode): vscode.TreeItem {
  const { name, dir } = splitPath(node.change.path);
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = fileItemId(node.parent.syncId, node.change.path);
  item.description = dir;
  item.iconPath = themeIcon(fileIcon(node.change.change));
  item.contextValue = fileContextValue(node.change.change);
  item.tooltip = new vscode.MarkdownString().appendText(`${node.change.path} (${changeTitle(node.change.change)})`);
  item.command = { command: CommandIds.openChanges, title: t('Open Changes'), arguments: [node] };
  return item;
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
