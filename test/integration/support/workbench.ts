// Workbench gestures composed from the bridge's low-level operations: what a user does with
// the mouse and keyboard. Selectors follow VS Code 1.100's DOM (see test/integration/README.md).
import { ui } from './bridge';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_ROW = `${QUICK_INPUT} .monaco-list-row`;

/**
 * F1, type the command's title once the palette's input has the focus, choose the row whose label is
 * exactly that title. A palette that does not list it within 5 s (keys typed while it opened went
 * elsewhere: a CI run under load saw it) is closed and opened again, as a user would, twice at most.
 */
export async function runCommand(title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await ui.blur();
    await ui.press('F1');
    await ui.waitFor(`${QUICK_INPUT} input:focus`);
    await ui.type(title);
    try {
      await ui.click({ selector: `${QUICK_ROW} .label-name`, exactText: title }, attempt < 3 ? { timeoutMs: 5000 } : {});
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await ui.press('Escape');
      await ui.waitGone(QUICK_INPUT);
    }
  }
}

/** The labels currently listed in the open QuickPick (waits for at least one). */
export async function quickPickLabels(): Promise<string[]> {
  await ui.waitFor(`${QUICK_ROW} .label-name`);
  return ui.texts(`${QUICK_ROW} .label-name`);
}

/** Chooses the QuickPick row labelled exactly `label` (waits for it to be listed). */
export async function pickQuickItem(label: string): Promise<void> {
  await ui.click({ selector: `${QUICK_ROW} .label-name`, exactText: label });
}

/** Opens a view container from the activity bar ('Project Sync', 'Explorer'); no-op when open. */
export async function openViewContainer(title: string): Promise<void> {
  const tab = `.part.activitybar [role="tab"]:has(> .action-label[aria-label^=${JSON.stringify(title)}])`;
  await ui.waitFor(tab);
  // Clicking the container that is already shown would hide the sidebar.
  if ((await ui.attribute(tab, 'aria-expanded')) !== 'true') await ui.click(tab);
}

const paneRows = (view: string): string =>
  `.part.sidebar .pane:has(.pane-header:has-text(${JSON.stringify(view)})) .monaco-list-row`;

/** The rows of a sidebar tree view, as displayed (label and description). */
export async function treeRows(view: string): Promise<string[]> {
  return ui.texts(paneRows(view));
}

/**
 * Expands the row of a sidebar tree view containing `text`, as a user does: a click. A click that
 * lands while the tree re-renders (the History view refreshes on every store change and on a
 * timer) is lost; the row is clicked again until it says it is expanded (`aria-expanded`), never
 * when it already is (a click would collapse it).
 */
export async function expandTreeRow(view: string, text: string): Promise<void> {
  const row = { selector: paneRows(view), hasText: text };
  const expanded = { selector: `${paneRows(view)}[aria-expanded="true"]`, hasText: text };
  await ui.waitFor(row);
  for (let attempt = 0; attempt < 4; attempt++) {
    if ((await ui.attribute(row, 'aria-expanded')) === 'true') return;
    await ui.click(row);
    const shown = await ui.waitFor(expanded, 3000).then(
      () => true,
      () => false,
    );
    if (shown) return;
  }
  throw new Error(`the ${view} row "${text}" did not expand after 4 clicks`);
}

/** Waits for a row of a sidebar tree view containing `text` and returns its text. */
export async function waitForTreeRow(view: string, text: string): Promise<string> {
  return ui.waitFor({ selector: paneRows(view), hasText: text });
}

/** The status bar entry whose text contains `text`. */
export async function waitForStatusBar(text: string): Promise<string> {
  return ui.waitFor({ selector: '.part.statusbar .statusbar-item', hasText: text });
}

/** Project Sync's status bar item. */
export const STATUS_ITEM = '.part.statusbar [id$="projectSync.status"]';

/** An action in a sidebar view's title bar, by its label (all show with workbench.view.alwaysShowHeaderActions). */
export const viewTitleAction = (view: string, label: string): string =>
  `.part.sidebar .pane:has(.pane-header:has-text(${JSON.stringify(view)})) .pane-header .actions .action-label[aria-label="${label}"]`;

/** The palette's rows for `text` (opened, read once `expectPresent` is listed, closed again). */
export async function paletteRows(text: string, expectPresent: string): Promise<string[]> {
  const label = `${QUICK_ROW} .label-name`;
  await ui.blur();
  await ui.press('F1');
  await ui.waitFor(QUICK_INPUT);
  await ui.type(text);
  await ui.waitFor({ selector: label, exactText: expectPresent });
  const rows = await ui.texts(label);
  await ui.press('Escape');
  await ui.waitGone(QUICK_INPUT);
  return rows;
}
