import type { ServedRepo } from './gitRepo.js';
import type { Urls } from './shapes.js';
import type { ServerSwitches } from './types.js';

/** What the request handlers share. */
export interface ServerContext extends Urls {
  switches: ServerSwitches;
  tokens: Set<string>;
  /** Keyed by lower-cased `owner/name` (GitHub names are case-insensitive). */
  repos: Map<string, ServedRepo>;
  reposById: Map<number, ServedRepo>;
}

export type AuthState = 'anonymous' | 'valid' | 'invalid';

/** `Authorization: token X`, `Bearer X` or `Basic base64(user:X)` (git's form; X may be the user too). */
export function authState(header: string | undefined, tokens: Set<string>): AuthState {
  if (!header) return 'anonymous';
  const m = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!m) return 'invalid';
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!.trim();
  if (scheme === 'token' || scheme === 'bearer') return tokens.has(value) ? 'valid' : 'invalid';
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    const pass = colon === -1 ? '' : decoded.slice(colon + 1);
    return tokens.has(pass) || tokens.has(user) ? 'valid' : 'invalid';
  }
  return 'invalid';
}

/** The repository named by owner/name, hidden (undefined) when private and not authenticated. */
export function visibleRepo(ctx: ServerContext, repo: ServedRepo | undefined, auth: AuthState): ServedRepo | undefined {
  if (!repo) return undefined;
  if (repo.opts.private && auth !== 'valid') return undefined;
  return repo;
}

/** decodeURIComponent that leaves malformed escapes as they are. */
export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray '%' is a literal character of the name
  }
}
