// Runner side of the bridge: a small HTTP server on 127.0.0.1 the suite calls from the extension
// host to drive the workbench UI (Playwright), reach the test GitHub fixture, and report its result.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { perform } from './uiDriver';
import { SuiteResult, UiRequest, type BridgeResponse, type ConsoleEntry, type RunInfo } from './protocol';

export type FixtureAction = (args: unknown) => Promise<unknown>;

export interface BridgeOptions {
  mode: RunInfo['mode'];
  workspace: string;
  screenshotDir: string;
  actions: Readonly<Record<string, FixtureAction>>;
  /** Called when the suite posts its result (before the extension host shuts down). */
  onResult?: (result: SuiteResult) => void;
}

export interface Bridge {
  url: string;
  /** Start serving UI requests against this page; records its console and counts its loads. */
  attach(page: Page): void;
  result(): SuiteResult | undefined;
  consoleEntries(): readonly ConsoleEntry[];
  close(): Promise<void>;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

function send(res: http.ServerResponse, status: number, body: BridgeResponse): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  fs.mkdirSync(opts.screenshotDir, { recursive: true });
  let page: Page | undefined;
  let loadCount = 0;
  let result: SuiteResult | undefined;
  const consoleLog: ConsoleEntry[] = [];
  const record = (type: string, text: string, frameUrl: string): void => {
    consoleLog.push({ seq: consoleLog.length, type, text, frameUrl });
  };

  const route = async (method: string, url: string, body: unknown): Promise<unknown> => {
    if (method === 'GET' && url === '/info') {
      const info: RunInfo = { mode: opts.mode, loadCount, workspace: opts.workspace, screenshotDir: opts.screenshotDir };
      return info;
    }
    if (method === 'POST' && url === '/result') {
      result = SuiteResult.parse(body);
      opts.onResult?.(result);
      return null;
    }
    if (method === 'POST' && url.startsWith('/fixture/')) {
      const name = decodeURIComponent(url.slice('/fixture/'.length));
      const action = Object.hasOwn(opts.actions, name) ? opts.actions[name] : undefined;
      if (!action) throw new Error(`unknown fixture action "${name}"; known: ${Object.keys(opts.actions).join(', ')}`);
      return action(body);
    }
    if (method === 'POST' && url === '/ui') {
      if (!page) throw new Error('no workbench page yet');
      return perform({ page, screenshotDir: opts.screenshotDir, console: consoleLog }, UiRequest.parse(body));
    }
    throw new Error(`no route ${method} ${url}`);
  };

  const server = http.createServer((req, res) => {
    readJson(req)
      .then((body) => route(req.method ?? 'GET', req.url ?? '/', body))
      .then((value) => send(res, 200, { ok: true, value: value ?? null }))
      .catch((err: unknown) => send(res, 500, { ok: false, error: err instanceof Error ? err.message : String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    attach(p) {
      page = p;
      p.on('console', (m) => record(m.type(), m.text(), m.location().url));
      p.on('pageerror', (e) => record('pageerror', e.message, ''));
      p.on('framenavigated', (f) => {
        if (f === p.mainFrame()) loadCount += 1;
      });
    },
    result: () => result,
    consoleEntries: () => consoleLog,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
