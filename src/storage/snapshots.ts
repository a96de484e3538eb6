// Snapshots live outside history.json as a graph keyed by tree sha: a node is either a full base
// or a delta (upserted and removed paths) on top of its parent node. A tree sha is stored once, so
// a no-change sync or a restore writes nothing; a new base is written only when the deltas since
// the last base grow past half a snapshot, which keeps many small syncs near one snapshot's size.
import type { RepositoryFile } from '../core/types';
import { CorruptFileError, parseJsonFile } from './historyAdapter';
import { randomSuffix, type FileOps } from './fsOps';
import { fromTuple, SNAPSHOT_DIR, snapshotFileSchema, toTuple, type SnapshotFile, type SnapshotNode } from './schema';

/** Rebase when accumulated delta entries exceed this share of the snapshot's file count. */
const REBASE_RATIO = 0.5;
const MAX_DEPTH = 100;
const CACHE_SIZE = 3;

export const snapshotRel = (file: string): string => `${SNAPSHOT_DIR}/${file}`;

export class SnapshotStore {
  private readonly cache = new Map<string, RepositoryFile[]>();

  constructor(
    private readonly files: FileOps,
    private readonly index: () => Record<string, SnapshotNode>,
  ) {}

  has(treeSha: string): boolean {
    return this.index()[treeSha] !== undefined;
  }

  /** The full file set at `treeSha`, sorted by path. CorruptFileError when a node file is unusable. */
  async read(treeSha: string): Promise<RepositoryFile[]> {
    const hit = this.cache.get(treeSha);
    if (hit) {
      this.remember(treeSha, hit);
      return hit.slice();
    }
    const chain = this.chainTo(treeSha);
    const byPath = new Map<string, RepositoryFile>();
    for (const sha of chain) applyDelta(byPath, await this.readNode(sha));
    const result = sortByPath([...byPath.values()]);
    this.remember(treeSha, result);
    return result.slice();
  }

  /** Parse every node file (used on open so a corrupt delta is found before anyone relies on it). */
  async verifyAll(): Promise<void> {
    for (const sha of Object.keys(this.index())) await this.readNode(sha);
  }

  /**
   * Write the node for `treeSha` under a fresh file name (not yet referenced by history.json) and
   * return it; undefined when that tree is already stored.
   */
  async writeNode(treeSha: string, parentSha: string | null, files: RepositoryFile[]): Promise<SnapshotNode | undefined> {
    if (this.has(treeSha)) return undefined;
    const parentNode = parentSha === null ? undefined : this.index()[parentSha];
    let content: SnapshotFile;
    let node: Omit<SnapshotNode, 'file'>;
    const delta = parentNode && parentSha ? diffForDelta(await this.read(parentSha), files) : undefined;
    const entries = delta ? delta.upsert.length + delta.remove.length : 0;
    if (delta && parentNode && parentSha && parentNode.deltaEntries + entries <= files.length * REBASE_RATIO && parentNode.depth < MAX_DEPTH) {
      content = { parent: parentSha, treeSha, ...delta };
      node = { parent: parentSha, files: files.length, deltaEntries: parentNode.deltaEntries + entries, depth: parentNode.depth + 1 };
    } else {
      content = { parent: null, treeSha, upsert: sortByPath(files).map(toTuple), remove: [] };
      node = { parent: null, files: files.length, deltaEntries: 0, depth: 0 };
    }
    const file = `${treeSha}-${randomSuffix()}.json`;
    await this.files.writeAtomic(snapshotRel(file), JSON.stringify(content));
    this.remember(treeSha, sortByPath(files));
    return { file, ...node };
  }

  /** Forget cached reconstructions (after the index was reloaded from disk). */
  clearCache(): void {
    this.cache.clear();
  }

  private chainTo(treeSha: string): string[] {
    const chain: string[] = [];
    let sha: string | null = treeSha;
    while (sha !== null) {
      const node: SnapshotNode | undefined = this.index()[sha];
      if (!node) throw new Error(`snapshot ${sha} is not stored`);
      chain.unshift(sha);
      sha = node.parent;
    }
    return chain;
  }

  private async readNode(sha: string): Promise<SnapshotFile> {
    const node = this.index()[sha];
    if (!node) throw new Error(`snapshot ${sha} is not stored`);
    const rel = snapshotRel(node.file);
    const text = await this.files.readText(rel);
    const parsed = parseJsonFile(rel, text ?? '', snapshotFileSchema);
    if (parsed.treeSha !== sha || parsed.parent !== node.parent) throw new CorruptFileError(rel, 'does not match its index entry');
    return parsed;
  }

  private remember(treeSha: string, files: RepositoryFile[]): void {
    this.cache.delete(treeSha);
    this.cache.set(treeSha, files);
    while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
  }
}

function applyDelta(byPath: Map<string, RepositoryFile>, delta: SnapshotFile): void {
  for (const p of delta.remove) byPath.delete(p);
  for (const t of delta.upsert) byPath.set(t[0], fromTuple(t));
}

/** What turns `before` into `after`: changed or new entries, and removed paths. */
export function diffForDelta(before: RepositoryFile[], after: RepositoryFile[]): Pick<SnapshotFile, 'upsert' | 'remove'> {
  const old = new Map(before.map((f) => [f.path, f]));
  const upsert: SnapshotFile['upsert'] = [];
  for (const f of sortByPath(after)) {
    const o = old.get(f.path);
    old.delete(f.path);
    if (!o || o.blobSha !== f.blobSha || o.mode !== f.mode || o.size !== f.size) upsert.push(toTuple(f));
  }
  return { upsert, remove: [...old.keys()].sort() };
}

export function sortByPath(files: RepositoryFile[]): RepositoryFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
