// Terminal output: a progress bar on a TTY, plain lines otherwise, JSON Lines for tools.
import { shownSymbols } from '../core/memory/tokens';
import type { SyncEvent } from '../core/syncEvents';
import { phaseTitles } from '../core/syncEvents';
import { describeBase, formatBytes, formatChanges, shortSha } from '../protocol/display';
import { SyncError, toSyncError } from '../core/errors';
import { splitEscapedBytes } from '../core/paths';
import type { BranchInfo, MemoryEntry, RepositoryFile, SyncRecord, SyncStats } from '../core/types';

/**
 * Characters a terminal may act on: C0 controls, DEL, C1 controls, and the bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069) that reorder what is shown.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Human (non-JSON) output only: every terminal control character becomes a visible escape
 * (`\x1b`, `\u202e`), so a hostile branch name, README heading or server message cannot move the
 * cursor, retitle the window or reorder the line. `keep` lists the characters left as they are
 * (a newline where it separates lines of one message).
 */
export function escapeControls(text: string, keep = ''): string {
  return text.replace(CONTROLS, (c) => {
    if (keep.includes(c)) return c;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export interface Out {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

export class ProgressRenderer {
  private lastPhase = '';
  private lastLine = '';

  constructor(
    private readonly err: Out,
    private readonly started = Date.now(),
  ) {}

  event(e: SyncEvent): void {
    if (e.type === 'started') return;
    if (e.type === 'warning') return this.line(`warning: ${escapeControls(e.message)}`);
    if (e.type === 'saved') return this.line(`snapshot saved (${e.sync.stats.files} files); indexing memory`);
    if (e.type === 'waiting') {
      const why = e.reason === 'retry' ? 'retrying' : 'GitHub rate limit';
      return this.line(`${why}: waiting ${e.seconds}s${e.resetAt ? ` (until ${escapeControls(e.resetAt)})` : ''}`);
    }
    const title = phaseTitles[e.phase];
    if (!this.err.isTTY) {
      if (e.phase !== this.lastPhase && e.phase !== 'done') this.err.write(`${title}…\n`);
      this.lastPhase = e.phase;
      return;
    }
    const width = 24;
    const ratio = e.total ? Math.min(1, e.done / e.total) : null;
    const bar = ratio === null ? '·'.repeat(width) : '█'.repeat(Math.round(ratio * width)).padEnd(width, '░');
    const count = e.total ? `${e.done}/${e.total}` : e.done ? `${e.done}` : '';
    const text = `${bar} ${title} ${count} · ${statsText(e.stats)} · ${elapsed(Date.now() - this.started)}`;
    const cols = this.err.columns ?? 100;
    this.lastLine = text.slice(0, cols - 1);
    this.err.write(`\r\x1b[2K${this.lastLine}`);
  }

  /** A line that must not be overwritten by the bar. */
  line(text: string): void {
    if (this.err.isTTY && this.lastLine) this.err.write('\r\x1b[2K');
    this.err.write(text + '\n');
    if (this.err.isTTY && this.lastLine) this.err.write(this.lastLine);
  }

  finish(): void {
    if (this.err.isTTY && this.lastLine) this.err.write('\r\x1b[2K');
    this.lastLine = '';
  }
}

export function statsText(s: SyncStats): string {
  return `${s.files} files · +${s.added} ~${s.modified} −${s.removed} · ${s.requests} req · ${formatBytes(s.bytes)}`;
}


function elapsed(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The finished sync in one line, with what its changes were compared with (`base`, its base record). */
export function summary(r: SyncRecord, base: SyncRecord | undefined, now = new Date()): string {
  const what = r.kind === 'restore' ? `Restored ${r.restoredFromSyncId}` : `Synced ${r.branch}`;
  return escapeControls(`${what} @ ${shortSha(r.commitSha) || '?'}: ${statsText(r.stats)}, ${describeBase(base, r.branch, now)} (sync ${r.id})`);
}

/** One history row; a completed link also says what it was compared with. */
export function historyLine(r: SyncRecord, base: SyncRecord | undefined, now = new Date()): string {
  const sha = shortSha(r.commitSha) || '-------';
  const change = r.status === 'completed' ? `${formatChanges(r.stats)} (${describeBase(base, r.branch, now)})` : (r.error?.code ?? '');
  return escapeControls([r.id, r.status.padEnd(11), r.kind.padEnd(7), `${r.branch}@${sha}`, change, r.startedAt].join('  '));
}

/**
 * A path as the human listings print it: JSON string escapes, then the controls JSON leaves raw (C1,
 * bidi), and each byte of a name that is not UTF-8 as `\xe8` (a literal backslash prints as `\\`, so
 * the two never read alike). JSON output keeps the lossless form.
 */
function pathText(p: string): string {
  const parts = splitEscapedBytes(p).map((part) => (typeof part === 'number' ? `\\x${part.toString(16)}` : JSON.stringify(part).slice(1, -1)));
  return escapeControls(parts.join(''));
}

/** One line of `branches`: default marker, short sha, name, protection. */
export function branchLine(b: Pick<BranchInfo, 'name' | 'commitSha' | 'protected' | 'isDefault'>): string {
  return escapeControls(`${b.isDefault ? '*' : ' '} ${shortSha(b.commitSha)}  ${b.name}${b.protected ? '  (protected)' : ''}`);
}

/** One line of `files`: mode, blob sha, size, path. */
export function fileLine(f: Pick<RepositoryFile, 'path' | 'blobSha' | 'mode' | 'size'>): string {
  return `${f.mode} ${escapeControls(f.blobSha)} ${String(f.size ?? '-').padStart(8)}\t${pathText(f.path)}`;
}

/** The lines of one `memory` entry: path, language and size; its symbols; its summary. */
export function memoryLines(m: Pick<MemoryEntry, 'path' | 'language' | 'lines' | 'symbols' | 'summary' | 'supersededBySyncId'>, query?: string): string[] {
  const gone = m.supersededBySyncId ? ` (superseded by ${m.supersededBySyncId})` : '';
  const out = [`${pathText(m.path)}  ${escapeControls(`${m.language} · ${m.lines} ${m.lines === 1 ? 'line' : 'lines'}${gone}`)}`];
  // The symbols a query word names come first: the one that made the file match is never cut off.
  if (m.symbols.length) out.push(`    ${escapeControls(`${shownSymbols(m.symbols, query, 12).join(', ')}${m.symbols.length > 12 ? ', …' : ''}`)}`);
  if (m.summary) out.push(`    ${escapeControls(m.summary)}`);
  return out;
}

/** What `memory --query` prints when nothing matched (human output; JSON prints `[]`). */
export function noMemoryMatch(query: string | undefined): string {
  return query === undefined ? 'No files in the memory yet.' : `No file matched "${escapeControls(query)}".`;
}

/** Hints that name the CLI's own commands and flags; they replace the extension-flavoured ones. */
const cliHints: Partial<Record<SyncError['code'], string>> = {
  AUTH_REQUIRED: 'Set GITHUB_TOKEN to a token that can read this repository.',
  RATE_LIMITED: 'Wait until the reset time, set GITHUB_TOKEN for a higher limit, or raise --max-wait.',
  LOCKED: 'Wait for the other sync to finish, then run the command again.',
  CANCELLED: 'Nothing was changed; run the command again to sync.',
  NO_REMOTE: 'Add a GitHub remote (git remote add origin URL) or name one with --remote.',
  UNSUPPORTED_REMOTE: 'Project Sync works with GitHub and GitHub Enterprise remotes; name another one with --remote.',
  NO_GIT_REPO: 'Point --repo at a clone of a GitHub repository.',
  SYNC_NOT_FOUND: 'List the syncs with `project-sync history --storage DIR`.',
  BRANCH_NOT_FOUND: 'List the branches with `project-sync branches --repo DIR`.',
  EMPTY_REPOSITORY: 'Push a first commit to it, then run the command again.',
};

/** The hint the CLI shows (human and JSON): its own wording for the codes it knows, else the error's. */
export function cliHint(err: SyncError): string | undefined {
  if (err.code === 'AUTH_REQUIRED' && err.details.url) return `Authorise GITHUB_TOKEN for the organisation at ${err.details.url}, then run the command again.`;
  if (err.code === 'SYNC_NOT_FOUND' && err.details.hint && /project-sync sync/.test(err.details.hint)) return err.details.hint;
  // A git config that cannot be read, or a remote without a URL (the config's path named): mending
  // the config comes before adding a remote (`git remote add` would fail on either).
  if (err.code === 'NO_REMOTE' && err.details.path && err.details.hint) return err.details.hint;
  return cliHints[err.code] ?? err.details.hint ?? (err.code === 'NETWORK' ? 'Check your connection and run the command again.' : undefined);
}

/** An unknown sync id is worded one way whichever command met it. */
export function cliMessage(err: SyncError, syncId: string | undefined): string {
  if (err.code === 'SYNC_NOT_FOUND' && syncId && /^(There is no sync|No sync) with id /.test(err.message)) return `There is no sync with id ${syncId}.`;
  return err.message;
}

/** The human error text: `project-sync: message`, then the hint, controls escaped (newlines between lines kept). */
export function errorText(message: string, hint: string | undefined): string {
  return `project-sync: ${escapeControls(message, '\n')}${hint ? `\n${escapeControls(hint, '\n')}` : ''}`;
}

/**
 * An error nobody awaited (Node's fetch compiles its WebAssembly HTTP parser on first use and
 * rejects out of band when the address space is too small, e.g. under `ulimit -v`), as a SyncError.
 */
export function outOfBandError(e: unknown): SyncError {
  const message = e instanceof Error ? e.message : String(e);
  if (/WebAssembly|Out of memory/i.test(message)) {
    return new SyncError('NETWORK', `The HTTP client could not be loaded (${message}).`, {
      hint: 'Give the process more memory (ulimit -v), then run the command again.',
    });
  }
  return toSyncError(e);
}

/** The error line for a failure no promise chain owns: a JSON error line, or the human text. */
export function fatalText(e: unknown, json: boolean): string {
  const err = outOfBandError(e);
  const hint = cliHint(err);
  if (json) return JSON.stringify({ type: 'error', code: err.code, message: err.message, ...(hint ? { hint } : {}) });
  return errorText(err.message, hint);
}
