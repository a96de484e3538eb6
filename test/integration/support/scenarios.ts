// Suite side helpers for the user scenarios (sync, restore, cancel, hostile names, rate limit,
// reload): the extension's exported API, waits on its history events, the Sync banner's DOM, and
// what git says the server's repository holds (to compute what the UI should show).
import * as vscode from 'vscode';
import manifest from '../../../package.json';
import type { ProjectSyncApiV1, ProjectSyncExtension } from '../../../src/extension/api';
import type { TestHooks } from '../../../src/extension/testHooks';
import type { SyncRecord } from '../../../src/core/types';
import { fixture, ui, webview } from './bridge';
import { chooseMenuItem, openRowMenu, waitForTab } from './views';
import { openViewContainer } from './workbench';

export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;

/** The extension's API, as another extension gets it (`getAPI(1)`). */
export async function projectSync(): Promise<ProjectSyncApiV1> {
  const ext = vscode.extensions.getExtension<ProjectSyncExtension>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return (await ext.activate()).getAPI(1);
}

/** The extension's test hooks (its exports carry them in ExtensionMode.Test only). */
export async function testHooks(): Promise<TestHooks> {
  const ext = vscode.extensions.getExtension<ProjectSyncExtension>(EXTENSION_ID);
  const hooks = (await ext?.activate())?.testHooks;
  if (!hooks) throw new Error(`${EXTENSION_ID} exports no test hooks (not running in ExtensionMode.Test)`);
  return hooks;
}

/** Resolves with the history once `predicate` holds, re-checking on every history change. */
export async function waitForHistory(
  predicate: (history: readonly SyncRecord[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<readonly SyncRecord[]> {
  const api = await projectSync();
  return new Promise((resolve, reject) => {
    let last: readonly SyncRecord[] = [];
    const check = (): void => {
      api.getHistory().then((h) => {
        last = h;
        if (!predicate(h)) return;
        done();
        resolve(h);
      }, fail);
    };
    const sub = api.onDidChangeHistory(check);
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}; history: ${describe(last)}`)), timeoutMs);
    function done(): void {
      clearTimeout(timer);
      sub.dispose();
    }
    function fail(err: unknown): void {
      done();
      reject(err instanceof Error ? err : new Error(String(err)));
    }
    check();
  });
}

function describe(history: readonly SyncRecord[]): string {
  return history.slice(0, 5).map((r) => `${r.kind} ${r.branch} ${r.status}`).join(', ');
}

/** A completed sync of `branch` at the server's current head is the active one (synced through the API). */
export async function ensureActiveAt(branch: string): Promise<SyncRecord> {
  const api = await projectSync();
  const head = await fixture('revParse', { rev: branch });
  const active = await api.getActiveSync();
  if (active && active.branch === branch && active.commitSha === head && active.kind === 'sync') return active;
  return api.sync(branch);
}

export interface ChangeCounts {
  files: number;
  added: number;
  modified: number;
  removed: number;
}

/** What a sync of `to` should report after `from` (null: nothing synced before), from `git ls-tree`. */
export async function expectedChanges(from: string | null, to: string): Promise<ChangeCounts> {
  const after = await fixture('lsTree', { rev: to });
  const before = new Map((from ? await fixture('lsTree', { rev: from }) : []).map((e) => [e.path, `${e.mode} ${e.sha}`]));
  let added = 0;
  let modified = 0;
  for (const e of after) {
    const was = before.get(e.path);
    if (was === undefined) added++;
    else if (was !== `${e.mode} ${e.sha}`) modified++;
    before.delete(e.path);
  }
  return { files: after.length, added, modified, removed: before.size };
}

/** `+a ~m −r` as the tree and the banner write it (U+2212 minus). */
export function changeText(c: Pick<ChangeCounts, 'added' | 'modified' | 'removed'>): string {
  return `+${c.added} ~${c.modified} \u2212${c.removed}`;
}

export const shortSha = (sha: string): string => sha.slice(0, 7);

/** The Sync view, shown, with its webview loaded. */
export async function showSyncView(): Promise<ReturnType<typeof webview>> {
  await openViewContainer('Project Sync');
  const view = webview();
  await view.waitFor('#app[aria-busy="false"]');
  return view;
}

export type BannerMode = 'idle' | 'running' | 'waiting' | 'problem' | 'completed' | 'failed' | 'ended';

/** Waits for the banner to be in `mode` and returns its visible text. */
export async function waitForBanner(mode: BannerMode, filter: { hasText?: string } = {}, timeoutMs?: number): Promise<string> {
  return webview().waitFor(`section.banner[data-mode="${mode}"]`, filter, timeoutMs);
}

/**
 * Records every phase title the banner shows from now on (a MutationObserver in the webview,
 * reading the DOM the user sees); `recordedPhases()` returns them in order, without repeats.
 */
export async function recordBannerPhases(): Promise<void> {
  await webview().evaluate(`(() => {
    const seen = (window.__phases = []);
    const phase = document.querySelector('section.banner .phase');
    const note = () => { const t = phase.textContent; if (t && seen[seen.length - 1] !== t) seen.push(t); };
    new MutationObserver(note).observe(phase, { childList: true, characterData: true, subtree: true });
    return true;
  })()`);
}

export async function recordedPhases(): Promise<string[]> {
  return webview().evaluate<string[]>('window.__phases ?? []');
}

/** The banner's stat items (`4 files`, `+4 ~0 −0`, `2.1 KB`, `9 req`). */
export async function bannerStats(): Promise<string[]> {
  return webview().texts('section.banner .stats li');
}

/** Every tab of every editor group whose input is a text diff. */
export function diffTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff);
}

/** Resolves with the first diff tab whose label contains `text`, waiting on tab changes. */
export function waitForDiffTab(text: string, timeoutMs = 15_000): Promise<vscode.Tab> {
  return waitForTab((t) => t.input instanceof vscode.TabInputTextDiff && t.label.includes(text), `a diff tab labelled "${text}"`, timeoutMs);
}

export interface ModalQuestion {
  message: string;
  detail: string | undefined;
  buttons: string[];
}

/**
 * Answers the next modal warning the extension shows with `answer`. VS Code refuses every modal
 * dialog while extension tests run (its DialogService throws "refused to show dialog in tests"),
 * so no test can click the dialog's button; this answers in the dialog's place, at the API the
 * extension calls (the test shares the extension's `vscode` object), and records the question.
 */
export function answerNextModal(answer: string): Promise<ModalQuestion> {
  const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
  const original = window.showWarningMessage;
  return new Promise((resolve) => {
    window.showWarningMessage = (...args: unknown[]) => {
      const [message, options, ...rest] = args;
      const modal = typeof options === 'object' && options !== null && (options as vscode.MessageOptions).modal === true;
      if (!modal) return original.apply(vscode.window, args);
      window.showWarningMessage = original;
      const buttons = rest.map((b) => (typeof b === 'string' ? b : (b as vscode.MessageItem).title));
      resolve({ message: String(message), detail: (options as vscode.MessageOptions).detail, buttons });
      return Promise.resolve(rest.find((b) => (typeof b === 'string' ? b : (b as vscode.MessageItem).title) === answer));
    };
  });
}

/** Content Security Policy violations reported by any frame since console sequence `since`. */
export async function cspViolations(since = 0): Promise<string[]> {
  return (await ui.console(since)).filter((e) => /Content Security Policy/i.test(e.text)).map((e) => e.text);
}

/** The next console sequence number (to look only at what happens after this point). */
export async function consoleMark(): Promise<number> {
  const entries = await ui.console();
  return entries.length === 0 ? 0 : (entries[entries.length - 1]?.seq ?? 0) + 1;
}

const HISTORY_ROW = '.part.sidebar .pane:has(.pane-header:has-text("History")) .monaco-list-row';

/**
 * Opens a History row's context menu (the row labelled exactly so: another row's description may
 * name it, "compared with main @ …") and chooses an entry from the keyboard. A menu opened on a
 * row the tree has not refreshed yet lacks the entry (its contextValue is the old one): it is
 * closed and opened again on the refreshed row, instead of racing the tree.
 */
export async function historyContextMenu(rowText: string, item: string): Promise<void> {
  const row = { selector: `${HISTORY_ROW} .label-name`, exactText: rowText };
  for (let attempt = 1; ; attempt++) {
    const entries = await openRowMenu(row);
    if (entries.includes(item)) return chooseMenuItem(item);
    if (attempt >= 6) throw new Error(`the menu of "${rowText}" has no "${item}": ${entries.join(', ')}`);
    await ui.press('Escape');
  }
}
