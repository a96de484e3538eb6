/** Deterministic trees of small source files for tests, the demo and the benchmark. */

const WORDS = [
  'alpha', 'beacon', 'cache', 'delta', 'engine', 'fabric', 'gateway', 'harbor', 'index', 'journal',
  'kernel', 'ledger', 'matrix', 'network', 'orbit', 'parser', 'query', 'router', 'schema', 'token',
  'utils', 'vector', 'widget', 'xenon', 'yield', 'zephyr', 'store', 'model', 'view', 'worker',
];
const EXTS = ['ts', 'ts', 'py', 'md', 'go', 'rs', 'json', 'txt'] as const;

/** A small deterministic PRNG (mulberry32): the same seed gives the same files everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

function content(ext: (typeof EXTS)[number], word: string, other: string, i: number): string {
  const camel = `${word}${cap(other)}${i}`;
  const snake = `${word}_${other}_${i}`;
  switch (ext) {
    case 'ts':
      return `/** ${cap(word)} helpers for the ${other} module. */\nexport function ${camel}(input: string): string {\n  return input + '${i}';\n}\n\nexport const ${word}Limit${i} = ${i % 97};\n`;
    case 'py':
      return `"""${cap(word)} utilities for ${other}."""\n\n\ndef ${snake}(value):\n    return value * ${i % 13}\n\n\nclass ${cap(word)}${cap(other)}${i}:\n    pass\n`;
    case 'md':
      return `# ${cap(word)} ${cap(other)}\n\nNotes about the ${word} ${other}, entry ${i}.\n`;
    case 'go':
      return `package ${word}\n\n// ${cap(camel)} returns a ${other} value.\nfunc ${cap(camel)}() int {\n\treturn ${i}\n}\n`;
    case 'rs':
      return `/// ${cap(word)} for ${other}.\npub fn ${snake}() -> u32 {\n    ${i}\n}\n`;
    case 'json':
      return `{\n  "name": "${word}-${other}",\n  "index": ${i}\n}\n`;
    default:
      return `${cap(word)} ${other} ${i}\n`;
  }
}

/** `count` small text files in a nested tree; the same seed gives the same files. Depth counts directories. */
export function generateFiles(count: number, opts: { seed?: number; depth?: [number, number] } = {}): Record<string, string> {
  const rand = mulberry32(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const [minDepth, maxDepth] = opts.depth ?? [1, 4];
  const dirs: Array<{ path: string; depth: number }> = [{ path: '', depth: 0 }];
  const parents = maxDepth > 0 ? [dirs[0]!] : [];
  const dirCount = maxDepth > 0 ? Math.max(maxDepth, Math.ceil(count / 12)) : 0;
  for (let i = 0; i < dirCount; i++) {
    const parent = i < maxDepth ? dirs[dirs.length - 1]! : pick(parents);
    const name = `${pick(WORDS)}${i}`;
    const dir = { path: parent.path ? `${parent.path}/${name}` : name, depth: parent.depth + 1 };
    dirs.push(dir);
    if (dir.depth < maxDepth) parents.push(dir);
  }
  const homes = dirs.filter((d) => d.depth >= minDepth && d.depth <= maxDepth);
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const dir = pick(homes.length > 0 ? homes : dirs);
    const ext = pick(EXTS);
    const word = pick(WORDS);
    const other = pick(WORDS);
    const file = `${word}_${i}.${ext}`;
    files[dir.path ? `${dir.path}/${file}` : file] = content(ext, word, other, i);
  }
  return files;
}
