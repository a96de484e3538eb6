// Everything Browse Files needs, constructed and registered in one call from activate():
// the read-only file system, the Sync Files view, the History tree's change decorations.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { SyncRecord } from '../../core/types';
import { ViewIds } from '../commandIds';
import type { EngineHost } from '../engineHost';
import { ChangeDecorations } from '../history/changeDecorations';
import { BrowseCommands } from './browseCommands';
import { BrowseFileSystem } from './browseFs';
import { browseScheme } from './browsePaths';
import { BrowseTreeProvider } from './browseTree';

export interface BrowseDeps {
  engines: EngineHost;
  logger: Logger;
  recordOf: (arg: unknown) => Promise<SyncRecord>;
  subscriptions: vscode.Disposable[];
}

export function registerBrowse({ engines, logger, recordOf, subscriptions }: BrowseDeps): BrowseCommands {
  const fs = new BrowseFileSystem(engines, logger);
  const tree = new BrowseTreeProvider(fs, engines, logger);
  const view = vscode.window.createTreeView(ViewIds.browse, { treeDataProvider: tree, showCollapseAll: true });
  tree.view = view;
  subscriptions.push(
    fs,
    tree,
    view,
    vscode.workspace.registerFileSystemProvider(browseScheme, fs, { isReadonly: true, isCaseSensitive: true }),
    vscode.window.registerFileDecorationProvider(new ChangeDecorations()),
  );
  return new BrowseCommands(fs, tree, engines, recordOf);
}
