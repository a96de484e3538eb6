// The headless `project-sync` command: the same pipeline and store as the extension.
import { SyncError, toSyncError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { SyncEvent } from '../core/syncEvents';
import type { SyncRecord } from '../core/types';
import { createEngine, type Engine } from '../engine';
import { createGitHubConnector } from '../github/connector';
import { resolveRemote } from '../github/localRepo';
import { assertStorageExists } from '../storage';
import { parseCli, USAGE, UsageError, type CliArgs } from './args';
import { envKnobs, withProxy } from './envKnobs';
import { historyLine, ProgressRenderer, summary } from './render';

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export async function main(argv: string[], io: Io): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`project-sync: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await run(args, io, controller.signal);
  } catch (e) {
    reportError(toSyncError(e), args, io);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

function stderrLogger(io: Io): Logger {
  const level = io.env.PROJECT_SYNC_LOG ?? '';
  const order = ['trace', 'debug', 'info', 'warn', 'error'];
  const min = order.indexOf(level);
  const at = (l: string) => (m: string) => {
    if (min >= 0 && order.indexOf(l) >= min) io.stderr.write(`${l}: ${m}\n`);
  };
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function run(args: CliArgs, io: Io, signal: AbortSignal): Promise<number> {
  const logger = stderrLogger(io);
  const token = io.env.GITHUB_TOKEN || undefined;
  if (args.command === 'branches') return branches(args, io, logger, token, signal);
  if (args.command !== 'sync') await assertStorageExists(args.storage as string);
  const engine = await createEngine({
    storageDir: args.storage as string,
    logger,
    getToken: () => token,
    maxWaitSeconds: args.maxWait,
    maxFileSize: args.maxFileSize,
    ...envKnobs(io.env),
  });
  try {
    switch (args.command) {
      case 'sync':
        return await stream(engine.sync({ workdir: args.repo as string, branch: args.branch, remoteName: args.remote }, signal), args, io);
      case 'restore':
        return await stream(engine.restore(args.syncId as string, signal), args, io);
      case 'history':
        return history(engine, args, io);
      case 'files':
        return await files(engine, args, io);
      case 'memory':
        return memory(engine, args, io);
    }
  } finally {
    await engine.close();
  }
  return 2;
}

async function stream(gen: AsyncGenerator<SyncEvent, SyncRecord>, args: CliArgs, io: Io): Promise<number> {
  const progress = new ProgressRenderer(io.stderr);
  let syncId: string | undefined;
  try {
    for (;;) {
      const step = await gen.next();
      if (step.done) {
        progress.finish();
        if (args.json) io.stdout.write(JSON.stringify({ type: 'result', sync: step.value }) + '\n');
        else io.stdout.write(summary(step.value) + '\n');
        return 0;
      }
      const e = step.value;
      if (e.type === 'started') syncId = e.sync.id;
      if (!args.json) progress.event(e);
      else if (e.type === 'progress') io.stdout.write(JSON.stringify({ type: 'progress', phase: e.phase, done: e.done, total: e.total, stats: e.stats, syncId: e.syncId }) + '\n');
      else if (e.type === 'waiting') io.stdout.write(JSON.stringify({ type: 'waiting', reason: e.reason, seconds: e.seconds, resetAt: e.resetAt ?? null, syncId: e.syncId }) + '\n');
      else if (e.type === 'warning') io.stdout.write(JSON.stringify({ type: 'warning', message: e.message, syncId: e.syncId }) + '\n');
    }
  } catch (e) {
    progress.finish();
    reportError(toSyncError(e), args, io, syncId);
    return 1;
  }
}

function reportError(err: SyncError, args: CliArgs | 'help', io: Io, syncId?: string): void {
  const json = args !== 'help' && args.json;
  if (json) {
    const line: Record<string, unknown> = { type: 'error', code: err.code, message: err.message };
    if (err.details.hint) line.hint = err.details.hint;
    if (err.details.url) line.url = err.details.url;
    if (err.details.resetAt) line.resetAt = err.details.resetAt;
    if (err.details.path) line.path = err.details.path;
    if (syncId) line.syncId = syncId;
    io.stdout.write(JSON.stringify(line) + '\n');
    return;
  }
  const hint = err.details.hint ?? defaultHint[err.code];
  io.stderr.write(`project-sync: ${err.message}${hint ? `\n${hint}` : ''}\n`);
  if (err.code === 'INTERNAL' && io.env.PROJECT_SYNC_LOG) io.stderr.write(String((err.cause as Error | undefined)?.stack ?? '') + '\n');
}

const defaultHint: Partial<Record<SyncError['code'], string>> = {
  AUTH_REQUIRED: 'Set GITHUB_TOKEN to a token that can read this repository.',
  RATE_LIMITED: 'Wait until the reset time, set GITHUB_TOKEN for a higher limit, or raise --max-wait.',
  NETWORK: 'Check your connection and run the command again.',
  LOCKED: 'Wait for the other sync to finish, then run the command again.',
  CANCELLED: 'Nothing was changed; run the command again to sync.',
  NO_REMOTE: 'Add a GitHub remote (git remote add origin URL) or name one with --remote.',
  UNSUPPORTED_REMOTE: 'Project Sync works with GitHub and GitHub Enterprise remotes.',
  NO_GIT_REPO: 'Point --repo at a git work tree.',
  SYNC_NOT_FOUND: 'List the syncs with `project-sync history --storage DIR`.',
  BRANCH_NOT_FOUND: 'List the branches with `project-sync branches --repo DIR`.',
};

async function branches(args: CliArgs, io: Io, logger: Logger, token: string | undefined, signal: AbortSignal): Promise<number> {
  const repository = await resolveRemote(args.repo as string, args.remote);
  const knobs = envKnobs(io.env);
  const connector = createGitHubConnector({
    repository,
    token,
    logger,
    maxWaitSeconds: args.maxWait,
    ...(knobs.requestTimeoutMs !== undefined ? { timeoutMs: knobs.requestTimeoutMs } : {}),
    ...(knobs.retryBaseMs !== undefined ? { retryBaseMs: knobs.retryBaseMs } : {}),
    ...withProxy(repository.apiBaseUrl, knobs),
  });
  const list = await connector.fetchBranches(signal);
  const items = list.map((b) => ({ name: b.name, commitSha: b.commitSha, protected: b.protected, isDefault: b.isDefault }));
  if (args.json) io.stdout.write(JSON.stringify(items) + '\n');
  else for (const b of items) io.stdout.write(`${b.isDefault ? '*' : ' '} ${b.commitSha.slice(0, 7)}  ${b.name}${b.protected ? '  (protected)' : ''}\n`);
  return 0;
}

function history(engine: Engine, args: CliArgs, io: Io): number {
  const records = engine.store.list();
  if (args.json) io.stdout.write(JSON.stringify(records) + '\n');
  else if (records.length === 0) io.stdout.write('No syncs yet.\n');
  else for (const r of records) io.stdout.write(historyLine(r) + '\n');
  return 0;
}

/** The active sync: the chain head of the repository synced most recently. */
function activeSync(engine: Engine): SyncRecord | undefined {
  const latest = engine.store.list().find((r) => r.status === 'completed');
  return latest ? engine.store.chainHead(latest.repository) : undefined;
}

async function files(engine: Engine, args: CliArgs, io: Io): Promise<number> {
  const id = args.syncId ?? activeSync(engine)?.id;
  if (!id) throw new SyncError('SYNC_NOT_FOUND', 'There is no completed sync in this storage yet.', { hint: 'Run `project-sync sync` first.' });
  const list = await engine.store.readFiles(id);
  const items = list.map((f) => ({ path: f.path, blobSha: f.blobSha, mode: f.mode, size: f.size }));
  if (args.json) io.stdout.write(JSON.stringify(items) + '\n');
  else for (const f of items) io.stdout.write(`${f.mode} ${f.blobSha} ${String(f.size ?? '-').padStart(8)}\t${JSON.stringify(f.path).slice(1, -1)}\n`);
  return 0;
}

function memory(engine: Engine, args: CliArgs, io: Io): number {
  const entries = engine.store.memory({ query: args.query, includeSuperseded: args.includeSuperseded });
  if (args.json) io.stdout.write(JSON.stringify(entries) + '\n');
  else
    for (const m of entries) {
      const gone = m.supersededBySyncId ? ` (superseded by ${m.supersededBySyncId})` : '';
      io.stdout.write(`${JSON.stringify(m.path).slice(1, -1)}  ${m.language} · ${m.lines} lines${gone}\n`);
      if (m.symbols.length) io.stdout.write(`    ${m.symbols.slice(0, 12).join(', ')}${m.symbols.length > 12 ? ', …' : ''}\n`);
      if (m.summary) io.stdout.write(`    ${m.summary}\n`);
    }
  return 0;
}

if (require.main === module) {
  let settled = false;
  // Node exits 0 when nothing is left to wait for, even with main() unfinished: a promise that can
  // never settle must not pass for success.
  process.on('beforeExit', () => {
    if (settled) return;
    const message = 'Internal error: the command stopped without finishing (it waited on something that can never happen).';
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify({ type: 'error', code: 'INTERNAL', message }) + '\n');
    else process.stderr.write(`project-sync: ${message}\n`);
    process.exit(1);
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      settled = true;
      process.exit(code);
    },
    (e: unknown) => {
      settled = true;
      process.stderr.write(`project-sync: unexpected failure: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
