// The built CLI (dist/cli.js, `node esbuild.mjs` first) as a child process, and small hostile HTTP
// servers for the hardening tests: what a real user's terminal and a real network peer would see.
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';

export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node dist/cli.js …args` (or a shell line with `{cli}` in it when `shell` is set). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, opts: { shell?: string; timeoutMs?: number } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const quoted = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = opts.shell
      ? spawn('bash', ['-c', opts.shell.replace('{cli}', quoted)], { env: { ...process.env, ...env } })
      : spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  userAgent: string | undefined;
}

export interface TestHttp {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** An HTTP server on `host` (127.0.0.1, 127.0.0.2…) recording every request's method, URL and Authorization. */
export async function startHttp(host: string, handler: Handler): Promise<TestHttp> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', authorization: req.headers.authorization, userAgent: req.headers['user-agent'] });
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/**
 * The headers a relay forwards upstream, on a connection of its own that closes after the answer.
 * A relay on Node's global agent (keep-alive since Node 19) reused a connection the server was closing
 * at its keep-alive timeout now and then: the request failed upstream and the client under test saw a
 * dropped connection (and retried) that no server had caused.
 */
export function upstreamHeaders(req: IncomingMessage, to: URL): OutgoingHttpHeaders {
  return { ...req.headers, host: to.host, connection: 'close' };
}

/**
 * A handler relaying every request to `target` (the GitHub-compatible server). `rewrite`, when given,
 * may replace the body of an answer (a man in the middle): return undefined to pass it unchanged.
 */
export function relayTo(target: string, rewrite?: (url: string, body: Buffer) => Buffer | undefined): Handler {
  return (req, res) =>
    new Promise<void>((resolve) => {
      const to = new URL(req.url ?? '/', target);
      const upstream = httpRequest(to, { method: req.method, headers: upstreamHeaders(req, to), agent: false }, (answer) => {
        if (!rewrite) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
          return;
        }
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const original = Buffer.concat(parts);
          const body = rewrite(req.url ?? '/', original) ?? original;
          const out = { ...answer.headers, 'content-length': String(body.byteLength) };
          delete out['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, out);
          res.end(body);
          resolve();
        });
      });
      upstream.on('error', () => {
        res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
}

/** Send a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
