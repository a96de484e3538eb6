// The REST API's fetch over node:http (src/github/httpFetch.ts) behaves as fetch does where Octokit
// and the requester rely on it: compressed bodies decoded, redirects followed with credentials kept
// to the origin, abort mid-answer, bodiless statuses, network failures as fetch's TypeError.
import { strict as assert } from 'node:assert';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
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

  // The server closes a kept-alive connection just as the next request is written on it (GitHub's
  // front ends and Node's servers close idle ones when they like): the request fails before any answer.
  describe('a kept-alive connection closed under the next request', () => {
    /** A server whose first `closing` connections answer their first request, then reset when the next request arrives on them; later connections are answered. */
    async function closingServer(closing = 1): Promise<{ url: string; connections: number; requests: string[]; close(): Promise<void> }> {
      const state = { connections: 0, requests: [] as string[] };
      const sockets = new Set<net.Socket>();
      const server = net.createServer((socket) => {
        sockets.add(socket);
        const n = ++state.connections;
        let seen = 0;
        let buffered = '';
        socket.on('error', () => undefined);
        socket.on('data', (chunk) => {
          buffered += chunk.toString('latin1');
          for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
            const head = buffered.slice(0, end);
            const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
            if (buffered.length < end + 4 + length) return;
            buffered = buffered.slice(end + 4 + length);
            state.requests.push(`${n} ${head.split(' ', 1)[0]}`);
            if (n <= closing && ++seen === 2) return socket.resetAndDestroy();
            socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok`);
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>((r) => {
          server.close(() => r());
          for (const socket of sockets) socket.destroy();
        });
      return Object.assign(state, { url: `http://127.0.0.1:${port}/`, close });
    }

    it('a GET is sent again at once on a new connection, and answered', async () => {
      const server = await closingServer();
      try {
        assert.equal(await (await httpFetch(server.url)).text(), 'ok');
        const second = await httpFetch(server.url);
        assert.equal(second.status, 200);
        assert.equal(await second.text(), 'ok');
        assert.deepEqual(server.requests, ['1 GET', '1 GET', '2 GET'], 'the reset request went again on a second connection');
      } finally {
        await server.close();
      }
    });

    it('sent again while the agent hands out kept-alive connections that are closing (two here), then on a new one', async () => {
      const server = await closingServer(2);
      try {
        // Two answered at once: two kept-alive connections wait in the agent.
        await Promise.all([httpFetch(server.url).then((r) => r.text()), httpFetch(server.url).then((r) => r.text())]);
        const third = await httpFetch(server.url);
        assert.equal(await third.text(), 'ok');
        assert.equal(server.connections, 3);
        assert.deepEqual(server.requests.slice(0, 2).sort(), ['1 GET', '2 GET']);
        assert.deepEqual(server.requests.slice(2, 4).sort(), ['1 GET', '2 GET'], 'each closing connection took the request once');
        assert.deepEqual(server.requests.slice(4), ['3 GET']);
      } finally {
        await server.close();
      }
    });

    it('a POST is not sent twice: it fails as fetch does, the caller decides', async () => {
      const server = await closingServer();
      try {
        assert.equal(await (await httpFetch(server.url)).text(), 'ok');
        await assert.rejects(httpFetch(server.url, { method: 'POST', body: '{}' }), (e: Error) => e instanceof TypeError && (e.cause as { code?: string }).code === 'ECONNRESET');
        assert.deepEqual(server.requests, ['1 GET', '1 POST']);
      } finally {
        await server.close();
      }
    });

    it('a reset on a new connection is not hidden: the GET fails once, as fetch does', async () => {
      const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
      let connections = 0;
      server.on('connection', () => connections++);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const { port } = server.address() as AddressInfo;
        await assert.rejects(httpFetch(`http://127.0.0.1:${port}/`), (e: Error) => e instanceof TypeError && (e.cause as { code?: string }).code === 'ECONNRESET');
        assert.equal(connections, 1);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
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
