import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  paths: [{ name: 'vscode', message: 'Only src/extension may import vscode: keep this layer plain Node.' }],
};

/** `import … from '../../NAME/…'` for any of the named top-level folders of src/. */
function layerPattern(names, message) {
  return { regex: `^(\\.\\./)+(${names.join('|')})(/|$)`, message };
}

/** Files under `glob` may import neither vscode nor the named layers. */
function layer(glob, forbidden, message) {
  return {
    files: [glob],
    rules: { 'no-restricted-imports': ['error', { ...noVscode, patterns: [layerPattern(forbidden, message)] }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.vscode-test/**', 'bench/cache/**', 'bench/results/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  // The layer graph (docs/ARCHITECTURE.md, "Folders and layers"). A pattern names the layers a folder may
  // not reach: `(../)+name` is another top-level folder of src/, since no folder inside a layer shares a
  // layer's name.
  layer('src/core/**', ['github', 'storage', 'engine', 'protocol', 'extension', 'cli'], 'src/core imports nothing of ours outside src/core.'),
  layer('src/github/**', ['storage', 'engine', 'protocol', 'extension', 'cli'], 'src/github imports only src/core.'),
  layer('src/storage/**', ['github', 'engine', 'protocol', 'extension', 'cli'], 'src/storage imports only src/core.'),
  layer('src/engine/**', ['protocol', 'extension', 'cli'], 'src/engine imports only src/core, src/github and src/storage.'),
  layer('src/protocol/**', ['github', 'storage', 'engine', 'extension', 'cli'], 'src/protocol imports only src/core.'),
  layer('src/cli/**', ['github', 'storage', 'extension'], 'src/cli imports only src/engine, src/core and src/protocol.'),
  {
    // The extension reaches src/engine (with src/github and src/storage behind it) through the lazy
    // loader in engineHost.ts (`await import('../engine')`, dist/engine.js) and otherwise only with
    // `import type`: a value import would drag them into dist/extension.js (see scripts/engineSplit.mjs).
    // The one exception is src/github/proxy.ts, a pure settings parser (test/unit/bundleSplit.test.ts).
    files: ['src/extension/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(engine|storage)(/|$)|^(\\.\\./)+github(/(?!proxy$)|$)',
              allowTypeImports: true,
              message: 'src/extension imports src/engine, src/github and src/storage only with `import type` or through the lazy loader (engineHost.ts).',
            },
            layerPattern(['cli'], 'src/extension does not import src/cli.'),
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noVscode,
          patterns: [
            {
              group: ['../src/*', '!../src/protocol', '../src/!(protocol)/**'],
              message: 'The webview may only import src/protocol.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'bench/**', 'test/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
