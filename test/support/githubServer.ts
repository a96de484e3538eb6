import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { ServerContext } from './server/context.js';
import { Exchange, sendError } from './server/exchange.js';
import { ServedRepo, type ServerRepoOptions } from './server/gitRepo.js';
import { handleRest } from './server/rest.js';
import { handleGit } from './server/smartHttp.js';
import { defaultSwitches, type FailureSwitch, type RequestLogEntry, type ServerSwitches } from './server/types.js';

export type { ServerRepoOptions } from './server/gitRepo.js';
export type { FailureSwitch, RequestLogEntry, ServerSwitches } from './server/types.js';

/**
 * A GitHub Enterprise Server look-alike on 127.0.0.1: REST under `/api/v3`
 * and git smart HTTP at `/{owner}/{name}.git`, serving real bare repositories.
 *
 *   const server = await startGitHubServer();
 *   const repo = await createTestRepo({ 'a.txt': 'hi' });   // ./repos.ts
 *   server.addRepository('octo', 'demo', repo.bareDir);
 *   // Octokit: new Octokit({ baseUrl: server.apiUrl }); git: `${server.url}/octo/demo.git`
 *   server.switches.truncateTreeOver = 10;                   // flip switches between requests
 *   await server.close(); await repo.cleanup();
 *
 * Branch pages link to `/repositories/{id}/branches?...` as GitHub does (served too).
 * Each repository keeps one `git cat-file --batch-command` for objects; recursive
 * trees come from one streamed `git ls-tree -r -t -l -z`.
 */
export interface GitHubServer {
  /** `http://127.0.0.1:PORT`; git smart HTTP at `${url}/${owner}/${name}.git`. */
  readonly url: string;
  /** `${url}/api/v3`. */
  readonly apiUrl: string;
  addRepository(owner: string, name: string, bareDir: string, opts?: ServerRepoOptions): void;
  /** Every request, in order of arrival. */
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  /** Valid tokens (`Authorization: token X` / `Bearer X`); any other token gets 401 "Bad credentials". */
  tokens: Set<string>;
  switches: ServerSwitches;
  /** Stop listening and drop open connections (clients see "connection refused"); repositories stay. */
  suspend(): Promise<void>;
  /** Listen again on the same port after suspend(). */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** Take the first failure that matches the path, consuming one of its count. */
function takeFailure(failures: FailureSwitch[], path: string): FailureSwitch | undefined {
  const i = failures.findIndex((f) => f.count > 0 && (f.match === undefined || path.includes(f.match)));
  const f = failures[i];
  if (!f) return undefined;
  f.count--;
  if (f.count <= 0) failures.splice(i, 1);
  return f;
}

class Server implements GitHubServer {
  readonly requests: RequestLogEntry[] = [];
  tokens = new Set<string>();
  switches = defaultSwitches();
  private readonly repos = new Map<string, ServedRepo>();
  private readonly reposById = new Map<number, ServedRepo>();
  private readonly sockets = new Set<Socket>();
  readonly http = createServer((req, res) => void this.handle(req, res));

  url = '';
  apiUrl = '';

  constructor() {
    this.http.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  addRepository(owner: string, name: string, bareDir: string, opts: ServerRepoOptions = {}): void {
    const key = `${owner}/${name}`.toLowerCase();
    this.repos.get(key)?.close();
    const repo = new ServedRepo(this.reposById.size + 1, owner, name, bareDir, opts);
    this.repos.set(key, repo);
    this.reposById.set(repo.id, repo);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const repo of this.reposById.values()) repo.close();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async suspend(): Promise<void> {
    if (!this.http.listening) return;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async resume(): Promise<void> {
    if (this.http.listening) return;
    const port = Number(new URL(this.url).port);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
  }

  private context(): ServerContext {
    return { url: this.url, apiUrl: this.apiUrl, switches: this.switches, tokens: this.tokens, repos: this.repos, reposById: this.reposById };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathname = q === -1 ? raw : raw.slice(0, q);
    const queryString = q === -1 ? '' : raw.slice(q + 1);
    const kind = pathname === '/api/v3' || pathname.startsWith('/api/v3/') ? 'rest' : 'git';
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: raw, status: 0, bytes: 0, kind, ifNoneMatch: req.headers['if-none-match'] !== undefined, at: Date.now() };
    this.requests.push(entry);
    const ex = new Exchange(req, res, entry);
    try {
      if (this.switches.latencyMs > 0) await delay(this.switches.latencyMs);
      if (await this.injectFault(ex, raw)) return;
      if (kind === 'rest') await handleRest(ex, this.context(), pathname.slice('/api/v3'.length), new URLSearchParams(queryString));
      else await handleGit(ex, this.context(), pathname, queryString);
    } catch (err) {
      if (!res.headersSent) sendError(ex, this.switches, 500, `Server Error: ${err instanceof Error ? err.message : String(err)}`);
      else res.destroy();
    }
  }

  /** Apply the next matching fault; true when the request has been answered (or dropped). */
  private async injectFault(ex: Exchange, path: string): Promise<boolean> {
    const fault = takeFailure(this.switches.failures, path);
    if (!fault) return false;
    if (fault.kind === 'slow') {
      await delay(fault.delayMs ?? 1000);
      return false;
    }
    if (fault.kind === 'drop') {
      ex.req.socket.destroy();
      return true;
    }
    sendError(ex, this.switches, Number(fault.kind), fault.kind === '500' ? 'Server Error' : 'Bad Gateway');
    return true;
  }
}

/** Start the server on 127.0.0.1 (an ephemeral port unless told). No side effects until called. */
export async function startGitHubServer(opts: { port?: number } = {}): Promise<GitHubServer> {
  const server = new Server();
  await new Promise<void>((resolve, reject) => {
    server.http.once('error', reject);
    server.http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.http.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  server.url = `http://127.0.0.1:${port}`;
  server.apiUrl = `${server.url}/api/v3`;
  return server;
}
