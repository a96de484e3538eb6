import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { buildContentSecurityPolicy, buildWebviewHtml, createNonce, setWebviewContent } from '../../src/extension/webview/html';

const cspSource = 'https://*.vscode-cdn.net';
const input = {
  cspSource,
  nonce: 'QUJDREVGR0hJSktMTU5PUA==',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
  title: 'Project Sync',
};

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  return m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('webview HTML and CSP', () => {
  it('is exactly the documented policy', () => {
    assert.equal(
      buildContentSecurityPolicy(cspSource, input.nonce),
      `default-src 'none'; script-src 'nonce-${input.nonce}'; style-src ${cspSource} 'nonce-${input.nonce}'; ` +
        `font-src ${cspSource}; img-src ${cspSource} data:`,
    );
  });

  it('denies everything by default and allows scripts only with the nonce', () => {
    const d = directives(cspOf(buildWebviewHtml(input)));
    assert.deepEqual(d.get('default-src'), ["'none'"]);
    assert.deepEqual(d.get('script-src'), [`'nonce-${input.nonce}'`]);
    assert.ok(!d.has('connect-src') && !d.has('frame-src'), 'no network or frames');
    for (const [name, values] of d) {
      assert.ok(!values.includes("'unsafe-eval'"), `${name} has no unsafe-eval`);
      assert.ok(!values.some((v) => v === 'http:' || v === 'https:' || v === '*'), `${name} has no wildcard scheme`);
    }
  });

  it('makes no unsafe-inline concession for the toolkit (styles come from the resource origin or the nonce)', () => {
    const d = directives(cspOf(buildWebviewHtml(input)));
    assert.deepEqual(d.get('style-src'), [cspSource, `'nonce-${input.nonce}'`]);
    assert.ok(![...d.values()].flat().includes("'unsafe-inline'"));
  });

  it('gives <style> elements their own nonce, published for the toolkit in a csp-nonce meta tag', () => {
    const styleNonce = 'c3R5bGUtbm9uY2UtMTIzNA==';
    const html = buildWebviewHtml({ ...input, styleNonce });
    const d = directives(cspOf(html));
    assert.deepEqual(d.get('style-src'), [cspSource, `'nonce-${styleNonce}'`]);
    assert.deepEqual(d.get('script-src'), [`'nonce-${input.nonce}'`], 'the script nonce is not the exposed one');
    assert.match(html, new RegExp(`<meta property="csp-nonce" content="${styleNonce.replace(/[+/=]/g, '\\$&')}" />`));
    assert.ok(!html.includes(`content="${input.nonce}"`), 'the script nonce is not published in a meta tag');
  });

  it('loads the one script with the nonce and no inline script or handler', () => {
    const html = buildWebviewHtml(input);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, new RegExp(`nonce="${input.nonce.replace(/[+/=]/g, '\\$&')}"`));
    assert.match(scripts[0]![1]!, /src="https:\/\/file\+\.vscode-resource[^"]*main\.js"/);
    assert.equal(scripts[0]![2], '', 'no inline code');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /style="/, 'no inline style attributes');
  });

  it('escapes the title and attribute values', () => {
    const html = buildWebviewHtml({ ...input, title: '</title><script>alert(1)</script>', styleUri: 'x" onload="alert(1)' });
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /href="x&quot; onload=&quot;alert\(1\)"/);
  });

  it('refuses a cspSource or nonce that would inject a directive', () => {
    assert.throws(() => buildContentSecurityPolicy("x; script-src 'unsafe-inline'", input.nonce));
    assert.throws(() => buildContentSecurityPolicy(cspSource, "abc' 'unsafe-inline"));
    assert.throws(() => buildContentSecurityPolicy(cspSource, 'short'));
  });

  it('draws a fresh, unguessable nonce per render', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    assert.equal(nonces.size, 100);
    for (const n of nonces) assert.ok(Buffer.from(n, 'base64').length >= 16, '128 bits or more');
  });

  it('adds the codicons stylesheet only when given', () => {
    assert.equal(buildWebviewHtml(input).match(/<link rel="stylesheet"/g)?.length, 1);
    const withIcons = buildWebviewHtml({ ...input, codiconsUri: 'https://r/codicon.css' });
    assert.equal(withIcons.match(/<link rel="stylesheet"/g)?.length, 2);
  });
});

/**
 * VS Code's webview as it behaves (webviewElement.ts): setting the HTML renders it, and setting the
 * options renders the CURRENT HTML again; pre/index.html reports "no-csp-found" for a rendered
 * document without a CSP meta, which the extension host logs as "created a webview without a
 * content security policy".
 */
class RecordingWebview {
  readonly rendered: string[] = [];
  private current = '';
  private opts: object = {};
  get html(): string {
    return this.current;
  }
  set html(value: string) {
    this.current = value;
    this.rendered.push(value);
  }
  get options(): object {
    return this.opts;
  }
  set options(value: object) {
    this.opts = value;
    this.rendered.push(this.current);
  }
}

describe('webview content without a CSP-less render', () => {
  const hasCsp = (doc: string) => /<meta http-equiv="Content-Security-Policy"/.test(doc);

  it('sets the HTML before the options, so no render lacks the policy', () => {
    const webview = new RecordingWebview();
    setWebviewContent(webview, buildWebviewHtml(input), { enableScripts: true });
    assert.ok(webview.rendered.length > 0);
    assert.deepEqual(webview.rendered.filter((d) => !hasCsp(d)), [], 'every rendered document has a CSP');
    assert.deepEqual(webview.options, { enableScripts: true });
  });

  it('the old order (options first) did render an empty document: the warning we fixed', () => {
    const webview = new RecordingWebview();
    webview.options = { enableScripts: true };
    webview.html = buildWebviewHtml(input);
    assert.equal(webview.rendered.filter((d) => !hasCsp(d)).length, 1);
  });

  it('the Sync view provider sets its content only through setWebviewContent', () => {
    const source = readFileSync(new URL('../../src/extension/webview/syncViewProvider.ts', import.meta.url), 'utf8');
    assert.match(source, /setWebviewContent\(view\.webview,/);
    assert.doesNotMatch(source, /webview\.(html|options)\s*=/, 'no direct html/options assignment');
  });
});
