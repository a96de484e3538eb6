// `Project Sync: Search Memory…`: a QuickPick over the active memory, re-ranked as you type.
// Picking an entry opens that file as the sync that introduced it saw it.
import * as vscode from 'vscode';
import type { MemoryEntry } from '../core/types';
import { syncFileUri } from './contentProvider';
import type { EngineHost } from './engineHost';

interface MemoryItem extends vscode.QuickPickItem {
  entry: MemoryEntry;
}

const LIMIT = 50;

export async function searchMemory(engines: EngineHost, initial = ''): Promise<void> {
  const engine = await engines.get();
  const picker = vscode.window.createQuickPick<MemoryItem>();
  picker.title = vscode.l10n.t('Search Memory');
  picker.placeholder = vscode.l10n.t('Search files, symbols and summaries of the active sync');
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.value = initial;
  const render = () => {
    const entries = engine.store.memory({ query: picker.value.trim() || undefined, limit: LIMIT });
    picker.items = entries.map((entry) => ({
      label: entry.path,
      description: `${entry.language} · ${entry.lines} lines`,
      detail: [entry.summary, entry.symbols.slice(0, 8).join(', ')].filter(Boolean).join(' — '),
      entry,
      alwaysShow: true,
    }));
  };
  render();
  const chosen = await new Promise<MemoryEntry | undefined>((resolve) => {
    let entry: MemoryEntry | undefined;
    const subs = [
      picker.onDidChangeValue(render),
      picker.onDidAccept(() => {
        entry = picker.selectedItems[0]?.entry;
        picker.hide();
      }),
      picker.onDidHide(() => {
        for (const s of subs) s.dispose();
        picker.dispose();
        resolve(entry);
      }),
    ];
    picker.show();
  });
  if (!chosen) return;
  const doc = await vscode.workspace.openTextDocument(syncFileUri(chosen.introducedBySyncId, chosen.path));
  await vscode.window.showTextDocument(doc, { preview: true });
}
