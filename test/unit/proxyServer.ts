// A tiny HTTP proxy on 127.0.0.1 for tests: absolute-URI forwarding (what git/curl sends for an http://
// target) and CONNECT tunnels (what undici's ProxyAgent sends). It records what went through it —
// for tunnels it reads the request lines of the plain-HTTP traffic inside — and can demand credentials.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import net, { type Socket } from 'node:net';

export interface ProxyLogEntry {
  kind: 'forward' | 'connect' | 'tunnelled';
  /** `GET /repos/...` (forward, tunnelled) or `127.0.0.1:PORT` (connect). */
  what: string;
}

export interface TestProxy {
  url: string;
  log: ProxyLogEntry[];
  /** Proxy-Authorization values received (to check credentials reach the proxy). */
  authorizations: string[];
  close(): Promise<void>;
}

/** `credentials` ("user:pass"): requests without that Basic Proxy-Authorization get 407. */
export async function startTestProxy(credentials?: string): Promise<TestProxy> {
  const log: ProxyLogEntry[] = [];
  const authorizations: string[] = [];
  const sockets = new Set<Socket>();
  const expected = credentials ? `Basic ${Buffer.from(credentials).toString('base64')}` : undefined;
  const allowed = (req: IncomingMessage): boolean => {
    const auth = req.headers['proxy-authorization'];
    if (auth) authorizations.push(auth);
    return !expected || auth === expected;
  };

  const server: Server = createServer((req, res) => {
    if (!allowed(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    log.push({ kind: 'forward', what: `${req.method ?? 'GET'} ${target.pathname}${target.search}` });
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = request(target, { method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (!allowed(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    log.push({ kind: 'connect', what: req.url ?? '' });
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.on('data', (chunk: Buffer) => {
        for (const m of chunk.toString('latin1').matchAll(/^(GET|POST|HEAD|PUT|PATCH|DELETE) (\S+) HTTP\/1\.[01]\r$/gm)) {
          log.push({ kind: 'tunnelled', what: `${m[1]} ${m[2]}` });
        }
      });
      client.pipe(upstream).pipe(client);
    });
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', drop);
    client.on('error', drop);
    client.on('close', drop);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('proxy did not bind');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    log,
    authorizations,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
