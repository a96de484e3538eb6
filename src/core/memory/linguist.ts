// GitHub Linguist's language table (the `linguist-languages` package, regenerated from Linguist's
// languages.yml) as VS Code language ids: extensions, exact file names, `#!` interpreters and
// aliases (for modelines). Consulted after VS Code's own associations (./language).
import * as linguist from 'linguist-languages';

interface LinguistLanguage {
  name: string;
  type?: string;
  extensions?: readonly string[];
  filenames?: readonly string[];
  interpreters?: readonly string[];
  aliases?: readonly string[];
  group?: string;
}

/** Linguist names whose VS Code language id is not the lower-cased name. */
const VSCODE_IDS: Readonly<Record<string, string>> = {
  Shell: 'shellscript', 'C++': 'cpp', 'C#': 'csharp', 'F#': 'fsharp', 'Objective-C': 'objective-c', 'Objective-C++': 'objective-cpp',
  reStructuredText: 'restructuredtext', 'Java Properties': 'properties', TSX: 'typescriptreact', 'JSON with Comments': 'jsonc',
  'Ignore List': 'ignore', 'Visual Basic .NET': 'vb', TeX: 'latex', 'Protocol Buffer': 'proto3', XSLT: 'xsl', Batchfile: 'bat',
  Text: 'plaintext', 'Vim script': 'viml', 'Git Config': 'properties', 'Git Attributes': 'plaintext', 'Emacs Lisp': 'elisp',
  'Common Lisp': 'commonlisp', 'HTML+ERB': 'erb', 'HTML+Razor': 'razor', 'Jupyter Notebook': 'jupyter', 'Roff Manpage': 'groff',
  Roff: 'groff', 'GCC Machine Description': 'lisp', 'Unix Assembly': 'asm', Assembly: 'asm', 'Cloud Firestore Security Rules': 'firestore',
  JSON5: 'json5', 'Go Module': 'go.mod', 'Go Checksums': 'go.sum', 'Go Workspace': 'go.work', 'HTML+EEX': 'html-eex', 'Shell Session': 'shellscript',
};

export function vscodeId(name: string): string {
  return VSCODE_IDS[name] ?? name.toLowerCase().replace(/\s+/g, '-');
}

interface Tables {
  byExtension: Map<string, string>;
  byName: Map<string, string>;
  byInterpreter: Map<string, string>;
  byAlias: Map<string, string>;
}

let tables: Tables | undefined;

/** Built on first use: ~800 languages, a few milliseconds. */
export function linguistTables(): Tables {
  if (tables) return tables;
  const t: Tables = { byExtension: new Map(), byName: new Map(), byInterpreter: new Map(), byAlias: new Map() };
  const langs = Object.values(linguist as unknown as Record<string, LinguistLanguage>).filter((l) => typeof l?.name === 'string');
  // Programming and markup languages win an extension shared with data or prose formats; among
  // equals, a language whose primary (first) extension it is.
  const rank = (l: LinguistLanguage, ext: string): number => (l.type === 'programming' || l.type === 'markup' ? 0 : 2) + (l.extensions?.[0] === ext ? 0 : 1);
  const owner = new Map<string, LinguistLanguage>();
  for (const l of langs) {
    for (const e of l.extensions ?? []) {
      const ext = e.toLowerCase();
      const prev = owner.get(ext);
      if (!prev || rank(l, e) < rank(prev, e)) owner.set(ext, l);
    }
    for (const f of l.filenames ?? []) if (!t.byName.has(f.toLowerCase())) t.byName.set(f.toLowerCase(), vscodeId(l.name));
    for (const i of l.interpreters ?? []) if (!t.byInterpreter.has(i)) t.byInterpreter.set(i, vscodeId(l.name));
    for (const a of [l.name.toLowerCase(), ...(l.aliases ?? [])]) if (!t.byAlias.has(a)) t.byAlias.set(a, vscodeId(l.name));
  }
  for (const [ext, l] of owner) t.byExtension.set(ext, vscodeId(l.name));
  tables = t;
  return t;
}
