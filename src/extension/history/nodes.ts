// The History tree's model nodes. Node objects are cached by id so targeted refreshes
// (onDidChangeTreeData(node)) find the element VS Code already knows.
import type { RepositoryRef } from '../../core/types';
import type { FileChange } from './changes';
import type { ChangeFolder } from './changeTree';

/** A repository's branch: its syncs, newest first. */
export interface BranchNode {
  readonly type: 'branch';
  readonly key: string;
  readonly repository: RepositoryRef;
  readonly branch: string;
}

/** One row: a sync (with the no-change resyncs folded into it). */
export interface SyncNode {
  readonly type: 'sync';
  readonly syncId: string;
}

/** A folder of a sync's changed files. */
export interface FolderNode {
  readonly type: 'folder';
  readonly parent: SyncNode;
  readonly folder: ChangeFolder;
  /** All changes of the sync: a small sync's folders start expanded. */
  readonly total: number;
}

export interface FileNode {
  readonly type: 'file';
  readonly parent: SyncNode;
  readonly change: FileChange;
  /** The sync the change is measured against (null: the first sync of the branch). */
  readonly baseSyncId: string | null;
}

/** "Show all changes…" after the first page of a large folder. */
export interface MoreNode {
  readonly type: 'more';
  readonly parent: SyncNode;
  readonly folder: ChangeFolder;
  readonly hidden: number;
}

export type HistoryNode = BranchNode | SyncNode | FolderNode | FileNode | MoreNode;

export function isSyncNode(value: unknown): value is SyncNode {
  return typeof value === 'object' && value !== null && (value as SyncNode).type === 'sync' && typeof (value as SyncNode).syncId === 'string';
}

export function isFileNode(value: unknown): value is FileNode {
  return typeof value === 'object' && value !== null && (value as FileNode).type === 'file' && isSyncNode((value as FileNode).parent);
}

/** A folder or a "Show all changes…" row: both stand for the changes under a folder of a sync. */
export function isFolderScope(value: unknown): value is FolderNode | MoreNode {
  const v = value as FolderNode | MoreNode | null;
  return typeof v === 'object' && v !== null && (v.type === 'folder' || v.type === 'more') && isSyncNode(v.parent);
}
