// Language of a file, as a VS Code language id, decided the way VS Code decides it: its associations
// by exact file name and extension first (VS Code's built-in language contributions below, then
// GitHub Linguist's table for what VS Code does not know), then the first line: a `#!` interpreter,
// or an Emacs/Vim modeline.
import { linguistTables } from './linguist';

/** Extension (lowercase, without the dot) -> VS Code language id. */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', es6: 'javascript',
  jsx: 'javascriptreact',
  py: 'python', pyi: 'python', pyw: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  cs: 'csharp', csx: 'csharp',
  kt: 'kotlin', kts: 'kotlin',
  c: 'c', i: 'c',
  // VS Code associates `.h` with C++ (users override it with files.associations).
  h: 'cpp', cpp: 'cpp', cc: 'cpp', cxx: 'cpp', 'c++': 'cpp', hpp: 'cpp', hh: 'cpp', hxx: 'cpp', ino: 'cpp', inl: 'cpp', ipp: 'cpp', tpp: 'cpp',
  m: 'objective-c', mm: 'objective-cpp',
  swift: 'swift',
  rb: 'ruby', rake: 'ruby', gemspec: 'ruby', ru: 'ruby',
  php: 'php', phtml: 'php',
  scala: 'scala', sc: 'scala',
  groovy: 'groovy', gradle: 'groovy',
  dart: 'dart', lua: 'lua', r: 'r', jl: 'julia', pl: 'perl', pm: 'perl', pod: 'perl', t: 'perl', psgi: 'perl',
  ex: 'elixir', exs: 'elixir', erl: 'erlang', hs: 'haskell', clj: 'clojure', fs: 'fsharp', fsx: 'fsharp', vb: 'vb',
  md: 'markdown', markdown: 'markdown', mdown: 'markdown', mkd: 'markdown', mdx: 'mdx',
  rst: 'restructuredtext',
  // Not built into VS Code: the id of the AsciiDoc extension (asciidoctor.asciidoctor-vscode), which
  // also claims `.asc` (Linguist gives `.asc` to AGS Script; PGP armour there reads as a document without titles).
  adoc: 'asciidoc', ad: 'asciidoc', asciidoc: 'asciidoc', asc: 'asciidoc',
  tex: 'latex', txt: 'plaintext', text: 'plaintext',
  json: 'json', jsonc: 'jsonc', json5: 'json5', jsonl: 'jsonl', geojson: 'json', webmanifest: 'json',
  'code-workspace': 'jsonc',
  yaml: 'yaml', yml: 'yaml',
  toml: 'toml',
  ini: 'ini', cfg: 'ini', properties: 'properties',
  xml: 'xml', xsd: 'xml', xsl: 'xsl', xslt: 'xsl', svg: 'xml', csproj: 'xml', vbproj: 'xml', fsproj: 'xml', props: 'xml', targets: 'xml', plist: 'xml', xaml: 'xml',
  html: 'html', htm: 'html', xhtml: 'html', shtml: 'html', ejs: 'html', jsp: 'html', asp: 'html', aspx: 'html', rhtml: 'html',
  hbs: 'handlebars', handlebars: 'handlebars',
  vue: 'vue', svelte: 'svelte',
  css: 'css', scss: 'scss', sass: 'sass', less: 'less',
  sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', ksh: 'shellscript',
  ps1: 'powershell', psm1: 'powershell', psd1: 'powershell',
  bat: 'bat', cmd: 'bat',
  dockerfile: 'dockerfile', containerfile: 'dockerfile',
  mk: 'makefile', mak: 'makefile',
  cmake: 'cmake',
  sql: 'sql',
  graphql: 'graphql', gql: 'graphql',
  proto: 'proto3',
  tf: 'terraform', tfvars: 'terraform', hcl: 'hcl',
  diff: 'diff', patch: 'diff',
  log: 'log',
  csv: 'csv', tsv: 'tsv',
  env: 'dotenv',
  ignore: 'ignore',
};

/** Whole file names (lowercase) that decide the language regardless of extension. */
const BY_NAME: Readonly<Record<string, string>> = {
  dockerfile: 'dockerfile', containerfile: 'dockerfile',
  makefile: 'makefile', gnumakefile: 'makefile',
  'cmakelists.txt': 'cmake',
  gemfile: 'ruby', rakefile: 'ruby', podfile: 'ruby', vagrantfile: 'ruby', guardfile: 'ruby', brewfile: 'ruby',
  jenkinsfile: 'groovy',
  '.gitignore': 'ignore', '.dockerignore': 'ignore', '.npmignore': 'ignore', '.eslintignore': 'ignore',
  '.prettierignore': 'ignore', '.vscodeignore': 'ignore', '.hgignore': 'ignore', '.gcloudignore': 'ignore',
  '.gitattributes': 'plaintext', '.gitmodules': 'ini', '.editorconfig': 'ini', '.npmrc': 'ini',
  'package.json': 'json', 'package-lock.json': 'json', 'composer.json': 'json', 'composer.lock': 'json',
  'tsconfig.json': 'jsonc', 'jsconfig.json': 'jsonc', 'devcontainer.json': 'jsonc', '.devcontainer.json': 'jsonc',
  '.eslintrc.json': 'jsonc', '.eslintrc': 'jsonc', '.jshintrc': 'jsonc', '.jscsrc': 'jsonc', '.babelrc': 'json',
  '.prettierrc': 'json', '.swcrc': 'jsonc', 'tslint.json': 'jsonc', 'language-configuration.json': 'jsonc',
  'cargo.lock': 'toml', 'pipfile': 'toml', 'poetry.lock': 'toml', 'yarn.lock': 'yaml',
  'go.mod': 'go.mod', 'go.sum': 'go.sum', 'go.work': 'go.work',
  '.bashrc': 'shellscript', '.bash_profile': 'shellscript', '.bash_aliases': 'shellscript', '.bash_logout': 'shellscript',
  '.profile': 'shellscript', '.zshrc': 'shellscript', '.zprofile': 'shellscript', '.zshenv': 'shellscript',
  '.env': 'dotenv',
  license: 'plaintext', licence: 'plaintext', copying: 'plaintext', authors: 'plaintext', notice: 'plaintext',
  readme: 'plaintext', changelog: 'plaintext', codeowners: 'plaintext',
};

/** VS Code reads these settings files with comments allowed. */
const VSCODE_JSONC = new Set(['settings.json', 'launch.json', 'tasks.json', 'extensions.json', 'keybindings.json']);

/**
 * The VS Code language id of a repository path: well-known file names first
 * (`Dockerfile`, `Makefile`, `.gitignore`, `tsconfig.json`, ...), then the
 * extension, case-insensitively (VS Code's associations, then Linguist's); then,
 * when neither knows the file (or calls it plain text), its first line.
 * `plaintext` when nothing is known.
 */
export function languageOf(path: string, firstLine?: string): string {
  return languageByName(path) ?? ((firstLine !== undefined && byFirstLine(firstLine)) || 'plaintext');
}

/**
 * The language a path's name decides (file name, then extension), or undefined when the content's
 * first line decides. Two names with the same answer give the same facts for the same bytes.
 */
export function languageByName(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1).toLowerCase();
  // Own keys only: a file named `constructor` or `__proto__` must not find Object.prototype's members.
  const byName = (Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined) ?? byNamePattern(name, path, slash);
  if (byName) return byName;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1) : '';
  return (ext && Object.hasOwn(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : undefined) || byLinguist(name, ext) || undefined;
}

function byLinguist(name: string, ext: string): string | undefined {
  const t = linguistTables();
  const byName = t.byName.get(name);
  if (byName) return byName;
  if (!ext) return undefined;
  // Longest compound extension first: `.d.ts`, `.blade.php`.
  for (let at = name.indexOf('.', 1); at > 0; at = name.indexOf('.', at + 1)) {
    const hit = t.byExtension.get(name.slice(at));
    if (hit) return hit;
  }
  return undefined;
}

/** `#!/usr/bin/env -S node --flag`, `#!/bin/sh`, `#!/usr/bin/python3.11` → the interpreter's language. */
export function byFirstLine(line: string): string | undefined {
  const t = linguistTables();
  const shebang = /^#!\s*(\S+)(?:\s+(.*))?/.exec(line);
  if (shebang) {
    let interp = (shebang[1] ?? '').split('/').pop() ?? '';
    if (interp === 'env') interp = (shebang[2] ?? '').split(/\s+/).find((w) => w && !w.startsWith('-') && !w.includes('=')) ?? '';
    const bare = interp.replace(/[\d.]+$/, '');
    return t.byInterpreter.get(interp) ?? t.byInterpreter.get(bare);
  }
  const mode = /-\*-\s*(?:.*;\s*)?(?:mode:\s*)?([\w+#-]+)\s*(?:;.*)?-\*-/i.exec(line) ?? /\bvim?:.*\b(?:ft|filetype|syntax)=([\w+#-]+)/.exec(line);
  return mode?.[1] ? t.byAlias.get(mode[1].toLowerCase()) : undefined;
}

/** `name` lower-cased; its folder (`path` up to `slash`) is looked at only by a name that needs it. */
function byNamePattern(name: string, path: string, slash: number): string | undefined {
  if (name.startsWith('dockerfile.') || name.startsWith('containerfile.')) return 'dockerfile';
  if (name.startsWith('.env.')) return 'dotenv';
  if (/^[tj]sconfig\..+\.json$/.test(name)) return 'jsonc';
  if (VSCODE_JSONC.has(name) && path.slice(0, slash + 1).toLowerCase().endsWith('.vscode/')) return 'jsonc';
  if (name.startsWith('.eslintrc.') && name.endsWith('.json')) return 'jsonc';
  return undefined;
}
