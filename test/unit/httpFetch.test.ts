// The REST API's fetch over node:http (src/github/httpFetch.ts) behaves as fetch does where Octokit
// and the requester rely on it: compressed bodies decoded, redirects followed with credentials kept
// to the origin, abort mid-answer, bodiless statuses, network failures as fetch's TypeError.
import { strict as assert } from 'node:assert';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { httpFetch } from '../../src/github/httpFetch';

interface Seen {
  url: string;
  host: string;
  authorization: string | undefined;
  method: string;
}

function serve(host: string, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', host, authorization: req.headers.authorization, method: req.method ?? '' });
    handler(req, res);
  });
  return new Promise((resolve) =>
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://${host}:${port}`, seen, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

describe('httpFetch (the REST API over node:http)', () => {
  it('decodes gzip, deflate and brotli bodies as fetch does', async () => {
    const text = JSON.stringify({ message: 'héllo', items: Array.from({ length: 200 }, (_, i) => i) });
    const server = await serve('127.0.0.1', (req, res) => {
      const enc = req.url?.slice(1) ?? '';
      const body = enc === 'gzip' ? zlib.gzipSync(text) : enc === 'deflate' ? zlib.deflateSync(text) : zlib.brotliCompressSync(text);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': enc });
      res.end(body);
    });
    try {
      for (const enc of ['gzip', 'deflate', 'br']) {
        const r = await httpFetch(`${server.url}/${enc}`);
        assert.equal(r.status, 200);
        assert.equal(await r.text(), text, enc);
      }
    } finally {
      await server.close();
    }
  });

  it('follows a redirect within the origin with its token, and to another host without it (second loopback address)', async () => {
    const other = await serve('127.0.0.2', (_req, res) => res.end('elsewhere'));
    const home = await serve('127.0.0.1', (req, res) => {
      if (req.url === '/moved') return res.writeHead(301, { location: '/repos/new' }).end();
      if (req.url === '/away') return res.writeHead(302, { location: `${other.url}/landing` }).end();
      res.end('home');
    });
    try {
      const within = await httpFetch(`${home.url}/moved`, { headers: { authorization: 'token secret' } });
      assert.equal(await within.text(), 'home');
      assert.equal(within.url, `${home.url}/repos/new`);
      assert.equal(home.seen.find((s) => s.url === '/repos/new')?.authorization, 'token secret');
      const away = await httpFetch(`${home.url}/away`, { headers: { authorization: 'token secret' } });
      assert.equal(await away.text(), 'elsewhere');
      assert.deepEqual(other.seen.map((s) => s.authorization), [undefined], 'the token never reaches another host');
    } finally {
      await home.close();
      await other.close();
    }
  });

  it("rejects with the signal's reason when aborted mid-answer, and fails a refused connection as fetch does", async () => {
    const server = await serve('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    try {
      const controller = new AbortController();
      const r = await httpFetch(server.url, { signal: controller.signal });
      const reading = r.text();
      controller.abort();
      await assert.rejects(reading, (e: Error) => e.name === 'AbortError');
      const closed = await serve('127.0.0.1', () => undefined);
      const port = new URL(closed.url).port;
      await closed.close();
      await assert.rejects(httpFetch(`http://127.0.0.1:${port}/`), (e: Error) => e instanceof TypeError && /ECONNREFUSED/.test(String((e.cause as Error | undefined)?.message ?? (e.cause as { code?: string })?.code)));
    } finally {
      await server.close();
    }
  });

  it('gives a 304 without a body, with its headers', async () => {
    const server = await serve('127.0.0.1', (_req, res) => res.writeHead(304, { etag: '"abc"' }).end());
    try {
      const r = await httpFetch(server.url, { headers: { 'if-none-match': '"abc"' } });
      assert.equal(r.status, 304);
      assert.equal(r.body, null);
      assert.equal(r.headers.get('etag'), '"abc"');
    } finally {
      await server.close();
    }
  });
});
