// Languages without a usable tree-sitter grammar in tree-sitter-wasms: Perl, reStructuredText,
// CMake and Tcl (also in the README's list of regex-extracted languages).
import { byLineRegex, type SymbolExtractor } from './list';

/** Perl: `package A::B;` (or `package A::B {`) and `sub name` at any indentation, POD skipped. */
export const perlSymbols: SymbolExtractor = (lines, out) => {
  let pod = false;
  for (const line of lines) {
    if (out.full) return;
    if (line.startsWith('=')) {
      pod = !line.startsWith('=cut');
      continue;
    }
    if (pod) continue;
    if (line.startsWith('__END__') || line.startsWith('__DATA__')) return;
    const m = /^\s*(?:package\s+([A-Za-z_][\w:]*)\s*(?:[\d.v_]+\s*)?[;{]|sub\s+([A-Za-z_][\w:']*))/.exec(line);
    if (m) out.add(m[1] ?? m[2]);
  }
};

/**
 * reStructuredText: section titles, a line underlined (and optionally overlined) with one
 * punctuation character; and internal hyperlink targets, `.. _name:` or ``.. _`name`:`` with nothing
 * after the colon (the names `:ref:` links to; a target followed by a URL is a link, not a place).
 */
export const rstSymbols: SymbolExtractor = (lines, out) => {
  const ADORNMENT = /^([!-/:-@[-`{-~])\1+\s*$/;
  const TARGET = /^\.\. _(?:`([^`]+)`|([^`:\s][^:]*?)):\s*$/;
  for (let i = 0; i < lines.length && !out.full; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('.. _')) {
      const target = TARGET.exec(line);
      const name = target?.[1] ?? target?.[2];
      if (name && name !== '_') out.add(name); // `.. __:` is an anonymous target
      continue;
    }
    const text = line.trim();
    const under = lines[i + 1] ?? '';
    if (!text || ADORNMENT.test(line) || /^\s/.test(line) || text.startsWith('..')) continue;
    if (ADORNMENT.test(under) && under.trimEnd().length >= text.length) {
      out.add(text);
      i++;
    }
  }
};

/** CMake: `function(name` and `macro(name`. */
export const cmakeSymbols: SymbolExtractor = byLineRegex(/^\s*(?:function|macro)\s*\(\s*([\w.+-]+)/i);

/**
 * Tcl: `proc name` (`proc ::ns::name` is `name`) and `namespace eval ns`. A name computed at run
 * time (`proc $name`, `proc [format …]`) and the global namespace `::` name nothing to look for.
 */
export const tclSymbols: SymbolExtractor = (lines, out) => {
  const named = (name: string | undefined): string | undefined => (name && !/[$[]/.test(name) && name.replace(/:/g, '') !== '' ? name : undefined);
  for (const line of lines) {
    if (out.full) return;
    const p = /^\s*proc\s+([^\s{]+)/.exec(line);
    if (p?.[1]) out.add(named(p[1])?.split('::').pop());
    const n = /^\s*namespace\s+eval\s+([^\s{]+)/.exec(line);
    if (n?.[1]) out.add(named(n[1]));
  }
};
