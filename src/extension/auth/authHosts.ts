// Which VS Code authentication provider serves a remote host. Pure, so it is unit-tested.
//
// - github.com → 'github' (VS Code's built-in GitHub sign-in).
// - The host of the `github-enterprise.uri` setting → 'github-enterprise'.
// - Loopback hosts (127.0.0.1, localhost, ::1) → none: the test servers in test/support run
//   unauthenticated, and a real token must never be sent to them.
// - Any other host → none: a github.com token is never sent to a host it was not issued for.
import { isLoopbackHost } from '../../core/loopback';

export type AuthProviderId = 'github' | 'github-enterprise';

export function authProviderFor(host: string, enterpriseUri: string | undefined): AuthProviderId | undefined {
  const h = host.toLowerCase();
  if (isLoopbackHost(h)) return undefined;
  if (h === 'github.com' || h === 'www.github.com') return 'github';
  if (enterpriseUri) {
    try {
      if (new URL(enterpriseUri).host.toLowerCase() === h) return 'github-enterprise';
    } catch {
      return undefined; // a malformed setting names no host
    }
  }
  return undefined;
}
