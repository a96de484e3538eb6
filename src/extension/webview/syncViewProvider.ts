// The Sync view's vscode glue: options, HTML, and one ViewSession per resolved webview.
// The session (and with it zod and the protocol schemas) is imported when the view first resolves,
// not at activation.
import * as vscode from 'vscode';
import { scoped } from '../../core/logger';
import { systemTimers, type TimerPort } from './coalescer';
import type { SyncViewHost } from './host';
import { buildWebviewHtml, createNonce, setWebviewContent } from './html';

export class SyncViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'projectSync.syncView';

  private view: vscode.WebviewView | undefined;
  private viewDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: SyncViewHost,
    private readonly logger: vscode.LogOutputChannel,
    private readonly timers: TimerPort = systemTimers,
  ) {}

  /** The Sync view is on screen (its banner is where the user looks). */
  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  async resolveWebviewView(view: vscode.WebviewView): Promise<void> {
    this.disposeView();
    this.view = view;
    const { ViewSession } = await import('./session');
    if (this.view !== view) return; // disposed or resolved again while the session module loaded
    const options: vscode.WebviewOptions = {
      enableScripts: true,
      enableForms: false,
      localResourceRoots: [
        vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(this.extensionUri, 'media'),
      ],
    };
    const session = new ViewSession(
      { get visible() { return view.visible; }, postMessage: (m) => view.webview.postMessage(m) },
      this.host,
      scoped(this.logger, 'webview'),
      this.timers,
    );
    this.viewDisposables.push(
      session,
      view.webview.onDidReceiveMessage((m: unknown) => session.receive(m)),
      view.onDidChangeVisibility(() => session.visibilityChanged()),
      view.onDidDispose(() => this.disposeView()),
    );
    // The HTML before the options: an options change re-renders whatever HTML is set (see setWebviewContent).
    setWebviewContent(view.webview, this.render(view.webview), options);
  }

  dispose(): void {
    this.disposeView();
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

  private disposeView(): void {
    this.view = undefined;
    for (const d of this.viewDisposables.splice(0)) d.dispose();
  }
}
