// `projectsync-browse:` — any sync's whole tree as a read-only file system, offline: stat and
// readDirectory from the snapshot (one directory map per sync), content from the local store and
// object cache only (`readFile(…, { network: false })`). A file whose content was never fetched
// opens with a message saying so, and the user is offered to fetch it.
import * as vscode from 'vscode';
import { scoped, type Logger } from '../../core/logger';
import { displayGitPath } from '../../core/paths';
import type { EngineHost } from '../engineHost';
import { syncLabel } from '../history/describe';
import { browseScheme, browseUriParts, buildDirectoryMap, entryKind, lookup, repoPathOf, uriName, type DirectoryMap } from './browsePaths';

const t = (message: string, ...args: Array<string | number>) => vscode.l10n.t(message, ...args);

/** Directory maps kept (a 100,000-file snapshot is a few tens of MB of map). */
const MAPS_KEPT = 3;

export function browseUri(syncId: string, repoPath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: browseScheme, ...browseUriParts(syncId, repoPath) });
}

export class BrowseFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly _onDidChangeFile = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this._onDidChangeFile.event;
  private readonly maps = new Map<string, Promise<DirectoryMap>>();
  /** Files the user was already offered to fetch in this session. */
  private readonly offered = new Set<string>();
  /**
   * When a file's content was fetched, by URI: its mtime from then on. An open editor re-reads a
   * changed file only when its stat differs (mtime and size are its etag), and the snapshot's time
   * and size are the same before and after the fetch.
   */
  private readonly fetchedAt = new Map<string, number>();
  private readonly encoder = new TextEncoder();
  private readonly log: Logger;

  constructor(
    private readonly engines: EngineHost,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'browse');
  }

  /** The snapshot of `syncId` as directories: built once, kept for the last few syncs browsed. */
  directoryMap(syncId: string): Promise<DirectoryMap> {
    let pending = this.maps.get(syncId);
    if (pending) this.maps.delete(syncId);
    else {
      pending = this.engines.get().then(async (engine) => buildDirectoryMap(await engine.store.readFiles(syncId)));
      pending.catch(() => this.maps.delete(syncId));
    }
    this.maps.set(syncId, pending);
    for (const key of this.maps.keys()) {
      if (this.maps.size <= MAPS_KEPT) break;
      this.maps.delete(key);
    }
    return pending;
  }

  watch(): vscode.Disposable {
    // Snapshots never change; only a fetched file's content does (fired by fetch()).
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { map, path, time: snapshotTime } = await this.resolve(uri);
    const found = lookup(map, path);
    if (!found) throw vscode.FileSystemError.FileNotFound(uri);
    const permissions = vscode.FilePermission.Readonly;
    const mtime = this.fetchedAt.get(uri.toString()) ?? snapshotTime;
    if (found.kind === 'directory') return { type: vscode.FileType.Directory, ctime: snapshotTime, mtime, size: 0, permissions };
    const type = entryKind(found.file.mode) === 'symlink' ? vscode.FileType.File | vscode.FileType.SymbolicLink : vscode.FileType.File;
    return { type, ctime: snapshotTime, mtime, size: found.file.size ?? 0, permissions };
  }

  async readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    const { map, path } = await this.resolve(uri);
    const entries = map.dirs.get(path);
    if (!entries) throw vscode.FileSystemError.FileNotADirectory(uri);
    return entries.map((e) => [uriName(e.name), e.kind === 'directory' ? vscode.FileType.Directory : e.kind === 'symlink' ? vscode.FileType.File | vscode.FileType.SymbolicLink : vscode.FileType.File]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { map, path, syncId } = await this.resolve(uri);
    const found = lookup(map, path);
    if (!found) throw vscode.FileSystemError.FileNotFound(uri);
    if (found.kind === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
    if (entryKind(found.file.mode) === 'submodule') return this.encoder.encode(t('Submodule at commit {0}', found.file.blobSha));
    const engine = await this.engines.get();
    const bytes = await engine.readFile(syncId, path, undefined, { network: false });
    if (bytes) return bytes;
    const label = syncLabel(engine.store.get(syncId) ?? { branch: syncId, commitSha: null });
    this.offerFetch(uri, path, label);
    return this.encoder.encode(
      t('Project Sync has no stored content for {0} at {1}: it was never fetched, so it cannot be shown offline. Choose Fetch in the notification to download it from GitHub.', displayGitPath(path), label),
    );
  }

  /** Downloads a file's content (network allowed), then tells open editors to read it again. */
  async fetch(uri: vscode.Uri): Promise<void> {
    const { path, syncId } = await this.resolve(uri);
    const engine = await this.engines.get();
    const bytes = await engine.readFile(syncId, path, undefined, { network: true });
    if (!bytes) throw vscode.FileSystemError.Unavailable(t('The content of {0} could not be fetched: the repository is not reachable from this window.', displayGitPath(path)));
    this.fetchedAt.set(uri.toString(), Date.now());
    this._onDidChangeFile.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  private offerFetch(uri: vscode.Uri, path: string, label: string): void {
    const key = uri.toString();
    if (this.offered.has(key)) return;
    this.offered.add(key);
    const fetch = t('Fetch');
    vscode.window.showInformationMessage(t('The content of {0} at {1} was never fetched. Fetch it from GitHub?', displayGitPath(path), label), fetch).then(
      (choice) => (choice === fetch ? this.fetch(uri) : undefined),
      (e: unknown) => this.log.warn(`fetch offer for ${displayGitPath(path)}: ${String(e)}`),
    ).then(undefined, (e: unknown) => {
      this.offered.delete(key);
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
    });
  }

  private async resolve(uri: vscode.Uri): Promise<{ map: DirectoryMap; path: string; syncId: string; time: number }> {
    const syncId = uri.authority;
    const record = (await this.engines.get()).store.get(syncId);
    if (!record || record.status !== 'completed') throw vscode.FileSystemError.FileNotFound(uri);
    const time = Date.parse(record.completedAt ?? record.startedAt) || 0;
    return { map: await this.directoryMap(syncId), path: repoPathOf(uri.path), syncId, time };
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this._onDidChangeFile.dispose();
  }
}
