// The `projectsync:` URIs of stored file versions: path = the repository path, query = the sync.
// Pure string helpers; contentProvider.ts builds vscode.Uri values from them.
import { isLoopbackHost } from '../../core/loopback';
import { fromUriPath, toUriPath } from '../../core/paths';

export const syncScheme = 'projectsync';

/**
 * `{ path: '/src/a.ts', query: 'sync=<id>' }` — the query value is percent-encoded; a name that is
 * not UTF-8 goes in through `toUriPath` (a URI cannot hold its escaped bytes).
 */
export function syncUriParts(syncId: string, repoPath: string): { path: string; query: string } {
  return { path: `/${toUriPath(repoPath)}`, query: new URLSearchParams({ sync: syncId }).toString() };
}

/** The sync id and repository path of a projectsync: URI, or undefined when malformed. */
export function parseSyncUri(path: string, query: string): { syncId: string; path: string } | undefined {
  const syncId = new URLSearchParams(query).get('sync');
  if (!syncId || !path.startsWith('/') || path.length < 2) return undefined;
  return { syncId, path: fromUriPath(path.slice(1)) };
}

/** `https://github.com/o/r/commit/<sha>` from the repository's web URL. */
export function commitUrl(webUrl: string, sha: string): string {
  return `${webUrl.replace(/\/+$/, '')}/commit/${encodeURIComponent(sha)}`;
}

/** A web URL from the record alone when the remote is not at hand: https for real hosts, http for loopback. */
export function guessWebUrl(repository: { host: string; owner: string; name: string }): string {
  return `${isLoopbackHost(repository.host) ? 'http' : 'https'}://${repository.host}/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.name)}`;
}
