// The Sync view: a webview view that renders the host's state. It answers the webview's `ready`
// with a full snapshot, replays it whenever the view becomes visible again, forwards validated
// commands to the host, and posts a running sync's deltas coalesced to ~20 a second.
import * as vscode from 'vscode';
import {
  parseHostToWebview,
  parseWebviewToHost,
  type HostToWebview,
  type SyncDelta,
} from '../../protocol/messages';
import { DeltaCoalescer, systemTimers, type TimerPort } from './coalescer';
import type { SyncViewHost } from './host';
import { buildWebviewHtml, createNonce } from './html';

export class SyncViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'projectSync.syncView';

  private view: vscode.WebviewView | undefined;
  /** True between the webview's `ready` and its disposal: before it, posts would be lost. */
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private viewDisposables: vscode.Disposable[] = [];
  private readonly coalescer: DeltaCoalescer;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: SyncViewHost,
    private readonly logger: vscode.LogOutputChannel,
    timers: TimerPort = systemTimers,
  ) {
    this.coalescer = new DeltaCoalescer((m) => this.post(m), timers);
    host.onDidChangeState(() => this.postState(), this, this.disposables);
    host.onDidProgress((m) => this.onDelta(m), this, this.disposables);
    host.onDidChangeBranches((b) => this.post({ type: 'branches', ...b }), this, this.disposables);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.disposeView();
    this.view = view;
    this.ready = false;
    const roots = [
      vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(this.extensionUri, 'media'),
    ];
    view.webview.options = { enableScripts: true, enableForms: false, localResourceRoots: roots };
    view.webview.html = this.render(view.webview);
    view.webview.onDidReceiveMessage((m: unknown) => this.receive(m), this, this.viewDisposables);
    view.onDidChangeVisibility(() => this.onVisibility(), this, this.viewDisposables);
    view.onDidDispose(() => this.disposeView(), this, this.viewDisposables);
  }

  /** Reveal the view (e.g. from the status bar item). */
  show(preserveFocus = true): void {
    this.view?.show(preserveFocus);
  }

  dispose(): void {
    this.disposeView();
    this.coalescer.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private render(webview: vscode.Webview): string {
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return buildWebviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      styleNonce: createNonce(),
      scriptUri: asUri('dist', 'webview', 'main.js'),
      styleUri: asUri('media', 'webview.css'),
      title: vscode.l10n.t('Project Sync'),
    });
  }

  private receive(data: unknown): void {
    const parsed = parseWebviewToHost(data);
    if (!parsed.ok) {
      this.logger.warn(`[webview] dropped an invalid message: ${parsed.reason}`);
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

  private onVisibility(): void {
    if (this.view?.visible) this.postState();
    else this.coalescer.clear();
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
    return this.ready && this.view !== undefined && this.view.visible;
  }

  private post(message: HostToWebview): void {
    const view = this.view;
    if (!view || !this.ready) return;
    // The webview validates too; checking here turns a host bug into a log line, not a blank view.
    const checked = parseHostToWebview(message);
    if (!checked.ok) {
      this.logger.error(`[webview] refused to post an invalid ${message.type} message: ${checked.reason}`);
      return;
    }
    view.webview.postMessage(checked.value).then(undefined, (e: unknown) => this.logFailure('postMessage', e));
  }

  private logFailure(what: string, e: unknown): void {
    this.logger.error(`[webview] ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
  }

  private disposeView(): void {
    this.ready = false;
    this.view = undefined;
    this.coalescer.clear();
    for (const d of this.viewDisposables.splice(0)) d.dispose();
  }
}
