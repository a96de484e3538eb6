// The Sync view's HTML: a pure function of its inputs, so the Content Security Policy is unit-tested.
//
// CSP: `default-src 'none'`; scripts only with this render's nonce (no 'unsafe-inline', no 'unsafe-eval',
// no inline handlers); styles, fonts and images only from the webview's resource origin (`cspSource`).
//
// @vscode/webview-ui-toolkit under this policy (checked in headless Chromium by
// test/unit/webviewBrowser.test.ts, which fails on any `securitypolicyviolation`):
// - Its FAST design system writes design tokens and component styles through constructable
//   stylesheets (`adoptedStyleSheets`) and the CSSOM (`style.setProperty`); CSP does not govern
//   either, so they need no concession. (FAST only falls back to <style> elements where
//   adoptedStyleSheets is missing, never in VS Code's Chromium.)
// - One thing does need one: fast-web-utilities' `canUseFocusVisible()` appends an empty <style>
//   element to feature-detect `:focus-visible`, which style-src blocks (and the toolkit then falls
//   back to `:focus` rings on click). It reads a nonce from `<meta property="csp-nonce">`, so the
//   concession is a STYLE nonce in style-src and that meta tag — not 'unsafe-inline'. The style
//   nonce is separate from the script nonce, so the value exposed in the DOM cannot run scripts.
// - zod's JIT probe (`new Function('')`) would trip script-src: webview/zodConfig.ts sets
//   `z.config({ jitless: true })` before any schema is built, instead of allowing 'unsafe-eval'.
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh nonce per render for the script: `createNonce()`. */
  nonce: string;
  /** A fresh nonce per render for <style> elements (exposed to the page in a meta tag). Default: `nonce`. */
  styleNonce?: string;
  /** `webview.asWebviewUri(...)` of dist/webview/main.js, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(...)` of media/webview.css. */
  styleUri: string;
  /** Optional codicon font stylesheet. */
  codiconsUri?: string;
  /** The document title (screen readers announce it). */
  title: string;
}

/**
 * Give a webview its HTML, then its options. VS Code renders the current HTML again whenever the
 * options change, so options set while the HTML is still empty render an empty document: no CSP
 * meta, and the extension host logs "created a webview without a content security policy". With
 * the HTML first, every render (before and after the options) carries the policy.
 */
export function setWebviewContent<O>(webview: { html: string; options: O }, html: string, options: O): void {
  webview.html = html;
  webview.options = options;
}

/** 128 random bits, base64: unguessable and valid in a CSP nonce source. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function buildContentSecurityPolicy(cspSource: string, nonce: string, styleNonce: string = nonce): string {
  assertCspToken(cspSource, 'cspSource');
  assertNonce(nonce);
  assertNonce(styleNonce);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${styleNonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function buildWebviewHtml(input: WebviewHtmlInput): string {
  const styleNonce = input.styleNonce ?? input.nonce;
  const csp = buildContentSecurityPolicy(input.cspSource, input.nonce, styleNonce);
  const codicons = input.codiconsUri
    ? `\n    <link rel="stylesheet" href="${escapeAttribute(input.codiconsUri)}" />`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <meta property="csp-nonce" content="${escapeAttribute(styleNonce)}" />
    <link rel="stylesheet" href="${escapeAttribute(input.styleUri)}" />${codicons}
    <title>${escapeText(input.title)}</title>
  </head>
  <body>
    <main id="app" aria-busy="true"></main>
    <script nonce="${escapeAttribute(input.nonce)}" src="${escapeAttribute(input.scriptUri)}" defer></script>
  </body>
</html>
`;
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Source expressions separated by spaces; a `;`, `,` or line break would smuggle in a new directive. */
function assertCspToken(value: string, what: string): void {
  if (!/^[^\s;,]+( [^\s;,]+)*$/.test(value)) throw new Error(`Invalid ${what} for a Content Security Policy.`);
}

function assertNonce(nonce: string): void {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('Invalid CSP nonce.');
}
