// isomorphic-git's HTTP client through a proxy: its node client (simple-get) takes no proxy, so the
// portable path's smart-HTTP requests go through the same proxied fetch as the REST calls.
import type { HttpClient, GitHttpRequest, GitHttpResponse } from 'isomorphic-git';
import { proxiedFetch } from '../../github/proxyFetch';

export function proxiedGitHttp(proxyUrl: string): HttpClient {
  const fetchVia = proxiedFetch(proxyUrl);
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const body = req.body ? await collect(req.body) : undefined;
      const res = await fetchVia(req.url, {
        method: req.method ?? 'GET',
        headers: req.headers ?? {},
        ...(body ? { body } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => void (headers[key] = value));
      return {
        url: res.url,
        method: req.method ?? 'GET',
        statusCode: res.status,
        statusMessage: res.statusText,
        headers,
        ...(res.body ? { body: chunks(res.body) } : {}),
      };
    },
  };
}

async function collect(iterable: AsyncIterableIterator<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const parts: Uint8Array[] = [];
  for await (const part of iterable) parts.push(part);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

async function* chunks(stream: ReadableStream<Uint8Array>): AsyncIterableIterator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
