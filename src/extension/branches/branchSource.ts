// The remote's branches per folder: what is cached shows at once, a load fills in the rest.
// The engine ETag-caches the listing, so a reload usually costs one 304 per page.
import type * as vscode from 'vscode';
import { scoped, type Logger } from '../../core/logger';
import type { BranchInfo } from '../../core/types';
import { orderBranches, recentBranches, type BranchSection } from './branchOrder';
import type { EngineHost } from '../engineHost';

interface FolderBranches {
  branches?: BranchInfo[];
  current?: string;
  loading?: Promise<BranchInfo[]>;
}

export class BranchSource {
  private readonly byFolder = new Map<string, FolderBranches>();
  private readonly log: Logger;

  constructor(
    private readonly engines: EngineHost,
    logger: Logger,
  ) {
    this.log = scoped(logger, 'branches');
  }

  /** What is known now, without waiting. */
  cached(folder: vscode.WorkspaceFolder): { branches: BranchInfo[]; complete: boolean; current?: string } {
    const entry = this.byFolder.get(key(folder));
    return { branches: entry?.branches ?? [], complete: entry?.branches !== undefined, current: entry?.current };
  }

  /** The work tree's current branch (local: no network). */
  async current(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    const engine = await this.engines.get();
    const current = await engine.currentBranch(folder.uri.fsPath);
    this.entry(folder).current = current;
    return current;
  }

  /** Every remote branch; concurrent callers share one request. */
  load(folder: vscode.WorkspaceFolder, remoteName: string, signal?: AbortSignal): Promise<BranchInfo[]> {
    const entry = this.entry(folder);
    entry.loading ??= this.engines
      .get()
      .then((engine) => engine.branches(folder.uri.fsPath, remoteName, signal))
      .then((branches) => {
        entry.branches = branches;
        this.log.info(`${folder.name}: ${branches.length} branches`);
        return branches;
      })
      .finally(() => {
        entry.loading = undefined;
      });
    return entry.loading;
  }

  /** The sections the picker and the dropdown show, from what is known now. */
  sections(folder: vscode.WorkspaceFolder, history: ReadonlyArray<{ branch: string; kind: string; startedAt: string; status?: string }>): BranchSection[] {
    const { branches, complete, current } = this.cached(folder);
    return orderBranches({ remote: branches, complete, current, recent: recentBranches(history) });
  }

  private entry(folder: vscode.WorkspaceFolder): FolderBranches {
    let entry = this.byFolder.get(key(folder));
    if (!entry) this.byFolder.set(key(folder), (entry = {}));
    return entry;
  }
}

function key(folder: vscode.WorkspaceFolder): string {
  return folder.uri.toString();
}
