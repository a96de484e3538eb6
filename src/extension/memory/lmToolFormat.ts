// What the language-model tools return, as bounded plain text. Pure: unit-tested in plain Node.
import { shownSymbols } from '../../core/memory/tokens';
import { displayGitPath } from '../../core/paths';
import type { MemoryEntry, SyncRecord } from '../../core/types';

export const SEARCH_DEFAULT_LIMIT = 10;
export const SEARCH_MAX_LIMIT = 25;
/** The whole search answer stays under this many characters. */
export const SEARCH_MAX_CHARS = 8_000;
export const FILE_MAX_CHARS = 20_000;
const SYMBOLS_PER_ENTRY = 12;
const SUMMARY_CHARS = 300;

export interface SearchInput {
  query: string;
  limit?: number;
}
export interface ReadInput {
  path: string;
  syncId?: string;
}

/** Validates a tool input that the model produced (it may be anything). */
export function parseSearchInput(input: unknown): SearchInput | string {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (typeof o.query !== 'string' || !o.query.trim()) return 'The input needs a non-empty "query" string.';
  const limit = typeof o.limit === 'number' && Number.isFinite(o.limit) ? Math.min(SEARCH_MAX_LIMIT, Math.max(1, Math.floor(o.limit))) : SEARCH_DEFAULT_LIMIT;
  return { query: o.query.trim().slice(0, 200), limit };
}

export function parseReadInput(input: unknown): ReadInput | string {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (typeof o.path !== 'string' || !o.path.trim()) return 'The input needs a non-empty "path" string (a repository path such as src/app.ts).';
  const path = o.path.trim().replace(/^\/+/, '');
  return typeof o.syncId === 'string' && o.syncId ? { path, syncId: o.syncId } : { path };
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function syncLine(active: SyncRecord): string {
  const line = `Active sync ${active.id}: ${active.repository.owner}/${active.repository.name} branch ${active.branch} at commit ${active.commitSha ?? 'unknown'}${active.completedAt ? ` (synced ${active.completedAt})` : ''}.`;
  // A large sync's snapshot lands before its memory: say so, or an empty answer reads as "no such file".
  return active.memoryIncomplete ? `${line} Its memory is incomplete (still being indexed, or completed by the next sync of ${active.branch}): files it changed may be missing below.` : line;
}

/** Matching files with language, symbols and summary, under SEARCH_MAX_CHARS. */
export function formatSearchResult(query: string, entries: readonly MemoryEntry[], active: SyncRecord | undefined, maxChars = SEARCH_MAX_CHARS): string {
  if (!active) return 'Project Sync has no active sync for this workspace yet, so there is no memory to search. Ask the user to run "Project Sync: Sync Branch…".';
  const head = `${syncLine(active)}\n${entries.length === 0 ? `No file matches "${query}".` : `Files matching "${query}", best first:`}\n`;
  let out = head;
  let shown = 0;
  for (const e of entries) {
    const symbols = e.symbols.length ? `\n  symbols: ${shownSymbols(e.symbols, query, SYMBOLS_PER_ENTRY).join(', ')}${e.symbols.length > SYMBOLS_PER_ENTRY ? ', …' : ''}` : '';
    const summary = e.summary ? `\n  summary: ${clip(e.summary.replace(/\s+/g, ' '), SUMMARY_CHARS)}` : '';
    const block = `- ${displayGitPath(e.path)} (${e.language}, ${e.lines} lines, blob ${e.blobSha.slice(0, 12)})${symbols}${summary}\n`;
    const tail = `(${entries.length - shown} more not shown; narrow the query.)\n`;
    if (out.length + block.length + tail.length > maxChars) {
      out += tail;
      return out;
    }
    out += block;
    shown++;
  }
  return out;
}

/** A file's text at a sync, cut at FILE_MAX_CHARS with a note. */
export function formatFileResult(path: string, record: SyncRecord, text: string | undefined, maxChars = FILE_MAX_CHARS): string {
  const where = `${displayGitPath(path)} at ${record.branch} commit ${record.commitSha ?? 'unknown'} (sync ${record.id})`;
  if (text === undefined) return `${where}: the content is not stored locally (binary, too large, or never fetched); it was not fetched from the network.`;
  if (text.length <= maxChars) return `${where}:\n${text}`;
  return `${where} (first ${maxChars} of ${text.length} characters):\n${text.slice(0, maxChars)}\n[truncated]`;
}

/** Bytes that look binary (a NUL in the first 8 KB) are not returned as text. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}
