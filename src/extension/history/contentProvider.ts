// Read-only `projectsync:/<path>?sync=<id>` documents: a file as a sync saw it, served by the
// engine from stored content (fetched on demand when missing). Used by the tree's diffs.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { displayGitPath, toUriPath } from '../../core/paths';
import type { EngineHost } from '../engineHost';
import { parseSyncUri, syncScheme, syncUriParts } from './syncUri';

export function syncFileUri(syncId: string, path: string): vscode.Uri {
  const { path: p, query } = syncUriParts(syncId, path);
  return vscode.Uri.from({ scheme: syncScheme, path: p, query });
}

/** The missing side of an added or removed file in a diff: a document the provider serves empty. */
export function emptyFileUri(path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: syncScheme, path: `/${toUriPath(path)}`, query: 'empty=1' });
}

export class SyncContentProvider implements vscode.TextDocumentContentProvider {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(
    private readonly engines: EngineHost,
    private readonly logger: Logger,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const parsed = parseSyncUri(uri.path, uri.query);
    if (!parsed) return '';
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const bytes = await this.engines.use((engine) => engine.readFile(parsed.syncId, parsed.path, abort.signal));
      if (!bytes) return '';
      return this.decoder.decode(bytes);
    } catch (e) {
      const shown = displayGitPath(parsed.path);
      this.logger.warn(`[content] ${shown} at ${parsed.syncId}: ${e instanceof Error ? e.message : String(e)}`);
      return vscode.l10n.t('The content of {0} is not available: {1}', shown, e instanceof Error ? e.message : String(e));
    } finally {
      sub.dispose();
    }
  }
}
