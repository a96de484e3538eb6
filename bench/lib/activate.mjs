// Child process: require the extension bundle with a stub `vscode` module and call activate().
// Prints {"requireMs","activateMs"} as JSON. Usage: node activate.cjs BUNDLE STORAGE_DIR
'use strict';
const Module = require('node:module');
const path = require('node:path');

/** Any property is a callable, constructible stub; symbols and `then` are absent (not iterable, not a promise). */
function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      if (prop === 'prototype') return target.prototype;
      if (prop === 'toString' || prop === 'valueOf') return () => name;
      return stub(`${name}.${prop}`);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

const vscode = stub('vscode');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const [bundle, storage] = process.argv.slice(2);
const t0 = performance.now();
const ext = require(path.resolve(bundle));
const t1 = performance.now();
const context = {
  subscriptions: [],
  storageUri: { fsPath: storage },
  globalStorageUri: { fsPath: storage },
  extensionUri: { fsPath: path.dirname(bundle), path: path.dirname(bundle) },
  extensionPath: path.dirname(bundle),
  globalState: stub('globalState'),
  workspaceState: stub('workspaceState'),
  secrets: stub('secrets'),
  extensionMode: 1,
  logUri: { fsPath: storage },
};
Promise.resolve(ext.activate(context)).then(
  () => {
    const t2 = performance.now();
    process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, subscriptions: context.subscriptions.length }) + '\n');
    for (const s of context.subscriptions) {
      try {
        if (s && typeof s.dispose === 'function') s.dispose();
      } catch (e) {
        process.stderr.write(`dispose: ${e.message}\n`);
      }
    }
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`activate failed: ${e && e.stack}\n`);
    process.exit(1);
  },
);
