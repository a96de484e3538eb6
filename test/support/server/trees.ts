import { spawn } from 'node:child_process';
import { gitEnv } from '../git.js';
import { etagMatches, restHeaders, strongEtag, type Exchange } from './exchange.js';
import type { ServedRepo, TreeEntry } from './gitRepo.js';
import { repoApi, treeEntry, type Urls } from './shapes.js';
import { TREE_JSON_CAP, type ServerSwitches } from './types.js';

const CHUNK = 64 * 1024;

/** Streams `{sha, url, tree: [...], truncated}` with GitHub's entry and size caps. */
class TreeWriter {
  private pending: string[] = [];
  private pendingLen = 0;
  private bytes = 0;
  private count = 0;
  truncated = false;
  private readonly tail = '\n  ],\n  "truncated": false\n}';

  constructor(
    private readonly ex: Exchange,
    private readonly maxEntries: number,
  ) {}

  async start(sha: string, url: string): Promise<void> {
    await this.push(`{\n  "sha": ${JSON.stringify(sha)},\n  "url": ${JSON.stringify(url)},\n  "tree": [`);
  }

  /** Add one entry; false once the tree is full (the entry is then left out). */
  async add(entry: Record<string, unknown>): Promise<boolean> {
    const body = JSON.stringify(entry, null, 2).replace(/\n/g, '\n    ');
    const text = `${this.count === 0 ? '' : ','}\n    ${body}`;
    const size = Buffer.byteLength(text);
    if (this.count >= this.maxEntries || this.bytes + size + this.tail.length + 1 > TREE_JSON_CAP) {
      this.truncated = true;
      return false;
    }
    this.count++;
    await this.push(text, size);
    return !this.ex.closed;
  }

  async finish(): Promise<void> {
    await this.push(`\n  ],\n  "truncated": ${String(this.truncated)}\n}`);
    if (this.pending.length > 0) this.ex.end(this.pending.join(''));
    else this.ex.end();
  }

  private async push(text: string, size = Buffer.byteLength(text)): Promise<void> {
    this.pending.push(text);
    this.pendingLen += size;
    this.bytes += size;
    if (this.pendingLen >= CHUNK) {
      const data = this.pending.join('');
      this.pending = [];
      this.pendingLen = 0;
      await this.ex.write(data);
    }
  }
}

/** Parse one `ls-tree -l -z` record: `<mode> <type> <sha> <size>\t<path>`. */
function parseLsTreeRecord(rec: Buffer): TreeEntry | null {
  const tab = rec.indexOf(9);
  if (tab === -1) return null;
  const [mode, type, sha, size] = rec.subarray(0, tab).toString('latin1').split(/ +/);
  if (!mode || !type || !sha) return null;
  // A name that is not UTF-8 cannot travel in JSON as its bytes; GitHub documents no escape for it,
  // and it is served the way a UTF-8 JSON encoder must: invalid bytes become U+FFFD.
  const entry: TreeEntry = { path: rec.subarray(tab + 1).toString('utf8'), mode, type: type as TreeEntry['type'], sha };
  if (type === 'blob') entry.size = Number(size);
  return entry;
}

async function streamRecursive(repo: ServedRepo, u: Urls, treeSha: string, w: TreeWriter): Promise<void> {
  const child = spawn('git', ['--git-dir', repo.bareDir, 'ls-tree', '-r', '-t', '-l', '-z', treeSha], { env: gitEnv() });
  child.on('error', () => undefined);
  let carry = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nul = buf.indexOf(0, start); nul !== -1; nul = buf.indexOf(0, start)) {
        const entry = parseLsTreeRecord(buf.subarray(start, nul));
        start = nul + 1;
        if (entry && !(await w.add(treeEntry(u, repo, entry)))) return;
      }
      carry = Buffer.from(buf.subarray(start));
    }
  } finally {
    child.kill();
  }
}

/** `GET /repos/{o}/{r}/git/trees/{sha}[?recursive]`. Returns false when the tree does not exist. */
export async function sendTree(
  ex: Exchange,
  switches: ServerSwitches,
  u: Urls,
  repo: ServedRepo,
  spec: string,
  recursive: boolean,
): Promise<boolean> {
  const treeSha = await repo.resolveTree(spec);
  if (!treeSha) return false;
  const entries = recursive ? null : await repo.treeEntries(treeSha);
  const cap = recursive ? switches.truncateTreeOver : Number.MAX_SAFE_INTEGER;
  const etag = strongEtag(`tree:${treeSha}:${String(recursive)}:${cap}:${TREE_JSON_CAP}:${u.apiUrl}:${repo.fullName}`);
  const common = { etag, 'cache-control': 'private, max-age=60, s-maxage=60', vary: 'Accept, Authorization, Cookie, X-GitHub-OTP' };
  if (etagMatches(ex.req.headers['if-none-match'], etag)) {
    ex.head(304, { ...restHeaders(ex, switches, 304), ...common });
    ex.end();
    return true;
  }
  ex.head(200, { ...restHeaders(ex, switches, 200), ...common, 'content-type': 'application/json; charset=utf-8' });
  const w = new TreeWriter(ex, cap);
  await w.start(treeSha, `${repoApi(u, repo)}/git/trees/${treeSha}`);
  if (recursive) await streamRecursive(repo, u, treeSha, w);
  else for (const e of entries ?? []) if (!(await w.add(treeEntry(u, repo, e)))) break;
  await w.finish();
  return true;
}
