// Child process: require the extension bundle with a stub `vscode` module and call activate().
// Prints {"requireMs","activateMs","lazyMs"} as JSON; lazyMs times the first require of each bundle the
// extension loads on first use (dist/engine.js, dist/webviewSession.js), after activation. Usage: node activate.mjs BUNDLE STORAGE_DIR
/* global performance */
import Module from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const require = Module.createRequire(import.meta.url);

/** Any property is a callable, constructible stub (assignments stick); symbols are absent (not iterable). */
function stub(name, thenable = false) {
  const target = function () {};
  const assigned = new Map();
  return new Proxy(target, {
    set(_t, prop, value) {
      assigned.set(prop, value);
      return true;
    },
    get(_t, prop) {
      if (assigned.has(prop)) return assigned.get(prop);
      // What a host call returns also works as a Thenable (executeCommand, showQuickPick…): it resolves to undefined.
      if (prop === 'then') return thenable ? (onResolved) => Promise.resolve(undefined).then(onResolved) : undefined;
      if (typeof prop === 'symbol') return undefined;
      if (prop === 'prototype') return target.prototype;
      if (prop === 'toString' || prop === 'valueOf') return () => name;
      return stub(`${name}.${prop}`);
    },
    apply: () => stub(`${name}()`, true),
    construct: () => stub(`new ${name}`),
  });
}

/** The module's top-level names (bundlers copy own properties of a CommonJS module): from @types/vscode. */
function hostModule() {
  const dts = readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  const names = new Set();
  for (const m of dts.matchAll(/^\t?export (?:namespace|class|enum|function|const|let) (\w+)/gm)) names.add(m[1]);
  const mod = {};
  for (const n of names) mod[n] = stub(`vscode.${n}`);
  return mod;
}

const vscode = hostModule();
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
    const lazyMs = {};
    for (const name of ['engine.js', 'webviewSession.js']) {
      const file = path.resolve(path.dirname(bundle), name);
      if (!existsSync(file)) continue;
      const t = performance.now();
      require(file);
      lazyMs[name] = performance.now() - t;
    }
    const result = { requireMs: t1 - t0, activateMs: t2 - t1, lazyMs, subscriptions: context.subscriptions.length };
    process.stdout.write(JSON.stringify(result) + '\n');
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
