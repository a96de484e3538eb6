// Which workspace folders are clones of a GitHub repository. Resolved on demand (when a view
// shows or a command runs), cached until the folders or the remote setting change.
import * as vscode from 'vscode';
import { SyncError, toSyncError } from '../../core/errors';
import { scoped, type Logger } from '../../core/logger';
import type { RemoteRepository, RepositoryRef } from '../../core/types';
import { ContextKeys } from '../commandIds';
import { setContext } from '../contextKeys';
import type { EngineHost } from '../engineHost';
import { sameRepository, workspaceKind, type WorkspaceKind } from './workspaceKind';

export interface FolderRepository {
  folder: vscode.WorkspaceFolder;
  remote?: RemoteRepository;
  error?: SyncError;
}

export class WorkspaceRepositories implements vscode.Disposable {
  private resolved: Promise<FolderRepository[]> | undefined;
  private last: FolderRepository[] | undefined;
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;
  private readonly disposables: vscode.Disposable[] = [this._onDidChange];
  private readonly log: Logger;

  constructor(
    private readonly engines: EngineHost,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'workspace');
    vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate(), this, this.disposables);
    // An engine reopened (a setting changed) learns again where each repository's work tree is: it
    // reads files from the workspace's objects and fetches from the remote through what it resolved.
    engines.onDidOpen(() => (engines.opens > 1 ? this.invalidate() : undefined), this, this.disposables);
    vscode.workspace.onDidChangeConfiguration(
      (e) => {
        if (e.affectsConfiguration('projectSync.remote')) this.invalidate();
      },
      this,
      this.disposables,
    );
  }

  /** The last resolution, if one finished (synchronous readers: the webview state). */
  get folders(): readonly FolderRepository[] | undefined {
    return this.last;
  }

  /** Resolve every folder's remote once; later calls share the result. */
  resolve(): Promise<FolderRepository[]> {
    this.resolved ??= this.resolveAll().then((all) => {
      this.last = all;
      this.updateContext(all);
      this._onDidChange.fire();
      return all;
    });
    return this.resolved;
  }

  /** Forget the cache and resolve again (folders, setting or the Refresh command). */
  invalidate(): void {
    this.resolved = undefined;
    this.resolve().catch((e: unknown) => this.log.error(`resolving remotes failed: ${String(e)}`));
  }

  kind(): WorkspaceKind {
    return workspaceKind(this.last ?? [], (vscode.workspace.workspaceFolders ?? []).length);
  }

  /** One sentence per folder without a GitHub remote: shown as the History view's message. */
  problems(): string[] {
    const failed = (this.last ?? []).filter((f) => f.error);
    // The folder's name only tells folders apart: one folder needs no prefix.
    const several = (this.last ?? []).length > 1;
    return failed.map((f) => (several ? `${f.folder.name}: ${f.error?.message ?? ''}` : (f.error?.message ?? '')));
  }

  /** The folder whose remote is this repository (for web URLs and file reads). */
  remoteFor(repository: RepositoryRef): RemoteRepository | undefined {
    return this.last?.find((f) => f.remote && sameRepository(f.remote, repository))?.remote;
  }

  /** The folder to sync: the only one with a GitHub remote, or the user's pick among several. */
  async pickFolder(t: typeof vscode.l10n.t): Promise<FolderRepository & { remote: RemoteRepository } | undefined> {
    const all = await this.resolve();
    const usable = all.filter((f): f is FolderRepository & { remote: RemoteRepository } => f.remote !== undefined);
    if (usable.length === 0) {
      if (all.length === 0) throw new SyncError('NO_GIT_REPO', t('Open a folder that is a clone of a GitHub repository first.'));
      throw all[0]?.error ?? new SyncError('NO_REMOTE', t('No workspace folder has a GitHub remote.'));
    }
    if (usable.length === 1) return usable[0];
    const picked = await vscode.window.showQuickPick(
      usable.map((f) => ({ label: f.folder.name, description: `${f.remote.owner}/${f.remote.name}`, detail: f.folder.uri.fsPath, f })),
      { title: t('Sync which folder?'), placeHolder: t('Several folders have a GitHub remote'), matchOnDescription: true },
    );
    return picked?.f;
  }

  private async resolveAll(): Promise<FolderRepository[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return [];
    const engine = await this.engines.get();
    const remoteName = (folder: vscode.WorkspaceFolder) =>
      vscode.workspace.getConfiguration('projectSync', folder.uri).get<string>('remote') || 'origin';
    return Promise.all(
      folders.map(async (folder): Promise<FolderRepository> => {
        if (folder.uri.scheme !== 'file') return { folder, error: new SyncError('NO_GIT_REPO', 'Only local folders can be synced.') };
        try {
          return { folder, remote: await engine.resolveRemote(folder.uri.fsPath, remoteName(folder)) };
        } catch (e) {
          const error = toSyncError(e);
          this.log.info(`${folder.name}: ${error.code} ${error.message}`);
          return { folder, error };
        }
      }),
    );
  }

  private updateContext(all: FolderRepository[]): void {
    const kind = workspaceKind(all, (vscode.workspace.workspaceFolders ?? []).length);
    setContext(ContextKeys.workspace, kind, this.log);
    setContext(ContextKeys.hasRemote, kind === 'ready', this.log);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
