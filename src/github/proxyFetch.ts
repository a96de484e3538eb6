// A fetch through an HTTP(S) proxy: undici's ProxyAgent as the dispatcher of undici's own fetch (the
// implementation behind Node's global fetch, which Node 20 bundles without exporting ProxyAgent).
// undici is loaded on the first proxied request, never at start-up: loading it instantiates its
// WebAssembly HTTP parser, which needs far more address space than a command without network has.
import type { ProxyAgent } from 'undici';
import { SyncError } from '../core/errors';

type Undici = typeof import('undici');

const agents = new Map<string, ProxyAgent>();
let undici: Promise<Undici> | undefined;

/** undici, loaded once on first use; a clear NETWORK error when it cannot load (e.g. no memory for WebAssembly). */
export function loadUndici(): Promise<Undici> {
  undici ??= import('undici').catch((e: unknown) => {
    undici = undefined;
    throw new SyncError('NETWORK', `The HTTP client could not be loaded: ${(e as Error).message}`, {
      hint: 'Give the process more memory (ulimit -v), then run the command again.',
      cause: e,
    });
  });
  return undici;
}

/** A fetch that sends every request through `proxyUrl` (CONNECT tunnels; credentials in the URL become Proxy-Authorization). */
export function proxiedFetch(proxyUrl: string): typeof fetch {
  const proxied = async (input: Parameters<Undici['fetch']>[0], init?: Parameters<Undici['fetch']>[1]) => {
    const u = await loadUndici();
    let agent = agents.get(proxyUrl);
    if (!agent) {
      agent = new u.ProxyAgent(proxyUrl);
      agents.set(proxyUrl, agent);
    }
    return u.fetch(input, { ...init, dispatcher: agent });
  };
  // undici's fetch is the implementation behind Node's global fetch; only the declared types differ.
  return proxied as unknown as typeof fetch;
}
