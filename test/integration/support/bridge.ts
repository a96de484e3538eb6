// Suite side of the bridge (runs inside the extension host): drive the real workbench UI through
// the runner's Playwright page, call the test GitHub fixture, read what the runner knows.
// See test/integration/README.md for the API and examples.
import { ENV } from './env';
import type { BridgeResponse, ConsoleEntry, QueryInput, RunInfo, SuiteResult, UiRequestInput } from './protocol';
import type { FixtureActions } from './fixture';

/** A selector in the workbench, or a full query (webview frame, text filters, nth match). */
export type Target = string | QueryInput;

function bridgeUrl(): string {
  const url = process.env[ENV.bridge];
  if (!url) throw new Error(`${ENV.bridge} is unset: run the suite through scripts/run-integration.mjs`);
  return url;
}

export function hasBridge(): boolean {
  return Boolean(process.env[ENV.bridge]);
}

/** True when the runner drives the workbench with Playwright (false under test-electron). */
export function hasUi(): boolean {
  return hasBridge() && process.env[ENV.ui] === '1';
}

/** In a UI-driving test or suite hook: skip it where no Playwright page exists (test-electron). */
export function requireUi(ctx: Mocha.Context): void {
  if (!hasUi()) ctx.skip();
}

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${bridgeUrl()}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = (await res.json()) as BridgeResponse;
  if (!reply.ok) throw new Error(`bridge ${path}: ${reply.error}`);
  return reply.value;
}

const query = (t: Target): QueryInput => (typeof t === 'string' ? { selector: t } : t);
const perform = (req: UiRequestInput): Promise<unknown> => call('POST', '/ui', req);

/** Calls a named action of the runner's fixture (test/integration/support/fixture.ts). */
export async function fixture<K extends keyof FixtureActions>(
  name: K,
  args: Parameters<FixtureActions[K]>[0],
): Promise<Awaited<ReturnType<FixtureActions[K]>>> {
  return (await call('POST', `/fixture/${encodeURIComponent(name)}`, args ?? {})) as Awaited<ReturnType<FixtureActions[K]>>;
}

export async function runInfo(): Promise<RunInfo> {
  return (await call('GET', '/info')) as RunInfo;
}

export async function reportResult(result: SuiteResult): Promise<void> {
  await call('POST', '/result', result);
}

/** Low-level operations on the workbench page; each waits for its DOM condition. */
export const ui = {
  /** Waits until the target is visible and returns its text. */
  waitFor: async (t: Target, timeoutMs?: number): Promise<string> =>
    (await perform({ op: 'waitFor', query: query(t), state: 'visible', timeoutMs })) as string,
  /** Waits until the target is hidden or gone. */
  waitGone: async (t: Target, timeoutMs?: number): Promise<void> => {
    await perform({ op: 'waitFor', query: query(t), state: 'hidden', timeoutMs });
  },
  click: async (t: Target, opts: { button?: 'left' | 'right'; timeoutMs?: number } = {}): Promise<void> => {
    await perform({ op: 'click', query: query(t), ...opts });
  },
  /** Moves the mouse over the target (auto-waits for visible and stable); the pointer stays there. */
  hover: async (t: Target, opts: { timeoutMs?: number } = {}): Promise<void> => {
    await perform({ op: 'hover', query: query(t), ...opts });
  },
  /** The inner texts of every current match (no waiting). */
  texts: async (t: Target): Promise<string[]> => (await perform({ op: 'texts', query: query(t) })) as string[],
  attribute: async (t: Target, name: string): Promise<string | null> =>
    (await perform({ op: 'attribute', query: query(t), name })) as string | null,
  press: async (key: string): Promise<void> => {
    await perform({ op: 'press', key });
  },
  type: async (text: string): Promise<void> => {
    await perform({ op: 'type', text });
  },
  /** Moves keyboard focus out of a webview so workbench keybindings (F1) reach the workbench. */
  blur: async (): Promise<void> => {
    await perform({ op: 'blur' });
  },
  /** Evaluates a JavaScript expression in the workbench page; the value must be JSON-serialisable. */
  evaluate: async <T>(expression: string): Promise<T> => (await perform({ op: 'evaluate', expression })) as T,
  /** Writes `<name>.png` (the page, or only the target) and returns its path. */
  screenshot: async (name: string, t?: Target): Promise<string> =>
    (await perform({ op: 'screenshot', name, query: t === undefined ? undefined : query(t) })) as string,
  /** Console messages and page errors of every frame (webviews included) from sequence number `since`. */
  console: async (since = 0): Promise<ConsoleEntry[]> => (await perform({ op: 'console', since })) as ConsoleEntry[],
  /** Reloads the window: ends this extension host; the runner re-runs the suite (runInfo().loadCount grows). */
  reload: async (): Promise<void> => {
    await perform({ op: 'reload' });
  },
};

/** The document inside a webview (by default the first ready one). */
export function webview(outer = 'iframe.webview.ready') {
  const at = (selector: string, filter: Pick<QueryInput, 'hasText' | 'exactText' | 'nth'> = {}): QueryInput => ({
    selector,
    frame: 'webview',
    webview: outer,
    ...filter,
  });
  return {
    at,
    waitFor: (selector: string, filter?: Pick<QueryInput, 'hasText' | 'exactText'>, timeoutMs?: number) =>
      ui.waitFor(at(selector, filter), timeoutMs),
    texts: (selector: string) => ui.texts(at(selector)),
    click: (selector: string, filter?: Pick<QueryInput, 'hasText' | 'exactText'>) => ui.click(at(selector, filter)),
    attribute: (selector: string, name: string) => ui.attribute(at(selector), name),
    evaluate: async <T>(expression: string): Promise<T> =>
      (await perform({ op: 'evaluate', frame: 'webview', webview: outer, expression })) as T,
  };
}
