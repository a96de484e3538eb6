import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CatFile } from './catFile.js';
import { runGit } from '../git.js';

export interface ServerRepoOptions {
  private?: boolean;
  /** Default: the bare repository's HEAD. */
  defaultBranch?: string;
  /** old -> new: GET branches/{old} answers 301 to new. */
  renamedBranches?: Record<string, string>;
  /** Branch names reported with `protected: true` (an addition to the contract). */
  protectedBranches?: string[];
}

export interface RefEntry {
  /** Full ref name, `refs/heads/x`. */
  ref: string;
  sha: string;
  type: 'commit' | 'tag' | 'tree' | 'blob';
}

export interface Person {
  name: string;
  email: string;
  date: string;
}
export interface CommitData {
  sha: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

const HEX40 = /^[0-9a-f]{40}$/;

/** A bare repository served by the test server, with its long-lived object reader. */
export class ServedRepo {
  readonly catFile: CatFile;

  constructor(
    readonly id: number,
    readonly owner: string,
    readonly name: string,
    readonly bareDir: string,
    readonly opts: ServerRepoOptions,
  ) {
    this.catFile = new CatFile(bareDir);
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`;
  }

  async defaultBranch(): Promise<string> {
    if (this.opts.defaultBranch) return this.opts.defaultBranch;
    const head = (await readFile(join(this.bareDir, 'HEAD'), 'utf8')).trim();
    return head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : 'main';
  }

  /** Every ref under `refs/`, sorted by name (git's byte order). */
  async refs(): Promise<RefEntry[]> {
    const out = await runGit(['--git-dir', this.bareDir, 'for-each-ref', '--format=%(objectname) %(objecttype) %(refname)']);
    const refs: RefEntry[] = [];
    for (const line of out.toString('utf8').split('\n')) {
      const [sha, type, ...rest] = line.split(' ');
      if (!sha || !type || rest.length === 0) continue;
      refs.push({ sha, type: type as RefEntry['type'], ref: rest.join(' ') });
    }
    return refs;
  }

  async branches(): Promise<Array<{ name: string; sha: string }>> {
    return (await this.refs())
      .filter((r) => r.ref.startsWith('refs/heads/'))
      .map((r) => ({ name: r.ref.slice('refs/heads/'.length), sha: r.sha }));
  }

  async branch(name: string): Promise<{ name: string; sha: string } | undefined> {
    return (await this.branches()).find((b) => b.name === name);
  }

  isProtected(branch: string): boolean {
    return this.opts.protectedBranches?.includes(branch) ?? false;
  }

  async commit(sha: string): Promise<CommitData | null> {
    if (!HEX40.test(sha)) return null;
    const obj = await this.catFile.contents(sha);
    if (!obj || obj.type !== 'commit') return null;
    return parseCommit(obj.sha, obj.content);
  }

  async blob(sha: string): Promise<Buffer | null> {
    if (!HEX40.test(sha)) return null;
    const obj = await this.catFile.contents(sha);
    return obj && obj.type === 'blob' ? obj.content : null;
  }

  /** Resolve a tree sha, a commit sha or a branch/tag name to a tree sha. */
  async resolveTree(spec: string): Promise<string | null> {
    if (!HEX40.test(spec) && !(await this.isRefName(spec))) return null;
    const info = await this.catFile.info(`${spec}^{tree}`);
    return info?.type === 'tree' ? info.sha : null;
  }

  /** The direct entries of a tree, sizes for blobs, in git's order. */
  async treeEntries(treeSha: string): Promise<TreeEntry[] | null> {
    const obj = await this.catFile.contents(treeSha);
    if (!obj || obj.type !== 'tree') return null;
    const entries = parseTree(obj.content);
    await Promise.all(
      entries.map(async (e) => {
        if (e.type !== 'blob') return;
        const info = await this.catFile.info(e.sha);
        if (info) e.size = info.size;
      }),
    );
    return entries;
  }

  close(): void {
    this.catFile.close();
  }

  private async isRefName(spec: string): Promise<boolean> {
    if (/[\s:^~?*[\\]|\.\.|@\{/.test(spec) || spec.startsWith('-')) return false;
    const refs = await this.refs();
    return refs.some((r) => r.ref === `refs/heads/${spec}` || r.ref === `refs/tags/${spec}`);
  }
}

function parsePerson(value: string): Person {
  const m = /^(.*?) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!m) return { name: value, email: '', date: new Date(0).toISOString().replace('.000Z', 'Z') };
  const date = new Date(Number(m[3]) * 1000).toISOString().replace('.000Z', 'Z');
  return { name: m[1]!, email: m[2]!, date };
}

export function parseCommit(sha: string, content: Buffer): CommitData {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const head = split === -1 ? text : text.slice(0, split);
  const message = split === -1 ? '' : text.slice(split + 2);
  const commit: CommitData = { sha, tree: '', parents: [], author: parsePerson(''), committer: parsePerson(''), message };
  for (const line of head.split('\n')) {
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const value = line.slice(sp + 1);
    if (key === 'tree') commit.tree = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = parsePerson(value);
    else if (key === 'committer') commit.committer = parsePerson(value);
  }
  return commit;
}

const TYPE_OF_MODE: Record<string, TreeEntry['type']> = { '040000': 'tree', '160000': 'commit' };

/** Parse git's binary tree format: `<mode> <name>\0<20-byte sha>` repeated. */
export function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let pos = 0;
  while (pos < content.length) {
    const sp = content.indexOf(0x20, pos);
    const nul = content.indexOf(0, sp);
    if (sp === -1 || nul === -1) break;
    const mode = content.subarray(pos, sp).toString('latin1').padStart(6, '0');
    const path = content.subarray(sp + 1, nul).toString('utf8');
    const sha = content.subarray(nul + 1, nul + 21).toString('hex');
    entries.push({ path, mode, type: TYPE_OF_MODE[mode] ?? 'blob', sha });
    pos = nul + 21;
  }
  return entries;
}
