// Runner side of the UI bridge: performs one validated UiRequest on the workbench page.
// Every operation waits for a DOM condition (Playwright auto-waiting), never for a fixed time.
import path from 'node:path';
import type { Frame as PwFrame, FrameLocator, Locator, Page } from 'playwright-core';
import type { ConsoleEntry, UiRequest } from './protocol';

type Query = Extract<UiRequest, { op: 'texts' }>['query'];

const DEFAULT_TIMEOUT_MS = Number(process.env.PROJECT_SYNC_UI_TIMEOUT_MS ?? 15_000);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The document inside a webview: outer host iframe, then its #active-frame. */
function webviewDocument(page: Page, outer: string): FrameLocator {
  return page.locator(outer).first().contentFrame().locator('#active-frame').contentFrame();
}

/** Every element the query matches, filters applied. */
export function locateAll(page: Page, q: Query): Locator {
  const root: Page | FrameLocator = q.frame === 'webview' ? webviewDocument(page, q.webview) : page;
  let loc = root.locator(q.selector);
  if (q.hasText !== undefined) loc = loc.filter({ hasText: q.hasText });
  if (q.exactText !== undefined) loc = loc.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(q.exactText)}\\s*$`) });
  return loc;
}

function locate(page: Page, q: Query): Locator {
  return locateAll(page, q).nth(q.nth);
}

async function webviewFrame(page: Page, outer: string, timeout: number): Promise<PwFrame> {
  const host = await page.locator(outer).first().elementHandle({ timeout });
  const hostFrame = await host.contentFrame();
  if (!hostFrame) throw new Error(`${outer} has no frame`);
  const inner = await hostFrame.waitForSelector('#active-frame', { timeout });
  const frame = await inner.contentFrame();
  if (!frame) throw new Error(`${outer} #active-frame has no frame`);
  return frame;
}

export interface DriverContext {
  page: Page;
  screenshotDir: string;
  console: readonly ConsoleEntry[];
}

/** Runs one request; the resolved value is sent back to the suite as JSON. */
export async function perform(ctx: DriverContext, req: UiRequest): Promise<unknown> {
  const { page } = ctx;
  switch (req.op) {
    case 'waitFor': {
      const loc = locate(page, req.query);
      await loc.waitFor({ state: req.state, timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS });
      return req.state === 'visible' || req.state === 'attached' ? loc.innerText() : null;
    }
    case 'click':
      await locate(page, req.query).click({ button: req.button, timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS });
      return null;
    case 'hover':
      await locate(page, req.query).hover({ timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS });
      return null;
    case 'texts':
      return locateAll(page, req.query).allInnerTexts();
    case 'attribute':
      return locate(page, req.query).getAttribute(req.name, { timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    case 'press':
      await page.keyboard.press(req.key);
      return null;
    case 'type':
      await page.keyboard.type(req.text);
      return null;
    case 'blur':
      // Focus inside a webview swallows workbench keybindings: move it back to the workbench.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      return null;
    case 'evaluate': {
      const frame = req.frame === 'webview' ? await webviewFrame(page, req.webview, DEFAULT_TIMEOUT_MS) : page.mainFrame();
      return frame.evaluate(req.expression);
    }
    case 'screenshot': {
      const file = path.join(ctx.screenshotDir, `${req.name}.png`);
      if (req.query) await locate(page, req.query).screenshot({ path: file });
      else await page.screenshot({ path: file });
      return file;
    }
    case 'console':
      return ctx.console.filter((e) => e.seq >= req.since);
    case 'reload':
      // Answer first: the reload ends the extension host that is waiting for this response.
      setImmediate(() => {
        page.reload().catch((e: unknown) => console.error('[bridge] reload failed:', e));
      });
      return null;
  }
}
