// The headless `project-sync` command: the same pipeline and store as the extension.
import { SyncError, toSyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { SyncEvent } from '../core/syncEvents';
import type { SyncRecord } from '../core/types';
import { createEngine, type Engine, type EngineOptions } from '../engine';
import { parseCli, USAGE, UsageError, VERSION, type CliArgs } from './args';
import { envKnobs } from './envKnobs';
import { extractorId } from '../core/memory/extractor';
import { branchLine, cliHint, cliMessage, errorText, escapeControls, fileLine, historyLine, memoryLines, noMemoryMatch, ProgressRenderer, summary } from './render';

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/**
 * Run one command; resolves with its exit code. `engine` overrides engine options: the port through
 * which tests inject faults (a storage failpoint) without any test knob in shipped code.
 */
export async function main(argv: string[], io: Io, engine: Partial<EngineOptions> = {}): Promise<number> {
  let args: CliArgs | 'help' | 'version';
  try {
    args = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`${errorText(e.message, undefined)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args === 'version') {
    io.stdout.write(VERSION + '\n');
    return 0;
  }
  const controller = new AbortController();
  // A reader that goes away (`| head -1`) closes the pipe: stop quietly, cancelling any sync.
  const onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') controller.abort();
  };
  io.stdout.on?.('error', onStdoutError);
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await run(args, io, controller.signal, engine);
  } catch (e) {
    reportError(toSyncError(e), args, io);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** Resolves once everything written to `stream` so far has been handed to the OS (or the stream failed). */
export function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { destroyed?: boolean }).destroyed) return resolve();
    stream.write('', () => resolve());
  });
}

function stderrLogger(io: Io): Logger {
  const level = io.env.PROJECT_SYNC_LOG ?? '';
  const order = ['trace', 'debug', 'info', 'warn', 'error'];
  const min = order.indexOf(level);
  const at = (l: string) => (m: string) => {
    if (min >= 0 && order.indexOf(l) >= min) io.stderr.write(`${l}: ${escapeControls(m)}\n`);
  };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function run(args: CliArgs, io: Io, signal: AbortSignal, overrides: Partial<EngineOptions>): Promise<number> {
  const logger = stderrLogger(io);
  const token = io.env.GITHUB_TOKEN || undefined;
  const engine = await createEngine({
    // `branches` reaches the remote only: no storage is opened or created. Only `sync` creates a
    // store; the read commands refuse a folder that holds none (a typo must not create one).
    ...(args.command === 'branches' ? {} : { storageDir: args.storage as string, createStorage: args.command === 'sync' }),
    logger,
    getToken: () => token,
    maxWaitSeconds: args.maxWait,
    maxFileSize: args.maxFileSize,
    ...envKnobs(io.env),
    ...overrides,
  });
  try {
    switch (args.command) {
      case 'branches':
        return await branches(engine, args, io, signal);
      case 'sync':
        return await stream(engine.sync({ workdir: args.repo as string, branch: args.branch, remoteName: args.remote }, signal), engine.store, args, io);
      case 'restore':
        return await stream(engine.restore(args.syncId as string, signal), engine.store, args, io);
      case 'history':
        return history(engine, args, io);
      case 'files':
        return await files(engine, args, io);
      case 'memory':
        return await memory(engine, args, io);
    }
  } finally {
    await engine.close();
  }
  return 2;
}

async function stream(gen: AsyncGenerator<SyncEvent, SyncRecord>, store: Engine['store'], args: CliArgs, io: Io): Promise<number> {
  const progress = new ProgressRenderer(io.stderr);
  let syncId: string | undefined;
  try {
    for (;;) {
      const step = await gen.next();
      if (step.done) {
        progress.finish();
        if (args.json) io.stdout.write(JSON.stringify({ type: 'result', sync: step.value }) + '\n');
        else io.stdout.write(summary(step.value, step.value.baseSyncId ? store.get(step.value.baseSyncId) : undefined) + '\n');
        return 0;
      }
      const e = step.value;
      if (e.type === 'started') syncId = e.sync.id;
      if (!args.json) progress.event(e);
      else if (e.type === 'progress') io.stdout.write(JSON.stringify({ type: 'progress', phase: e.phase, done: e.done, total: e.total, stats: e.stats, syncId: e.syncId }) + '\n');
      else if (e.type === 'waiting') io.stdout.write(JSON.stringify({ type: 'waiting', reason: e.reason, seconds: e.seconds, resetAt: e.resetAt ?? null, syncId: e.syncId }) + '\n');
      else if (e.type === 'warning') io.stdout.write(JSON.stringify({ type: 'warning', message: e.message, syncId: e.syncId }) + '\n');
      else if (e.type === 'saved') io.stdout.write(JSON.stringify({ type: 'saved', syncId: e.sync.id, sync: e.sync }) + '\n');
    }
  } catch (e) {
    progress.finish();
    reportError(toSyncError(e), args, io, syncId);
    return 1;
  }
}

function reportError(err: SyncError, args: CliArgs, io: Io, syncId?: string): void {
  const message = cliMessage(err, args.syncId);
  const hint = cliHint(err);
  if (args.json) {
    const line: Record<string, unknown> = { type: 'error', code: err.code, message };
    if (hint) line.hint = hint;
    if (err.details.url) line.url = err.details.url;
    if (err.details.resetAt) line.resetAt = err.details.resetAt;
    if (err.details.path) line.path = err.details.path;
    if (syncId) line.syncId = syncId;
    io.stdout.write(JSON.stringify(line) + '\n');
    return;
  }
  io.stderr.write(errorText(message, hint) + '\n');
  if (err.code === 'INTERNAL' && io.env.PROJECT_SYNC_LOG) io.stderr.write(escapeControls(String((err.cause as Error | undefined)?.stack ?? ''), '\n') + '\n');
}

async function branches(engine: Engine, args: CliArgs, io: Io, signal: AbortSignal): Promise<number> {
  const list = await engine.branches(args.repo as string, args.remote, signal);
  const items = list.map((b) => ({ name: b.name, commitSha: b.commitSha, protected: b.protected, isDefault: b.isDefault }));
  if (args.json) io.stdout.write(JSON.stringify(items) + '\n');
  else for (const b of items) io.stdout.write(branchLine(b) + '\n');
  return 0;
}

function history(engine: Engine, args: CliArgs, io: Io): number {
  const records = engine.store.list();
  if (args.json) io.stdout.write(JSON.stringify(records) + '\n');
  else if (records.length === 0) io.stdout.write('No syncs yet.\n');
  else for (const r of records) io.stdout.write(historyLine(r, baseOf(engine, r)) + '\n');
  return 0;
}

const baseOf = (engine: Engine, r: SyncRecord): SyncRecord | undefined => (r.baseSyncId ? engine.store.get(r.baseSyncId) : undefined);

async function files(engine: Engine, args: CliArgs, io: Io): Promise<number> {
  const id = args.syncId ?? engine.store.activeSync()?.id;
  if (!id) throw new SyncError('SYNC_NOT_FOUND', 'There is no completed sync in this storage yet.', { hint: 'Run `project-sync sync` first.' });
  const list = await engine.store.readFiles(id);
  const items = list.map((f) => ({ path: f.path, blobSha: f.blobSha, mode: f.mode, size: f.size }));
  if (args.json) io.stdout.write(JSON.stringify(items) + '\n');
  else for (const f of items) io.stdout.write(fileLine(f) + '\n');
  return 0;
}

async function memory(engine: Engine, args: CliArgs, io: Io): Promise<number> {
  // The active sync's repository (a storage may hold several).
  const active = engine.store.activeSync();
  const repository = active?.repository;
  if (active?.memoryIncomplete) {
    io.stderr.write(`note: the memory of ${escapeControls(active.branch)} is incomplete (still being indexed, or completed by the next sync of ${escapeControls(active.branch)}): files it changed may be missing\n`);
  }
  // Facts an older extractor made are shown as they are until the next sync analyses the files again.
  const current = extractorId(envKnobs(io.env).memoryParsers === true);
  // The sync's own test (core/sync.ts: a base whose extractor is not this one's, or not recorded).
  if (active && active.memoryExtractor !== current) {
    const made = active.memoryExtractor ? `extractor ${escapeControls(active.memoryExtractor)}` : 'an extractor it did not record';
    io.stderr.write(`note: this memory was made by ${made}; the next sync of ${escapeControls(active.branch)} analyses its files again with ${current}\n`);
  }
  const entries = await engine.store.memory({
    query: args.query,
    includeSuperseded: args.includeSuperseded,
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    ...(repository ? { repository } : {}),
  });
  if (args.json) io.stdout.write(JSON.stringify(entries) + '\n');
  else if (entries.length === 0) io.stdout.write(noMemoryMatch(args.query) + '\n');
  else for (const m of entries) io.stdout.write(memoryLines(m, args.query).join('\n') + '\n');
  return 0;
}
