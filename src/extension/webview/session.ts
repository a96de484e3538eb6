// One live webview of the Sync view, without vscode: answers `ready` with the full state, replays it
// when the view becomes visible again, forwards validated commands to the host, and posts a running
// sync's deltas through the coalescer. The provider is the thin vscode glue around it, so this logic
// is unit-tested in plain Node.
import type { Logger } from '../../core/logger';
import {
  parseHostToWebview,
  parseWebviewToHost,
  type HostToWebview,
  type SyncDelta,
} from '../../protocol/messages';
import { DeltaCoalescer, systemTimers, type TimerPort } from './coalescer';
import type { SyncViewHost } from './host';
import { LogLimiter } from './logLimiter';

/** The slice of vscode.WebviewView a session needs. */
export interface WebviewPort {
  readonly visible: boolean;
  postMessage(message: HostToWebview): PromiseLike<boolean>;
}

export class ViewSession {
  /** True after the webview's `ready`: before it, posts would be lost. */
  private ready = false;
  private readonly coalescer: DeltaCoalescer;
  private readonly subscriptions: { dispose(): void }[] = [];
  /** A webview flooding invalid messages must not flood the log: the first few, then a count. */
  private readonly invalidLog: LogLimiter;
  private readonly refusedLog: LogLimiter;

  constructor(
    private readonly port: WebviewPort,
    private readonly host: SyncViewHost,
    private readonly logger: Logger,
    timers: TimerPort = systemTimers,
  ) {
    this.coalescer = new DeltaCoalescer((m) => this.post(m), timers);
    this.invalidLog = new LogLimiter((l) => logger.warn(l), 'invalid messages from the webview dropped', timers);
    this.refusedLog = new LogLimiter((l) => logger.error(l), 'invalid messages to the webview refused', timers);
    this.subscriptions.push(
      host.onDidChangeState(() => this.postState()),
      host.onDidProgress((m) => this.onDelta(m)),
      host.onDidChangeBranches((b) => this.canPost() && this.post({ type: 'branches', ...b })),
    );
  }

  /** Raw data from `onDidReceiveMessage`: validated here, never trusted. */
  receive(data: unknown): void {
    const parsed = parseWebviewToHost(data);
    if (!parsed.ok) {
      this.invalidLog.log(() => `dropped an invalid message from the webview: ${parsed.reason}`);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ready') {
      this.ready = true;
      this.postState();
      return;
    }
    try {
      const result = this.host.handle(message);
      if (result) result.catch((e: unknown) => this.logFailure(message.type, e));
    } catch (e) {
      this.logFailure(message.type, e);
    }
  }

  /** Call from `onDidChangeVisibility`. */
  visibilityChanged(): void {
    if (this.port.visible) this.postState();
    else this.coalescer.clear();
  }

  dispose(): void {
    this.ready = false;
    this.coalescer.dispose();
    this.invalidLog.dispose();
    this.refusedLog.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private onDelta(message: SyncDelta): void {
    if (this.canPost()) this.coalescer.push(message);
  }

  private postState(): void {
    if (!this.canPost()) return;
    // Pending deltas are older than the snapshot: drop them rather than replay stale progress.
    this.coalescer.clear();
    this.post({ type: 'state', state: this.host.getState() });
  }

  private canPost(): boolean {
    return this.ready && this.port.visible;
  }

  private post(message: HostToWebview): void {
    // The webview validates too; checking here turns a host bug into a log line, not a blank view.
    const checked = parseHostToWebview(message);
    if (!checked.ok) {
      this.refusedLog.log(() => `refused to post an invalid ${message.type} message: ${checked.reason}`);
      return;
    }
    this.port.postMessage(checked.value).then(undefined, (e: unknown) => this.logFailure('postMessage', e));
  }

  private logFailure(what: string, e: unknown): void {
    this.logger.error(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
