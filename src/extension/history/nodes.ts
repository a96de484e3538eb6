// The History tree's model nodes. Node objects are cached by id so targeted refreshes
// (onDidChangeTreeData(node)) find the element VS Code already knows.
import type { FileChange } from './changes';

export interface SyncNode {
  readonly type: 'sync';
  readonly syncId: string;
}

export interface FileNode {
  readonly type: 'file';
  readonly parent: SyncNode;
  readonly change: FileChange;
  /** The sync the change is measured against (null: the first sync of the chain). */
  readonly baseSyncId: string | null;
}

export type HistoryNode = SyncNode | FileNode;

export function isSyncNode(value: unknown): value is SyncNode {
  return typeof value === 'object' && value !== null && (value as SyncNode).type === 'sync' && typeof (value as SyncNode).syncId === 'string';
}

export function isFileNode(value: unknown): value is FileNode {
  return typeof value === 'object' && value !== null && (value as FileNode).type === 'file' && isSyncNode((value as FileNode).parent);
}
