// `Project Sync: Search Memory…`: a QuickPick over the active memory, re-ranked as you type.
// Picking an entry opens the workspace file when it is byte-identical to the synced version, else
// that version as a read-only `projectsync:` document.
import { shownSymbols } from '../../core/memory/tokens';
import * as vscode from 'vscode';
import { displayGitPath, hasEscapedByte } from '../../core/paths';
import type { MemoryEntry } from '../../core/types';
import { gitBlobSha } from './blobSha';
import { syncFileUri } from '../history/contentProvider';
import type { EngineHost } from '../engineHost';
import type { WorkspaceRepositories } from '../workspace/workspaceRepos';

interface MemoryItem extends vscode.QuickPickItem {
  entry: MemoryEntry;
}

const LIMIT = 50;

export async function searchMemory(engines: EngineHost, initial = '', repos?: WorkspaceRepositories): Promise<void> {
  const engine = await engines.get();
  const folder = (await repos?.resolve())?.find((f) => f.remote);
  const repository = folder?.remote;
  const picker = vscode.window.createQuickPick<MemoryItem>();
  picker.title = vscode.l10n.t('Search Memory');
  const active = repository ? engine.store.activeSync(repository) : undefined;
  picker.placeholder = active?.memoryIncomplete
    ? vscode.l10n.t('Memory of {0} is still incomplete (being indexed, or completed by the next sync): files it changed may be missing', active.branch)
    : vscode.l10n.t('Search files, symbols and summaries of the active sync');
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.value = initial;
  // The first query reads the memory from disk: answers arrive asynchronously, and only the latest
  // query's answer is shown.
  let generation = 0;
  const render = async () => {
    const query = picker.value.trim();
    const mine = ++generation;
    picker.busy = true;
    // The engine of the moment, not the one the picker opened with: a setting changed meanwhile reopens it.
    const entries = await engines.use((open) => open.store.memory({ ...(query ? { query } : {}), limit: LIMIT, ...(repository ? { repository } : {}) })).finally(() => {
      if (mine === generation) picker.busy = false;
    });
    if (mine !== generation) return;
    picker.items = entries.map((entry) => ({
      label: displayGitPath(entry.path),
      description: `${entry.language} · ${entry.lines} lines`,
      detail: [entry.summary, shownSymbols(entry.symbols, query || undefined, 8).join(', ')].filter(Boolean).join(' — '),
      entry,
      alwaysShow: true,
    }));
  };
  // A failure (a damaged memory file found on first read) closes the picker and is reported by the
  // command's error handling, once.
  let failure: unknown;
  const update = () => {
    render().catch((e: unknown) => {
      failure ??= e;
      picker.hide();
    });
  };
  update();
  const chosen = await new Promise<MemoryEntry | undefined>((resolve) => {
    let entry: MemoryEntry | undefined;
    const subs = [
      picker.onDidChangeValue(update),
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
  if (failure !== undefined) throw failure;
  if (!chosen) return;
  const local = folder ? await unchangedWorkspaceFile(folder.folder.uri, chosen) : undefined;
  const doc = await vscode.workspace.openTextDocument(local ?? syncFileUri(chosen.introducedBySyncId, chosen.path));
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** The workspace file of an entry when its bytes are exactly the synced blob (git's blob sha matches). */
async function unchangedWorkspaceFile(root: vscode.Uri, entry: MemoryEntry): Promise<vscode.Uri | undefined> {
  // A file URI cannot name bytes that are not UTF-8: show the synced version.
  if (hasEscapedByte(entry.path)) return undefined;
  const uri = vscode.Uri.joinPath(root, ...entry.path.split('/'));
  try {
    return gitBlobSha(await vscode.workspace.fs.readFile(uri)) === entry.blobSha ? uri : undefined;
  } catch (e) {
    if (e instanceof vscode.FileSystemError) return undefined; // not in the work tree: show the synced version
    throw e;
  }
}
