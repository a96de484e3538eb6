// Follow a branch: check its head with one conditional request on an interval (a 304 when it has
// not moved), and sync through the SyncController when it moved. Also checks on window focus after
// being away and after a local push/fetch. Offline or signed out it pauses quietly with back-off
// (the status bar says so; no pop-ups). The followed branch survives reloads (workspaceState).
import * as vscode from 'vscode';
import { toSyncError } from '../../core/errors';
import { scoped, type Logger } from '../../core/logger';
import type { HeadCheck } from '../../core/ports';
import type { RemoteRepository, SyncRecord } from '../../core/types';
import { shortSha } from '../../protocol/display';
import type { EngineHost } from '../engineHost';
import { effectiveInterval, healthOf, nextPollDelay, pollOnFocus, type FollowHealth } from './followSchedule';
import { GitRemoteWatcher } from './gitWatcher';
import type { SyncController, SyncTarget } from '../sync/syncController';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';

const STATE_KEY = 'projectSync.follow';

export interface FollowStatus {
  branch: string;
  health: FollowHealth;
  /** When the followed branch last synced (ISO), if ever. */
  lastSyncedAt?: string;
}

export class FollowController implements vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  /** The followed branch or its health changed. */
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidFollow = new vscode.EventEmitter<string>();
  /** The user chose a branch to follow (Follow Branch…), not a setting that changed. */
  readonly onDidFollow = this._onDidFollow.event;
  private readonly disposables: vscode.Disposable[] = [this._onDidChange, this._onDidFollow];
  private readonly log: Logger;
  private readonly git: GitRemoteWatcher;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling: Promise<void> | undefined;
  private failures = 0;
  private hints: Pick<HeadCheck, 'pollIntervalSeconds' | 'rateLimitRemaining' | 'rateLimitReset'> = {};
  private health: FollowHealth = 'ok';
  private awaySince: number | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly engines: EngineHost,
    private readonly controller: SyncController,
    private readonly repos: WorkspaceRepositories,
    private readonly state: vscode.Memento,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'follow');
    this.git = new GitRemoteWatcher(() => this.pollNow('a local push or fetch'), this.log);
    this.disposables.push(this.git);
    vscode.workspace.onDidChangeConfiguration(
      (e) => {
        if (e.affectsConfiguration('projectSync.follow')) this.restart('the follow setting changed');
        else if (e.affectsConfiguration('projectSync.pollInterval')) this.reschedule();
      },
      this,
      this.disposables,
    );
    vscode.window.onDidChangeWindowState((e) => this.onWindowState(e.focused), this, this.disposables);
  }

  /** The followed branch: the `projectSync.follow` setting when set, else the one chosen with Follow Branch…. */
  get branch(): string | undefined {
    // projectSync.follow is resource-scoped: `null` asks for the value of any resource (the workspace's).
    const setting = vscode.workspace.getConfiguration('projectSync', null).get<string>('follow')?.trim();
    return setting || this.state.get<string>(STATE_KEY) || undefined;
  }

  get status(): FollowStatus | undefined {
    const branch = this.branch;
    if (!branch) return undefined;
    const last = this.lastSynced(branch);
    return { branch, health: this.health, ...(last?.completedAt ? { lastSyncedAt: last.completedAt } : {}) };
  }

  /** Called once from activate: resumes a follow of an earlier session after one interval (no network at start-up). */
  start(): void {
    if (this.branch) this.restart('resuming', false);
  }

  async follow(branch: string): Promise<void> {
    await this.state.update(STATE_KEY, branch);
    this.restart(`following ${branch}`, true);
    this._onDidFollow.fire(branch);
  }

  async stop(): Promise<void> {
    await this.state.update(STATE_KEY, undefined);
    const config = vscode.workspace.getConfiguration('projectSync', null);
    const set = config.inspect<string>('follow');
    if (set?.workspaceValue) await config.update('follow', '', vscode.ConfigurationTarget.Workspace);
    if (set?.globalValue) await config.update('follow', '', vscode.ConfigurationTarget.Global);
    this.restart('stopped following');
  }

  /** Check now (focus, a push/fetch, Follow Branch…), unless a check or a sync is already under way. */
  pollNow(reason: string): void {
    if (!this.branch) return;
    this.log.info(`checking now: ${reason}`);
    this.clearTimer();
    this.runPoll();
  }

  private restart(reason: string, now = false): void {
    this.log.info(reason);
    this.failures = 0;
    this.hints = {};
    this.health = 'ok';
    this.clearTimer();
    // The followed branch may have changed (Follow Branch…, Stop Following, the setting): context
    // keys, menus and the status bar re-read it now, whether or not the health changed.
    this._onDidChange.fire();
    if (!this.branch) return;
    this.git.start().catch((e: unknown) => this.log.warn(`git extension: ${String(e)}`));
    if (now) this.runPoll();
    else this.reschedule();
  }

  private reschedule(): void {
    this.clearTimer();
    if (!this.branch || this.abort.signal.aborted) return;
    const delay = nextPollDelay({
      configuredSeconds: this.interval(),
      failures: this.failures,
      ...this.hints,
      nowMs: Date.now(),
    });
    this.timer = setTimeout(() => this.runPoll(), delay);
  }

  private runPoll(): void {
    if (this.polling) return;
    this.polling = this.poll()
      .catch((e: unknown) => this.log.error(`poll failed unexpectedly: ${String(e)}`))
      .finally(() => {
        this.polling = undefined;
        this.reschedule();
      });
  }

  private async poll(): Promise<void> {
    const branch = this.branch;
    if (!branch) return;
    if (this.controller.running) return; // never overlap a running sync; the next tick checks again
    try {
      const target = await this.target();
      if (!target) return;
      const engine = await this.engines.get();
      const head = await engine.headOf(target.folder.uri.fsPath, branch, target.remote.remoteName, this.abort.signal);
      this.hints = { pollIntervalSeconds: head.pollIntervalSeconds, rateLimitRemaining: head.rateLimitRemaining, rateLimitReset: head.rateLimitReset };
      const last = this.lastSynced(branch, target.remote);
      if (last?.commitSha !== head.commitSha && !this.controller.running) {
        this.log.info(`${branch} moved to ${shortSha(head.commitSha)}: syncing`);
        await this.controller.sync(target, branch);
      }
      this.failures = 0;
      this.setHealth('ok');
    } catch (e) {
      const error = toSyncError(e);
      if (this.abort.signal.aborted) return;
      this.failures++;
      this.setHealth(healthOf(error.code));
      this.log.warn(`check of ${branch} failed (${error.code}, ${this.failures} in a row): ${error.message}`);
    }
  }

  private async target(): Promise<SyncTarget | undefined> {
    const found = (await this.repos.resolve()).find((f) => f.remote);
    return found?.remote ? { ...found, remote: found.remote } : undefined;
  }

  /** The latest completed sync of the branch (a restore does not count: following does not undo it). */
  private lastSynced(branch: string, repository?: RemoteRepository): SyncRecord | undefined {
    const same = (r: SyncRecord) =>
      !repository || (r.repository.host === repository.host && r.repository.owner === repository.owner && r.repository.name === repository.name);
    return this.engines.current?.store.list().find((r) => r.kind === 'sync' && r.status === 'completed' && r.branch === branch && same(r));
  }

  private interval(): number {
    return effectiveInterval(vscode.workspace.getConfiguration('projectSync').get<unknown>('pollInterval'));
  }

  private onWindowState(focused: boolean): void {
    const now = Date.now();
    if (!focused) {
      this.awaySince ??= now;
      return;
    }
    const away = this.awaySince;
    this.awaySince = undefined;
    if (pollOnFocus(away, now, this.interval())) this.pollNow('the window is focused again');
  }

  private setHealth(health: FollowHealth): void {
    if (health === this.health) return;
    this.health = health;
    this._onDidChange.fire();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.abort.abort();
    this.clearTimer();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
