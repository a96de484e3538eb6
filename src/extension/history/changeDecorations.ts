// The A / M / D letters and colours on changed files in the History tree, like Source Control's:
// the tree items' resourceUri carries the change kind, this provider turns it into a decoration.
import * as vscode from 'vscode';
import type { ChangeKind } from './changes';
import { syncScheme, syncUriParts } from './syncUri';

const t = (message: string) => vscode.l10n.t(message);
const decorations: Record<ChangeKind, { badge: string; color: string; tooltip: () => string }> = {
  added: { badge: 'A', color: 'gitDecoration.addedResourceForeground', tooltip: () => t('Added') },
  modified: { badge: 'M', color: 'gitDecoration.modifiedResourceForeground', tooltip: () => t('Modified') },
  removed: { badge: 'D', color: 'gitDecoration.deletedResourceForeground', tooltip: () => t('Deleted') },
};

/** A tree item's resourceUri: the file at the sync, with its change kind for the decoration. */
export function changeFileUri(syncId: string, path: string, change: ChangeKind): vscode.Uri {
  const parts = syncUriParts(syncId, path);
  return vscode.Uri.from({ scheme: syncScheme, path: parts.path, query: `${parts.query}&change=${change}` });
}

export class ChangeDecorations implements vscode.FileDecorationProvider {
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== syncScheme) return undefined;
    const change = new URLSearchParams(uri.query).get('change');
    const d = change && change in decorations ? decorations[change as ChangeKind] : undefined;
    if (!d) return undefined;
    return new vscode.FileDecoration(d.badge, d.tooltip(), new vscode.ThemeColor(d.color));
  }
}
