// The ONLY place that runs a sync or a restore. It consumes the engine's event generator inside
// try/catch, owns one AbortController per run, sets `projectSync.syncing` (so Sync and Restore
// cannot overlap), fires onDidStart/onDidProgress/onDidEnd, and keeps the Sync view's state.
import * as vscode from 'vscode';
import { SyncError, toSyncError } from '../../core/errors';
import { scoped, type Logger } from '../../core/logger';
import type { SyncEvent } from '../../core/syncEvents';
import type { RemoteRepository, SyncRecord } from '../../core/types';
import type { Engine } from '../../engine/types';
import type { SyncDelta } from '../../protocol/messages';
import { ContextKeys } from '../commandIds';
import { setContext } from '../contextKeys';
import type { EngineHost } from '../engineHost';
import { describeRecordError } from './errorText';
import { bannerRecord, toSummary, toWireStats } from './viewState';
import type { FolderRepository } from '../workspace/workspaceRepos';

export interface RunInfo {
  readonly kind: 'sync' | 'restore';
  syncId?: string;
  branch: string;
  phase: SyncRecord['phase'];
  done: number;
  total: number | null;
  stats: SyncRecord['stats'];
  readonly startedAt: string;
  /** A rate-limit wait: when it ends (epoch ms), why, and GitHub's reset time. */
  waiting?: { until: number; reason: Extract<SyncEvent, { type: 'waiting' }>['reason']; resetAt?: string };
  readonly abort: AbortController;
}

export interface RunEnd {
  kind: 'sync' | 'restore';
  record?: SyncRecord;
  error?: SyncError;
}

export type SyncTarget = FolderRepository & { remote: RemoteRepository };

export class SyncController implements vscode.Disposable {
  private readonly _onDidStart = new vscode.EventEmitter<RunInfo>();
  private readonly _onDidProgress = new vscode.EventEmitter<SyncDelta>();
  private readonly _onDidEnd = new vscode.EventEmitter<RunEnd>();
  readonly onDidStart = this._onDidStart.event;
  readonly onDidProgress = this._onDidProgress.event;
  readonly onDidEnd = this._onDidEnd.event;
  private readonly disposables: vscode.Disposable[] = [this._onDidStart, this._onDidProgress, this._onDidEnd];
  private run: RunInfo | undefined;
  /** The last run's outcome (for Retry and the failed status). */
  private lastEnd: (RunEnd & { branch?: string; target?: SyncTarget }) | undefined;
  private readonly log: Logger;

  constructor(
    private readonly engines: EngineHost,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'sync');
  }

  get running(): Readonly<RunInfo> | undefined {
    return this.run;
  }

  get lastOutcome(): Readonly<RunEnd & { branch?: string; target?: SyncTarget }> | undefined {
    return this.lastEnd;
  }

  /** Sync `branch` (the remote's default when absent) of the target folder's repository. */
  async sync(target: SyncTarget, branch?: string): Promise<SyncRecord> {
    const remoteName = target.remote.remoteName;
    const label = branch ?? vscode.l10n.t('default branch');
    return this.execute('sync', label, target, (engine, signal) =>
      engine.sync({ workdir: target.folder.uri.fsPath, branch, remoteName }, signal),
    );
  }

  /** Append a restore of `record` (its snapshot and memory become the active ones). */
  async restore(record: SyncRecord): Promise<SyncRecord> {
    return this.execute('restore', record.branch, undefined, (engine, signal) => engine.restore(record.id, signal));
  }

  /** Cancel the running sync or restore; false when nothing runs. */
  cancel(): boolean {
    if (!this.run) return false;
    this.log.info(`cancelling ${this.run.kind} of ${this.run.branch}`);
    this.run.abort.abort();
    return true;
  }

  private async execute(
    kind: RunEnd['kind'],
    branch: string,
    target: SyncTarget | undefined,
    start: (engine: Engine, signal: AbortSignal) => AsyncGenerator<SyncEvent, SyncRecord>,
  ): Promise<SyncRecord> {
    if (this.run) throw new SyncError('LOCKED', vscode.l10n.t('A sync is already running in this window.'));
    const run: RunInfo = {
      kind,
      branch,
      phase: 'resolving',
      done: 0,
      total: null,
      stats: { files: 0, added: 0, modified: 0, removed: 0, requests: 0, bytes: 0, contentSource: 'none', contentFiles: 0, durationMs: 0 },
      startedAt: new Date().toISOString(),
      abort: new AbortController(),
    };
    this.run = run;
    setContext(ContextKeys.syncing, true, this.log);
    this._onDidStart.fire(run);
    try {
      const engine = await this.engines.get();
      const events = start(engine, run.abort.signal);
      for (;;) {
        const next = await events.next();
        if (next.done) {
          this.finish(run, target, { kind, record: next.value });
          return next.value;
        }
        this.apply(run, next.value);
      }
    } catch (e) {
      const error = toSyncError(e);
      const record = run.syncId ? this.engines.current?.store.get(run.syncId) : undefined;
      this.log[error.code === 'CANCELLED' ? 'info' : 'error'](`${kind} of ${run.branch} ended: ${error.code} ${error.message}`);
      this.finish(run, target, { kind, record, error });
      throw error;
    }
  }

  private apply(run: RunInfo, event: SyncEvent): void {
    switch (event.type) {
      case 'started':
        run.syncId = event.sync.id;
        run.branch = event.sync.branch;
        this.log.info(`${run.kind} ${event.sync.id} of ${event.sync.branch} started`);
        break;
      case 'progress':
        run.syncId = event.syncId;
        run.phase = event.phase;
        run.done = event.done;
        run.total = event.total;
        run.stats = event.stats;
        run.waiting = undefined;
        this.fireProgress(run);
        break;
      case 'waiting':
        run.waiting = { until: Date.now() + event.seconds * 1000, reason: event.reason, resetAt: event.resetAt };
        this.log.warn(`waiting ${event.seconds}s (${event.reason})`);
        this._onDidProgress.fire({ type: 'waiting', syncId: event.syncId, seconds: event.seconds, reason: event.reason, resetAt: event.resetAt });
        break;
      case 'warning':
        this.log.warn(event.message);
        break;
      case 'saved':
        this.log.info(`${run.kind} ${event.sync.id}: snapshot saved, indexing memory`);
        break;
    }
  }

  private fireProgress(run: RunInfo): void {
    if (!run.syncId) return;
    this._onDidProgress.fire({
      type: 'progress',
      syncId: run.syncId,
      branch: run.branch,
      phase: run.phase,
      done: run.done,
      total: run.total,
      stats: toWireStats(run.stats),
      startedAt: run.startedAt,
    });
  }

  private finish(run: RunInfo, target: SyncTarget | undefined, end: RunEnd): void {
    this.run = undefined;
    this.lastEnd = { ...end, branch: end.record?.branch ?? run.branch, target };
    setContext(ContextKeys.syncing, false, this.log);
    const summary = end.record
      ? toSummary(bannerRecord(end.record, end.error), (id) => this.engines.current?.store.get(id), (e) => describeRecordError(e, end.error))
      : null;
    if (summary) this._onDidProgress.fire({ type: 'finished', sync: summary });
    this._onDidEnd.fire(end);
    if (end.record && !end.error) this.log.info(`${end.kind} ${end.record.id} completed`);
    // Settings changed during the run reopen the engine now (once the end is told, which reads the
    // store), before the next run asks for it.
    this.engines.idle();
  }

  dispose(): void {
    this.run?.abort.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

