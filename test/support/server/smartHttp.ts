import { spawn } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { gitEnv } from '../git.js';
import { authState, decodeSegment, type ServerContext } from './context.js';
import type { Exchange } from './exchange.js';

const GIT_PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

function plain(ex: Exchange, status: number, text: string, headers: Record<string, string> = {}): void {
  ex.head(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  ex.end(text);
}

/** Git smart HTTP (`/{o}/{r}.git/info/refs`, `/git-upload-pack`) through `git http-backend`. Read-only. */
export async function handleGit(ex: Exchange, ctx: ServerContext, pathname: string, queryString: string): Promise<void> {
  const m = GIT_PATH.exec(pathname);
  const repo = m ? ctx.repos.get(`${decodeSegment(m[1]!)}/${decodeSegment(m[2]!)}`.toLowerCase()) : undefined;
  if (!m || !repo) return plain(ex, 404, 'Repository not found.\n');
  const auth = authState(ex.req.headers.authorization, ctx.tokens);
  if (auth === 'invalid' || (repo.opts.private && auth !== 'valid')) {
    return plain(ex, 401, 'Authentication failed.\n', { 'www-authenticate': 'Basic realm="GitHub"' });
  }
  const service = new URLSearchParams(queryString).get('service');
  if (m[3] === '/git-receive-pack' || service === 'git-receive-pack') return plain(ex, 403, 'Pushing is not supported by this test server.\n');
  await runBackend(ex, repo.bareDir, m[3]!, queryString);
}

async function runBackend(ex: Exchange, bareDir: string, suffix: string, queryString: string): Promise<void> {
  const h = ex.req.headers;
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: dirname(bareDir),
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${basename(bareDir)}${suffix}`,
    REQUEST_METHOD: ex.req.method ?? 'GET',
    QUERY_STRING: queryString,
    REMOTE_ADDR: '127.0.0.1',
    CONTENT_TYPE: h['content-type'] ?? '',
  };
  if (h['content-length']) env.CONTENT_LENGTH = h['content-length'];
  if (h['content-encoding']) env.HTTP_CONTENT_ENCODING = h['content-encoding'];
  const protocol = h['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;
  const child = spawn('git', ['http-backend'], { env: gitEnv(env) });
  child.on('error', () => undefined);
  child.stdin.on('error', () => undefined);
  ex.req.pipe(child.stdin);
  ex.res.on('close', () => child.kill());
  await relayCgi(ex, child.stdout as AsyncIterable<Buffer>);
}

/** Relay CGI output: parse `Status:` and headers, then stream the body with backpressure. */
async function relayCgi(ex: Exchange, out: AsyncIterable<Buffer>): Promise<void> {
  let head: Buffer = Buffer.alloc(0);
  let started = false;
  for await (const chunk of out) {
    if (started) {
      await ex.write(chunk);
      continue;
    }
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : -1;
    if (end === -1) continue;
    startResponse(ex, head.subarray(0, end).toString('latin1'));
    started = true;
    if (end < head.length) await ex.write(head.subarray(end));
  }
  if (!started) {
    ex.head(500, { 'content-type': 'text/plain' });
    ex.end('git http-backend gave no answer\n');
    return;
  }
  ex.end();
}

function startResponse(ex: Exchange, headerText: string): void {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of headerText.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[key] = value;
  }
  ex.head(status, headers);
}
