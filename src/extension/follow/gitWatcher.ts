// Notices a local `git push` or `git fetch` through VS Code's git extension (`vscode.git`,
// getAPI(1)): a change of the current branch's upstream (commit, ahead/behind) fires `onRemoteRefsMoved`. Everything is
// guarded: without the git extension (or with it disabled) nothing happens.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { remoteRefsSignature } from './followSchedule';

/** The few parts of the git extension's API (extensions/git/src/api/git.d.ts) we read. */
interface GitRepositoryLike {
  readonly rootUri?: vscode.Uri;
  readonly state: {
    readonly onDidChange: vscode.Event<void>;
    readonly HEAD?: { readonly upstream?: { readonly remote?: string; readonly name?: string; readonly commit?: string }; readonly ahead?: number; readonly behind?: number };
  };
}
interface GitApiLike {
  readonly repositories: readonly GitRepositoryLike[];
  readonly onDidOpenRepository?: vscode.Event<GitRepositoryLike>;
}
interface GitExtensionLike {
  readonly enabled?: boolean;
  getAPI(version: 1): GitApiLike;
}

export class GitRemoteWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The last signature per repository; undefined while the git extension has not read HEAD yet. */
  private readonly seen = new Map<GitRepositoryLike, string | undefined>();
  private started = false;

  constructor(
    private readonly onRemoteRefsMoved: () => void,
    private readonly logger: Logger,
  ) {}

  /** Subscribe (once) when the git extension is present; activates it if needed. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const ext = vscode.extensions.getExtension<GitExtensionLike>('vscode.git');
    if (!ext) {
      this.logger.info('[follow] the git extension is not available: no push/fetch detection');
      return;
    }
    const exports = ext.isActive ? ext.exports : await ext.activate();
    if (!exports || exports.enabled === false || typeof exports.getAPI !== 'function') return;
    const api = exports.getAPI(1);
    for (const repo of api.repositories) this.watch(repo);
    api.onDidOpenRepository?.((repo) => this.watch(repo), undefined, this.disposables);
  }

  private watch(repo: GitRepositoryLike): void {
    const signature = () => (repo.state.HEAD ? remoteRefsSignature(repo.state) : undefined);
    this.seen.set(repo, signature());
    repo.state.onDidChange(
      () => {
        const next = signature();
        const before = this.seen.get(repo);
        if (next === before) return;
        this.seen.set(repo, next);
        // The git extension reading HEAD for the first time (at start-up) is not a push or a fetch:
        // it must not poll, or every window start would reach the network.
        if (before === undefined || next === undefined) return;
        this.onRemoteRefsMoved();
      },
      undefined,
      this.disposables,
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.seen.clear();
  }
}
