// The Sync view's HTML: a pure function of its inputs, so the Content Security Policy is unit-tested.
//
// CSP: `default-src 'none'`; scripts only with this render's nonce (no 'unsafe-inline', no inline
// handlers); styles, fonts and images only from the webview's resource origin (`cspSource`).
// No concession for @vscode/webview-ui-toolkit is needed: its FAST design system writes design
// tokens and component styles through constructable stylesheets (`document.adoptedStyleSheets`,
// `shadowRoot.adoptedStyleSheets`), which CSP's style-src does not govern, and it sets token values
// through the CSSOM (`style.setProperty`), which CSP allows. It only falls back to <style> elements
// where adoptedStyleSheets is unsupported, never in VS Code's Chromium. Verified in headless
// Chromium under exactly this policy: no `securitypolicyviolation` events (see the report of
// test/unit/webviewHtml.test.ts for the policy string). The style nonce is there so a future
// <style nonce> (e.g. a component library without constructable stylesheets) can be allowed
// without 'unsafe-inline'.
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh nonce per render: `createNonce()`. */
  nonce: string;
  /** `webview.asWebviewUri(...)` of dist/webview/main.js, as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(...)` of media/webview.css. */
  styleUri: string;
  /** Optional codicon font stylesheet. */
  codiconsUri?: string;
  /** The document title (screen readers announce it). */
  title: string;
}

/** 128 random bits, base64: unguessable and valid in a CSP nonce source. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

export function buildContentSecurityPolicy(cspSource: string, nonce: string): string {
  assertCspToken(cspSource, 'cspSource');
  assertNonce(nonce);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function buildWebviewHtml(input: WebviewHtmlInput): string {
  const csp = buildContentSecurityPolicy(input.cspSource, input.nonce);
  const codicons = input.codiconsUri
    ? `\n    <link rel="stylesheet" href="${escapeAttribute(input.codiconsUri)}" />`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
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
