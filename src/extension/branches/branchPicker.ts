// `Project Sync: Sync Branch…`: a QuickPick that opens at once with what is known (cached remote
// branches, the current local branch, recently synced ones) and fills in as the listing arrives.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { shortSha } from '../../protocol/display';
import type { BranchGroup, BranchSection } from './branchOrder';
import type { BranchSource } from './branchSource';

interface BranchPickItem extends vscode.QuickPickItem {
  branch?: string;
}

export interface BranchPickerDeps {
  branches: BranchSource;
  folder: vscode.WorkspaceFolder;
  remoteName: string;
  history: () => ReadonlyArray<{ branch: string; kind: string; startedAt: string; status?: string }>;
  logger: Logger;
}

/** The chosen branch name, or undefined when the picker is dismissed. */
export function pickBranch(deps: BranchPickerDeps): Promise<string | undefined> {
  const picker = vscode.window.createQuickPick<BranchPickItem>();
  picker.title = vscode.l10n.t('Sync Branch');
  picker.placeholder = vscode.l10n.t('Pick a branch of the remote to sync (type to filter)');
  picker.matchOnDescription = true;
  picker.busy = true;
  const render = () => {
    const active = picker.activeItems[0]?.branch;
    picker.items = toItems(deps.branches.sections(deps.folder, deps.history()));
    const again = active === undefined ? undefined : picker.items.find((i) => i.branch === active);
    if (again) picker.activeItems = [again];
  };
  render();
  return new Promise<string | undefined>((resolve) => {
    let chosen: string | undefined;
    const disposables: vscode.Disposable[] = [];
    picker.onDidAccept(
      () => {
        chosen = picker.selectedItems[0]?.branch;
        if (chosen) picker.hide();
      },
      undefined,
      disposables,
    );
    picker.onDidHide(
      () => {
        for (const d of disposables) d.dispose();
        picker.dispose();
        resolve(chosen);
      },
      undefined,
      disposables,
    );
    picker.show();
    deps.branches
      .current(deps.folder)
      .then(render)
      .then(() => deps.branches.load(deps.folder, deps.remoteName))
      .then(render)
      .catch((e: unknown) => {
        deps.logger.warn(`[branches] listing failed: ${e instanceof Error ? e.message : String(e)}`);
        picker.placeholder = vscode.l10n.t('Could not list the remote branches; showing the known ones. See the log.');
      })
      .finally(() => {
        picker.busy = false;
      });
  });
}

function groupTitle(group: BranchGroup): string {
  switch (group) {
    case 'default':
      return vscode.l10n.t('Default Branch');
    case 'current':
      return vscode.l10n.t('Current Branch');
    case 'recent':
      return vscode.l10n.t('Recently Synced');
    case 'other':
      return vscode.l10n.t('Branches');
  }
}

function toItems(sections: readonly BranchSection[]): BranchPickItem[] {
  const items: BranchPickItem[] = [];
  for (const section of sections) {
    items.push({ label: groupTitle(section.group), kind: vscode.QuickPickItemKind.Separator });
    const icon = new vscode.ThemeIcon(section.group === 'default' ? 'star-full' : section.group === 'recent' ? 'history' : 'git-branch');
    for (const b of section.branches) {
      items.push({ label: b.name, description: shortSha(b.commitSha), iconPath: icon, branch: b.name });
    }
  }
  return items;
}
