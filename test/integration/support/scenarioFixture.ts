// Runner side: fixture actions the scenario tests (sync, restore, cancel, hostile, rate limit,
// reload) add to fixture.ts: read the server's repository as git sees it, so a test can compute
// what the extension should show independently of the extension, and keep a few values across a
// window reload (the extension host restarts; the runner does not).
import * as z from 'zod';
import { runGit } from '../../support/git';
import { lsTree, type TestRepo } from '../../support/repos';

const Rev = z.object({ rev: z.string().min(1) });
const Stash = z.object({ key: z.string().min(1), value: z.unknown().optional() });

export interface TreeEntry {
  path: string;
  mode: string;
  sha: string;
}

export interface ScenarioActions {
  /** The commit sha a revision (branch name or sha) of the server's repository points at. */
  revParse(args: z.input<typeof Rev>): Promise<string>;
  /** Every entry of a revision's tree (`git ls-tree -r`), paths byte-exact. */
  lsTree(args: z.input<typeof Rev>): Promise<TreeEntry[]>;
  /** Stores `value` under `key` when given; returns what was stored (survives a window reload). */
  stash(args: z.input<typeof Stash>): Promise<unknown>;
}

export function scenarioActions(repo: TestRepo): ScenarioActions {
  const stashed = new Map<string, unknown>();
  return {
    revParse: async (args) => {
      const { rev } = Rev.parse(args);
      const out = await runGit(['--git-dir', repo.bareDir, 'rev-parse', '--verify', `${rev}^{commit}`]);
      return out.toString('utf8').trim();
    },
    lsTree: async (args) => lsTree(repo.bareDir, Rev.parse(args).rev),
    stash: async (args) => {
      const { key, value } = Stash.parse(args);
      if (value !== undefined) stashed.set(key, value);
      return stashed.get(key) ?? null;
    },
  };
}
