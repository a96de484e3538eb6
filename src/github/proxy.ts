// Outbound HTTP(S) proxy settings for GitHub traffic: which proxy (if any) serves a URL. The CLI takes
// HTTPS_PROXY/HTTP_PROXY/NO_PROXY from its environment; the extension takes VS Code's `http.proxy`/
// `http.noProxy`. Proxy URLs may carry credentials: log them only redacted. The fetch that goes through
// a proxy is in proxyFetch.ts, apart, so the extension bundle reads these settings without undici.
import { SyncError } from '../core/errors';

export interface ProxySettings {
  /** The proxy, e.g. `http://proxy.corp:3128` (a missing scheme means http://). */
  url: string;
  /**
   * Hosts that bypass the proxy, NO_PROXY syntax (comma or space separated; `*` for all; `.example.com`
   * or `example.com` for a domain and its subdomains; `host:port`). Undefined: loopback hosts bypass.
   * An explicit empty string proxies everything, loopback included.
   */
  noProxy?: string;
}

/** Bypassed when no NO_PROXY list is given at all: a proxy cannot reach the user's own machine. */
const LOOPBACK = 'localhost,127.0.0.1,::1';

/** The proxy settings in a CLI environment: lower-case names first (curl's convention), then upper. */
export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const url = firstSet(env, ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']);
  if (!url) return undefined;
  const noProxy = firstDefined(env, ['no_proxy', 'NO_PROXY']);
  return noProxy === undefined ? { url } : { url, noProxy };
}

/** VS Code's `http.proxy` (string) and `http.noProxy` (string[]) as engine options; {} without a proxy. */
export function proxyFromSettings(proxy: unknown, noProxy: unknown): { proxy?: string; noProxy?: string } {
  if (typeof proxy !== 'string' || !proxy.trim()) return {};
  const hosts = Array.isArray(noProxy) ? noProxy.filter((h): h is string => typeof h === 'string' && h.trim() !== '') : [];
  return hosts.length > 0 ? { proxy: proxy.trim(), noProxy: hosts.join(',') } : { proxy: proxy.trim() };
}

function firstSet(env: NodeJS.ProcessEnv, names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

function firstDefined(env: NodeJS.ProcessEnv, names: string[]): string | undefined {
  for (const n of names) if (env[n] !== undefined) return env[n];
  return undefined;
}

/** The proxy URL to use for `target`, or undefined to connect directly. Throws NETWORK for a malformed proxy. */
export function proxyFor(target: string, settings: ProxySettings | undefined): string | undefined {
  if (!settings?.url.trim()) return undefined;
  const proxy = normaliseProxyUrl(settings.url);
  // Not a URL we can match against NO_PROXY (an empty base URL): the proxy serves it.
  if (!URL.canParse(target)) return proxy;
  return bypasses(new URL(target), settings.noProxy ?? LOOPBACK) ? undefined : proxy;
}

export function normaliseProxyUrl(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim()) ? raw.trim() : `http://${raw.trim()}`;
  if (!URL.canParse(withScheme)) throw invalidProxy(raw);
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidProxy(raw);
  return url.href.replace(/\/$/, '');
}

function invalidProxy(raw: string): SyncError {
  return new SyncError('NETWORK', `The proxy setting '${redactProxyUrl(raw)}' is not an http:// or https:// URL.`, {
    hint: 'Fix HTTPS_PROXY (CLI) or the http.proxy setting (VS Code), e.g. http://proxy.example.com:3128.',
  });
}

/** NO_PROXY matching: exact host, domain suffix, optional port, `*` for everything. */
export function bypasses(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitEntry(entry);
    if (entryPort && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function splitEntry(entry: string): { name: string; entryPort: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1] as string, entryPort: bracketed[2] };
  const m = /^([^:]+):(\d+)$/.exec(entry); // one colon: host:port; several: a bare IPv6 address
  return m ? { name: m[1] as string, entryPort: m[2] } : { name: entry, entryPort: undefined };
}

/** The proxy URL with any user:password replaced, fit for a log line. */
export function redactProxyUrl(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/\s]*@/i, (_m, scheme: string | undefined) => `${scheme ?? ''}***@`);
}
