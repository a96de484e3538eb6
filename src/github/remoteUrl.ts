// Turns a git remote URL into the GitHub host, owner, name and API base it points at.
// Pure: no network, no file system. Credentials in URLs are dropped and never echoed.
import { SyncError } from '../core/errors';
import { isLoopbackHost } from '../core/loopback';
import type { RemoteRepository } from '../core/types';

export type ParsedRemote = Omit<RemoteRepository, 'remoteName'>;

/** Why a URL is not a GitHub remote, or the remote it names. */
export type RemoteAnalysis = { ok: true; remote: ParsedRemote } | { ok: false; reason: string };

const OTHER_FORGES: Array<{ test: RegExp; name: string }> = [
  { test: /(^|\.)gitlab\.com$/, name: 'GitLab' },
  { test: /(^|\.)bitbucket\.org$/, name: 'Bitbucket' },
  { test: /(^|\.)dev\.azure\.com$|(^|\.)visualstudio\.com$/, name: 'Azure DevOps' },
  { test: /(^|\.)codeberg\.org$/, name: 'Codeberg' },
  { test: /(^|\.)sr\.ht$/, name: 'SourceHut' },
  { test: /(^|\.)gitee\.com$/, name: 'Gitee' },
  { test: /(^|\.)gitea\.com$/, name: 'Gitea' },
  { test: /(^|\.)sourceforge\.net$/, name: 'SourceForge' },
  { test: /(^|\.)launchpad\.net$/, name: 'Launchpad' },
  { test: /(^|\.)googlesource\.com$|^source\.developers\.google\.com$/, name: 'Google Source' },
  { test: /^git-codecommit\..*\.amazonaws\.com$/, name: 'AWS CodeCommit' },
];

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** Remove `user:password@` from anything URL-like, for messages and logs. */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The repository a remote URL names, or undefined when it is not a GitHub-style remote. */
export function parseRemoteUrl(url: string): ParsedRemote | undefined {
  const analysis = analyzeRemoteUrl(url);
  return analysis.ok ? analysis.remote : undefined;
}

/** Like parseRemoteUrl, but a SyncError UNSUPPORTED_REMOTE with the reason when it is not one. */
export function toRemoteRepository(url: string, remoteName: string): RemoteRepository {
  const analysis = analyzeRemoteUrl(url);
  if (!analysis.ok) {
    throw new SyncError('UNSUPPORTED_REMOTE', `Remote '${remoteName}' (${stripCredentials(url.trim())}) ${analysis.reason}`, {
      hint: 'Point the remote at a GitHub or GitHub Enterprise repository, or choose another remote.',
    });
  }
  return { ...analysis.remote, remoteName };
}

interface Location {
  scheme: 'https' | 'http' | 'ssh';
  hostname: string;
  port: string;
  path: string;
}

export function analyzeRemoteUrl(raw: string): RemoteAnalysis {
  const url = raw.trim();
  if (url === '') return { ok: false, reason: 'is empty.' };
  const location = locate(url);
  if ('reason' in location) return { ok: false, reason: location.reason };
  const hostname = canonicalHost(location.hostname.toLowerCase());
  const forge = OTHER_FORGES.find((f) => f.test.test(hostname));
  if (forge) return { ok: false, reason: `is a ${forge.name} repository; only GitHub and GitHub Enterprise are supported.` };
  const ownerName = splitPath(location.path);
  if (!ownerName) return { ok: false, reason: 'does not name a repository as OWNER/NAME.' };
  return { ok: true, remote: build(hostname, location, ownerName.owner, ownerName.name) };
}

function locate(url: string): Location | { reason: string } {
  if (/^[a-z]:[\\/]/i.test(url) || /^[./~\\]/.test(url)) return { reason: 'is a local path, not a GitHub repository.' };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return scpLike(url);
  if (scheme === 'file') return { reason: 'is a local file:// URL, not a GitHub repository.' };
  const mapped = mapScheme(scheme);
  if (!mapped) return { reason: `uses the unsupported '${scheme}' protocol.` };
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/^[^:]+:/, mapped === 'ssh' ? 'ssh:' : `${mapped}:`));
  } catch (e) {
    return { reason: `is not a valid URL (${e instanceof Error ? e.name : 'parse error'}).` };
  }
  if (parsed.hostname === '') return { reason: 'has no host.' };
  return { scheme: mapped, hostname: parsed.hostname, port: parsed.port, path: safeDecode(parsed.pathname) };
}

function mapScheme(scheme: string): Location['scheme'] | undefined {
  if (scheme === 'https' || scheme === 'http') return scheme;
  if (scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git') return 'ssh';
  if (scheme === 'git') return 'ssh'; // git:// is read-only and anonymous; map to https like ssh forms
  return undefined;
}

/** `[user@]host:owner/name(.git)` — scp-like syntax, as git understands it. */
function scpLike(url: string): Location | { reason: string } {
  const match = /^(?:[^@/:]+@)?(\[[^\]]+\]|[^/:]+):(.*)$/.exec(url);
  if (!match?.[1] || match[2] === undefined) return { reason: 'is a local path, not a GitHub repository.' };
  return { scheme: 'ssh', hostname: match[1], port: '', path: match[2] };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // malformed escapes: validate the raw text instead
  }
}

function canonicalHost(hostname: string): string {
  if (hostname === 'ssh.github.com' || hostname === 'www.github.com') return 'github.com';
  // ~/.ssh/config aliases such as `github.com-work` or `github-personal` stand for github.com
  if (/^github\.com[-_][a-z0-9_-]+$/.test(hostname) || /^github[-_][a-z0-9_-]+$/.test(hostname)) return 'github.com';
  return hostname;
}

function splitPath(path: string): { owner: string; name: string } | undefined {
  const segments = path.replace(/^\/+/, '').replace(/\/+$/, '').split('/');
  if (segments.length !== 2) return undefined;
  const owner = segments[0] ?? '';
  const name = (segments[1] ?? '').replace(/\.git$/i, '');
  if (!SEGMENT.test(owner) || !SEGMENT.test(name) || /^\.+$/.test(name) || /^\.+$/.test(owner)) return undefined;
  return { owner, name };
}

function build(hostname: string, location: Location, owner: string, name: string): ParsedRemote {
  const scheme = location.scheme === 'http' && isLoopbackHost(hostname) ? 'http' : 'https';
  // An ssh port says nothing about the web port; an http(s) port does.
  const port = location.scheme === 'ssh' ? '' : location.port;
  const host = port ? `${hostname}:${port}` : hostname;
  const web = `${scheme}://${host}`;
  const apiBaseUrl =
    host === 'github.com' ? 'https://api.github.com' : hostname.endsWith('.ghe.com') ? `https://api.${host}` : `${web}/api/v3`;
  return { host, owner, name, apiBaseUrl, webUrl: `${web}/${owner}/${name}`, cloneUrl: `${web}/${owner}/${name}.git` };
}
