// Language-model tools (contributes.languageModelTools + vscode.lm.registerTool):
// projectSync_searchMemory and projectSync_readSyncedFile. They read the local history only
// (no network: missing content is reported, not fetched) and return bounded plain text.
import * as vscode from 'vscode';
import { toSyncError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import {
  decodeText,
  formatFileResult,
  formatSearchResult,
  parseReadInput,
  parseSearchInput,
  SEARCH_DEFAULT_LIMIT,
  type ReadInput,
  type SearchInput,
} from './lmToolFormat';
import type { MemoryAccess } from './memoryAccess';

export const LmToolNames = {
  searchMemory: 'projectSync_searchMemory',
  readSyncedFile: 'projectSync_readSyncedFile',
} as const;

const text = (value: string) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);

export function registerLmTools(memory: MemoryAccess, logger: Logger): vscode.Disposable[] {
  if (typeof vscode.lm?.registerTool !== 'function') {
    logger.info('[lm] this VS Code has no language-model tool API');
    return [];
  }
  const guard = async (name: string, run: () => Promise<string>): Promise<vscode.LanguageModelToolResult> => {
    try {
      return text(await run());
    } catch (e) {
      const error = toSyncError(e);
      logger.warn(`[lm] ${name} failed: ${error.code} ${error.message}`);
      return text(`Project Sync could not answer: ${error.message}`);
    }
  };
  const search: vscode.LanguageModelTool<SearchInput> = {
    invoke: (options) =>
      guard(LmToolNames.searchMemory, async () => {
        const input = parseSearchInput(options.input);
        if (typeof input === 'string') return input;
        const { active, entries } = await memory.search(input.query, input.limit ?? SEARCH_DEFAULT_LIMIT);
        return formatSearchResult(input.query, entries, active);
      }),
    prepareInvocation: (options) => ({ invocationMessage: vscode.l10n.t('Searching the project memory for "{0}"', String(options.input?.query ?? '')) }),
  };
  const read: vscode.LanguageModelTool<ReadInput> = {
    invoke: (options) =>
      guard(LmToolNames.readSyncedFile, async () => {
        const input = parseReadInput(options.input);
        if (typeof input === 'string') return input;
        const { record, bytes } = await memory.read(input.path, { ...(input.syncId ? { syncId: input.syncId } : {}), network: false });
        return formatFileResult(input.path, record, bytes ? decodeText(bytes) : undefined);
      }),
    prepareInvocation: (options) => ({ invocationMessage: vscode.l10n.t('Reading {0} as synced', String(options.input?.path ?? '')) }),
  };
  return [vscode.lm.registerTool(LmToolNames.searchMemory, search), vscode.lm.registerTool(LmToolNames.readSyncedFile, read)];
}
