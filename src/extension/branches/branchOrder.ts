// The order of the branch QuickPick, as data: default branch, current local branch, recently
// synced branches, then every other branch by name. Pure, so it is unit-tested without vscode.
import type { BranchInfo } from '../../core/types';

export type BranchGroup = 'default' | 'current' | 'recent' | 'other';

export interface BranchEntry {
  name: string;
  /** Unknown until the remote's list has arrived. */
  commitSha?: string;
  group: BranchGroup;
  /** Protected on GitHub (from the list call). */
  protected?: boolean;
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
    return [{ name, commitSha: known?.commitSha, group, ...(known?.protected ? { protected: true } : {}) }];
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
    .map((b): BranchEntry => ({ name: b.name, commitSha: b.commitSha, group: 'other', ...(b.protected ? { protected: true } : {}) }));
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

/** What the history already knows of a branch head: nothing is requested per branch. */
export interface KnownHead {
  branch: string;
  kind: string;
  status?: string;
  commitSha?: string | null;
  commitMessage?: string | null;
  completedAt?: string | null;
}

/**
 * A QuickPick row's words for a branch: its markers (default, protected) and, when a completed
 * sync of the branch already saw its head, that commit's message and when it was synced.
 */
export function branchRowText(
  entry: BranchEntry,
  history: readonly KnownHead[],
  age: (iso: string) => string,
): { description: string; detail?: string } {
  const markers = [entry.commitSha?.slice(0, 7), entry.group === 'default' ? 'default' : undefined, entry.protected ? 'protected' : undefined];
  const description = markers.filter((m): m is string => Boolean(m)).join(' · ');
  const synced = history.find((r) => r.kind === 'sync' && r.branch === entry.name && (r.status === undefined || r.status === 'completed'));
  if (!synced?.completedAt) return { description };
  const sameHead = !entry.commitSha || synced.commitSha === entry.commitSha;
  const message = sameHead && synced.commitMessage ? `${synced.commitMessage} · ` : '';
  return { description, detail: `${message}synced ${age(synced.completedAt)}${sameHead ? '' : ' (the head has moved since)'}` };
}

/** True when `filter` (what the user typed) matches no branch name: the picker says so in a row. */
export function noBranchMatches(names: readonly string[], filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return false;
  return !names.some((n) => fuzzyContains(n.toLowerCase(), f));
}

/** Characters of `needle` in order within `hay` (close to the QuickPick's own fuzzy label match). */
function fuzzyContains(hay: string, needle: string): boolean {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i === needle.length;
}
