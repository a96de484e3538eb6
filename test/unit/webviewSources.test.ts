// Guards on the webview's source: no HTML-parsing sinks, and the toolkit behind exactly one module.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function sources(dir: string): { file: string; code: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f))
    .map((file) => ({
      file,
      // Comments may name the sinks (to forbid them); only code counts.
      code: readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:])\/\/.*$/gm, '$1'),
    }));
}

describe('webview sources', () => {
  const files = sources('webview');

  it('exist', () => assert.ok(files.length >= 5));

  it('never parse strings as HTML or add inline handlers', () => {
    const sinks = /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|setAttribute\(\s*['"]on|\beval\(|new Function\(/;
    for (const { file, code } of files) assert.doesNotMatch(code, sinks, file);
  });

  it('import @vscode/webview-ui-toolkit in exactly one module, and vscode-* tags only there', () => {
    const importers = files.filter((f) => f.code.includes('@vscode/webview-ui-toolkit')).map((f) => f.file);
    assert.deepEqual(importers, [path.join('webview', 'toolkit.ts')]);
    const tagUsers = files.filter((f) => /['"]vscode-[a-z-]+['"]/.test(f.code)).map((f) => f.file);
    assert.deepEqual(tagUsers, [path.join('webview', 'toolkit.ts')]);
  });

  it('use theme colours only through VS Code variables', () => {
    const css = readFileSync('media/webview.css', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    assert.doesNotMatch(css, /#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/i, 'no literal colours');
    for (const m of css.matchAll(/var\((--[a-z-]+)/gi)) assert.match(m[1]!, /^--vscode-/, m[1]);
  });
});
