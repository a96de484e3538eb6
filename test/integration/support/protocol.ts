// The wire format between the integration suite (mocha inside the extension host) and the
// runner (scripts/run-integration.mjs), which owns the browser page and the test GitHub server.
import * as z from 'zod';

/** Where a selector is resolved: the workbench page, or the document inside a webview. */
export const Frame = z.enum(['workbench', 'webview']);
export type Frame = z.infer<typeof Frame>;

export const Query = z.object({
  /** A Playwright selector (CSS by default). */
  selector: z.string().min(1),
  frame: Frame.default('workbench'),
  /** The outer webview iframe when frame is 'webview'; the first ready webview by default. */
  webview: z.string().default('iframe.webview.ready'),
  /** Keep only elements whose text contains this (case-insensitive). */
  hasText: z.string().optional(),
  /** Keep only elements whose whole trimmed text is exactly this. */
  exactText: z.string().optional(),
  /** Which match to act on (0 = first). */
  nth: z.number().int().nonnegative().default(0),
});
export type QueryInput = z.input<typeof Query>;

const timeoutMs = z.number().int().positive().optional();

export const UiRequest = z.discriminatedUnion('op', [
  z.object({ op: z.literal('waitFor'), query: Query, state: z.enum(['visible', 'hidden', 'attached', 'detached']).default('visible'), timeoutMs }),
  z.object({ op: z.literal('click'), query: Query, button: z.enum(['left', 'right']).default('left'), timeoutMs }),
  z.object({ op: z.literal('hover'), query: Query, timeoutMs }),
  z.object({ op: z.literal('texts'), query: Query }),
  z.object({ op: z.literal('attribute'), query: Query, name: z.string(), timeoutMs }),
  z.object({ op: z.literal('press'), key: z.string().min(1) }),
  z.object({ op: z.literal('type'), text: z.string() }),
  z.object({ op: z.literal('blur') }),
  z.object({ op: z.literal('evaluate'), frame: Frame.default('workbench'), webview: z.string().default('iframe.webview.ready'), expression: z.string() }),
  z.object({ op: z.literal('screenshot'), name: z.string().regex(/^[\w.-]+$/), query: Query.optional() }),
  z.object({ op: z.literal('console'), since: z.number().int().nonnegative().default(0) }),
  z.object({ op: z.literal('reload') }),
]);
export type UiRequestInput = z.input<typeof UiRequest>;
export type UiRequest = z.output<typeof UiRequest>;

/** A console message or page error seen in any frame of the workbench page. */
export interface ConsoleEntry {
  seq: number;
  type: string;
  text: string;
  frameUrl: string;
}

export type BridgeResponse = { ok: true; value: unknown } | { ok: false; error: string };

/** What the runner tells the suite about this run (GET /info). */
export interface RunInfo {
  /** 'dev': extensionDevelopmentPath; 'vsix': the packaged build installed into code-server. */
  mode: 'dev' | 'vsix';
  /** How many times the workbench page has been loaded (2 after one `ui.reload()`). */
  loadCount: number;
  /** The folder open in the window: a clone whose origin is the test GitHub server. */
  workspace: string;
  /** Where screenshots are written. */
  screenshotDir: string;
}

/** The suite's outcome, posted before run() settles so the runner can check tests did run. */
export const SuiteResult = z.object({
  passes: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  failed: z.array(z.string()),
});
export type SuiteResult = z.infer<typeof SuiteResult>;
