// A fetch through an HTTP(S) proxy: undici's ProxyAgent as the dispatcher of undici's own fetch (the
// implementation behind Node's global fetch, which Node 20 bundles without exporting ProxyAgent).
import { ProxyAgent, fetch as undiciFetch } from 'undici';

const agents = new Map<string, ProxyAgent>();

/** A fetch that sends every request through `proxyUrl` (CONNECT tunnels; credentials in the URL become Proxy-Authorization). */
export function proxiedFetch(proxyUrl: string): typeof fetch {
  let dispatcher = agents.get(proxyUrl);
  if (!dispatcher) {
    dispatcher = new ProxyAgent(proxyUrl);
    agents.set(proxyUrl, dispatcher);
  }
  const agent = dispatcher;
  const proxied = (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher: agent });
  // undici's fetch is the implementation behind Node's global fetch; only the declared types differ.
  return proxied as unknown as typeof fetch;
}
