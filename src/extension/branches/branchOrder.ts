// The order of the branch QuickPick, as data: default branch, current local branch, recently
// synced branches, then every other branch by name. Pure, so it is unit-tested without vscode.
import type { BranchInfo } from '../../core/types';

export type BranchGroup = 'default' | 'current' | 'recent' | 'other';

export interface BranchEntry {
  name: string;
  /** Unknown until the remote's list has arrived. */
  commitSha?: string;
  group: BranchGroup;
}

export interface BranchSection {
  group: BranchGroup;
  branches: BranchEntry[];
}

export interface BranchOrderInput {
  /** The remote's branches known so far (cached or freshly loaded). */
  remote: readonly BranchInfo[];
  /** True once `remote` is the complete list: hints that are not on the remote are dropped. */
  complete: boolean;
  /** The work tree's current local branch. */
  current?: string;
  /** Branch names of recent syncs, newest first (duplicates allowed). */
  recent: readonly string[];
  /** The default branch when already known from elsewhere (a previous listing). */
  defaultBranch?: string;
}

/** Sections in display order, each branch exactly once, empty sections left out. */
export function orderBranches(input: BranchOrderInput): BranchSection[] {
  const byName = new Map(input.remote.map((b) => [b.name, b]));
  const seen = new Set<string>();
  const take = (name: string | undefined, group: BranchGroup): BranchEntry[] => {
    if (!name || seen.has(name)) return [];
    const known = byName.get(name);
    if (!known && input.complete) return [];
    seen.add(name);
    return [{ name, commitSha: known?.commitSha, group }];
  };
  const defaultName = input.remote.find((b) => b.isDefault)?.name ?? input.defaultBranch;
  const sections: BranchSection[] = [
    { group: 'default', branches: take(defaultName, 'default') },
    { group: 'current', branches: take(input.current, 'current') },
    { group: 'recent', branches: input.recent.flatMap((name) => take(name, 'recent')) },
  ];
  const others = input.remote
    .filter((b) => !seen.has(b.name))
    .sort((a, b) => compareNames(a.name, b.name))
    .map((b): BranchEntry => ({ name: b.name, commitSha: b.commitSha, group: 'other' }));
  sections.push({ group: 'other', branches: others });
  return sections.filter((s) => s.branches.length > 0);
}

/** Case-insensitive, then by code unit, so the order is the same on every machine. */
function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Branch names of recent syncs that completed (not failed or cancelled attempts), newest first, without repeats, at most `limit`. */
export function recentBranches(records: ReadonlyArray<{ branch: string; kind: string; startedAt: string; status?: string }>, limit = 5): string[] {
  const names: string[] = [];
  const sorted = [...records].filter((r) => r.kind === 'sync' && r.branch && (r.status === undefined || r.status === 'completed')).sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  for (const r of sorted) {
    if (!names.includes(r.branch)) names.push(r.branch);
    if (names.length >= limit) break;
  }
  return names;
}
