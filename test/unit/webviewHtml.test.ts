import { strict as assert } from 'node:assert';
import { buildContentSecurityPolicy, buildWebviewHtml, createNonce } from '../../src/extension/webview/html';

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
