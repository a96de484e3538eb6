// GitHub sessions from VS Code's own authentication providers. We ask for a token when a request
// needs one and hand it to the engine; we never store or log it.
import * as vscode from 'vscode';
import { scoped, type Logger } from '../../core/logger';
import { authProviderFor, type AuthProviderId } from './authHosts';

/** Scope for private repositories. Silent lookups also accept any existing session (`[]`). */
const REPO_SCOPES = ['repo'];

export class GitHubAuth implements vscode.Disposable {
  private readonly _onDidChangeSessions = new vscode.EventEmitter<void>();
  readonly onDidChangeSessions = this._onDidChangeSessions.event;
  private readonly disposables: vscode.Disposable[] = [this._onDidChangeSessions];
  private readonly log: Logger;

  constructor(logger: Logger) {
    this.log = scoped(logger, 'auth');
    vscode.authentication.onDidChangeSessions(
      (e) => {
        if (e.provider.id === 'github' || e.provider.id === 'github-enterprise') this._onDidChangeSessions.fire();
      },
      this,
      this.disposables,
    );
  }

  /** The provider for a host; undefined for loopback test servers and hosts no provider serves. */
  providerFor(host: string): AuthProviderId | undefined {
    const enterpriseUri = vscode.workspace.getConfiguration('github-enterprise').get<string>('uri');
    return authProviderFor(host, enterpriseUri);
  }

  /** A token for `host` without any prompt, or undefined (public repositories work signed out). */
  async getToken(host: string): Promise<string | undefined> {
    const session = await this.silentSession(host);
    return session?.accessToken;
  }

  /** True when a session exists, or when no sign-in applies to the host (loopback, unknown hosts). */
  async isSignedIn(host: string): Promise<boolean> {
    if (!this.providerFor(host)) return true;
    return (await this.silentSession(host)) !== undefined;
  }

  /** Prompt for a session with the `repo` scope. Resolves false when the user declines. */
  async signIn(host = 'github.com'): Promise<boolean> {
    const provider = this.providerFor(host) ?? 'github';
    try {
      const session = await vscode.authentication.getSession(provider, REPO_SCOPES, { createIfNone: true });
      this.log.info(`signed in to ${provider} as ${session.account.label}`);
      return true;
    } catch (e) {
      // The user cancelled the sign-in dialog: not an error worth a notification.
      this.log.info(`sign-in to ${provider} did not complete: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  private async silentSession(host: string): Promise<vscode.AuthenticationSession | undefined> {
    const provider = this.providerFor(host);
    if (!provider) return undefined;
    try {
      return (
        (await vscode.authentication.getSession(provider, REPO_SCOPES, { silent: true })) ??
        (await vscode.authentication.getSession(provider, [], { silent: true }))
      );
    } catch (e) {
      // No provider registered (e.g. github-enterprise not configured in this build).
      this.log.warn(`no ${provider} session available: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
