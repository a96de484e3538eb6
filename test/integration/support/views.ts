// Suite side helpers for the History and Sync Files views: rows of a sidebar pane, a context menu
// on one of several matching rows, and waits on editor tabs and editors (events, never timers).
import * as vscode from 'vscode';
import { ui, type Target } from './bridge';

export const paneRows = (view: string): string =>
  `.part.sidebar .pane:has(.pane-header:has-text(${JSON.stringify(view)})) .monaco-list-row`;

/**
 * The row whose label is exactly `label` (a row's description may name another sync: "compared
 * with main @ 1f4ddd3", so a substring match could pick the wrong row).
 */
export const rowLabelled = (view: string, label: string): Target => ({ selector: `${paneRows(view)} .label-name`, exactText: label });

const MENU = '.context-view .monaco-menu';

/**
 * Opens a row's context menu and returns its entries' labels. The row is selected first and the
 * selection checked to be that row (a row inserted above it while the click was on its way shifts
 * the list under the pointer), then the menu opens from the keyboard on the selection.
 */
export async function openRowMenu(row: Target): Promise<string[]> {
  const selected = typeof row !== 'string' && row.selector.endsWith(' .label-name') ? { ...row, selector: row.selector.replace(/ \.label-name$/, '.selected .label-name') } : undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      await ui.click(row);
      if (selected) await ui.waitFor(selected, 2000);
      await ui.press('Shift+F10');
      await ui.waitFor(`${MENU} .action-label`, 3000);
      if (selected) await ui.waitFor(selected, 500);
      return (await ui.texts(`${MENU} .action-label`)).map((s) => s.trim()).filter(Boolean);
    } catch (err) {
      if (attempt >= 5) throw err;
      await ui.press('Escape');
    }
  }
}

/**
 * Chooses an entry of the open context menu. Menu items ignore the mouse for 100 ms after they
 * render, so a click that lands earlier is repeated until the menu closes (each waits on the DOM).
 */
export async function chooseMenuItem(item: string): Promise<void> {
  const entry = { selector: `${MENU} .action-label`, exactText: item };
  for (let attempt = 1; ; attempt++) {
    await ui.click(entry);
    try {
      await ui.waitGone(MENU, 5000);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
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
