// `Project Sync: Sync Branch…`: a QuickPick that opens at once with what is known (cached remote
// branches, the current local branch, recently synced ones) and fills in as the listing arrives.
import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import { formatAge } from '../../protocol/display';
import { branchRowText, noBranchMatches, type BranchGroup, type BranchSection, type KnownHead } from './branchOrder';
import type { BranchSource } from './branchSource';

interface BranchPickItem extends vscode.QuickPickItem {
  branch?: string;
}

export interface BranchPickerDeps {
  branches: BranchSource;
  folder: vscode.WorkspaceFolder;
  remoteName: string;
  history: () => ReadonlyArray<KnownHead & { startedAt: string }>;
  logger: Logger;
  /** Follow Branch… asks its own question. */
  title?: string;
  placeholder?: string;
}

/** The chosen branch name, or undefined when the picker is dismissed. */
export function pickBranch(deps: BranchPickerDeps): Promise<string | undefined> {
  const picker = vscode.window.createQuickPick<BranchPickItem>();
  picker.title = deps.title ?? vscode.l10n.t('Sync Branch');
  picker.placeholder = deps.placeholder ?? vscode.l10n.t('Pick a branch of the remote to sync (type to filter)');
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.busy = true;
  let branchItems: BranchPickItem[] = [];
  const show = () => {
    const active = picker.activeItems[0]?.branch;
    const searchable = branchItems.filter((i) => i.branch).flatMap((i) => [i.label, i.description ?? '', i.detail ?? '']);
    const none = noBranchMatches(searchable, picker.value);
    picker.items = none
      ? [...branchItems, { label: `$(info) ${vscode.l10n.t('No branch matches “{0}”', picker.value.trim())}`, alwaysShow: true }]
      : branchItems;
    const again = active === undefined ? undefined : picker.items.find((i) => i.branch === active);
    if (again) picker.activeItems = [again];
  };
  const render = () => {
    branchItems = toItems(deps.branches.sections(deps.folder, deps.history()), deps.history());
    show();
  };
  render();
  return new Promise<string | undefined>((resolve) => {
    let chosen: string | undefined;
    const disposables: vscode.Disposable[] = [];
    picker.onDidChangeValue(show, undefined, disposables);
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

/** Rows from what the branch list and the history already hold: never a request per branch. */
function toItems(sections: readonly BranchSection[], history: readonly KnownHead[]): BranchPickItem[] {
  const items: BranchPickItem[] = [];
  const now = new Date();
  const age = (iso: string) => formatAge(iso, now, vscode.l10n.t);
  for (const section of sections) {
    items.push({ label: groupTitle(section.group), kind: vscode.QuickPickItemKind.Separator });
    const icon = new vscode.ThemeIcon(section.group === 'default' ? 'star-full' : section.group === 'recent' ? 'history' : 'git-branch');
    for (const b of section.branches) {
      const text = branchRowText(b, history, age);
      items.push({ label: b.name, description: text.description, ...(text.detail ? { detail: text.detail } : {}), iconPath: icon, branch: b.name });
    }
  }
  return items;
}
