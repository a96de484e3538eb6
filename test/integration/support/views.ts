// Suite side helpers for the History and Sync Files views: rows of a sidebar pane, a context menu
// on one of several matching rows, and waits on editor tabs and editors (events, never timers).
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import type { ProjectSyncExtension } from '../../../src/extension/api';
import { ui, type Target } from './bridge';

export const paneRows = (view: string): string =>
  `.part.sidebar .pane:has(.pane-header:has-text(${JSON.stringify(view)})) .monaco-list-row`;

/**
 * The row whose label is exactly `label` (a row's description may name another sync: "compared
 * with main @ 1f4ddd3", so a substring match could pick the wrong row).
 */
export const rowLabelled = (view: string, label: string): Target => ({ selector: `${paneRows(view)} .label-name`, exactText: label });

const MENU = '.context-view .monaco-menu';

/** The History tree's refresh count (undefined when the extension carries no test hooks: the .vsix). */
async function historyTree(): Promise<{ settled(): Promise<number>; readonly refreshes: number } | undefined> {
  const ext = vscode.extensions.getExtension<ProjectSyncExtension>(`${manifest.publisher}.${manifest.name}`);
  return (await ext?.activate())?.testHooks?.history;
}

/** The menu openRowMenu opened last: its row, and the History refresh its rows came from. */
let openMenu: { row: Target; refreshes: number | undefined } | undefined;

/**
 * Opens a row's context menu and returns its entries' labels. The row is selected first and the
 * selection checked to be that row (a row inserted above it while the click was on its way shifts
 * the list under the pointer), then the menu opens from the keyboard on the selection. It opens
 * once VS Code has read the History tree's latest refresh, and again if a refresh came meanwhile:
 * a menu's command sent during a refresh reaches the extension without its row.
 */
export async function openRowMenu(row: Target): Promise<string[]> {
  const selected = typeof row !== 'string' && row.selector.endsWith(' .label-name') ? { ...row, selector: row.selector.replace(/ \.label-name$/, '.selected .label-name') } : undefined;
  const tree = await historyTree();
  for (let attempt = 1; ; attempt++) {
    try {
      const refreshes = await tree?.settled();
      await ui.click(row);
      if (selected) await ui.waitFor(selected, 2000);
      await ui.press('Shift+F10');
      await ui.waitFor(`${MENU} .action-label`, 3000);
      if (selected) await ui.waitFor(selected, 500);
      if (tree && tree.refreshes !== refreshes) throw new Error('the History tree refreshed while its menu opened');
      openMenu = { row, refreshes };
      return (await ui.texts(`${MENU} .action-label`)).map((s) => s.trim()).filter(Boolean);
    } catch (err) {
      if (attempt >= 5) throw err;
      await ui.press('Escape');
    }
  }
}

/**
 * Chooses an entry of the menu openRowMenu opened, from the keyboard: arrows to the entry, then
 * Enter (the menu opens again first if the History tree refreshed since). A click is no surer:
 * VS Code's menu items ignore the mouse for 100 ms after they render, and on a fast machine every
 * click landed inside that window (Chromium 156: the menu stayed open).
 */
export async function chooseMenuItem(item: string): Promise<void> {
  const tree = await historyTree();
  for (let attempt = 1; ; attempt++) {
    // Reopened when the History tree refreshed since (see openRowMenu), or when the menu lost the
    // keyboard (a panel opening late takes the focus and the menu closes: Enter would go there).
    const stale = tree && openMenu && openMenu.refreshes !== tree.refreshes;
    const holdsFocus = await ui.evaluate<boolean>(`!!document.activeElement?.closest('.context-view .monaco-menu')`);
    if (stale || !holdsFocus) {
      if (!openMenu || attempt > 3) throw new Error(`the menu for "${item}" is not open with the keyboard's focus`);
      await ui.press('Escape');
      await openRowMenu(openMenu.row);
      continue;
    }
    const labels = (await ui.texts(`${MENU} .action-item:not(.disabled) .action-label`)).map((s) => s.trim()).filter(Boolean);
    if (!labels.includes(item)) throw new Error(`the menu has no enabled "${item}": ${labels.join(', ')}`);
    for (let step = 0; step <= labels.length; step++) {
      const focused = (await ui.texts(`${MENU} .action-item.focused .action-label`)).map((s) => s.trim());
      if (focused[0] === item) {
        await ui.press('Enter');
        await ui.waitGone(MENU, 5000);
        openMenu = undefined;
        return;
      }
      await ui.press('ArrowDown');
    }
    throw new Error(`the keyboard did not reach "${item}" in the menu: ${labels.join(', ')}`);
  }
}

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

/** Resolves with the first tab matching `predicate`, waiting on tab changes. */
export function waitForTab(predicate: (tab: vscode.Tab) => boolean, what: string, timeoutMs = 20_000): Promise<vscode.Tab> {
  return new Promise((resolve, reject) => {
    const found = allTabs().find(predicate);
    if (found) return resolve(found);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = allTabs().find(predicate);
      if (!tab) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(tab);
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no tab for ${what}; tabs: ${allTabs().map((t) => t.label).join(', ')}`));
    }, timeoutMs);
  });
}

/** Resolves with the active text editor once `predicate` holds for it, waiting on editor changes. */
export function waitForEditor(predicate: (editor: vscode.TextEditor) => boolean, what: string, timeoutMs = 20_000): Promise<vscode.TextEditor> {
  return new Promise((resolve, reject) => {
    const current = vscode.window.activeTextEditor;
    if (current && predicate(current)) return resolve(current);
    const sub = vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (!editor || !predicate(editor)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(editor);
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no editor for ${what}; active: ${vscode.window.activeTextEditor?.document.uri.toString() ?? 'none'}`));
    }, timeoutMs);
  });
}
