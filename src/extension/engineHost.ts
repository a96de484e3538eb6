// Opens the engine on first use, never at activation: activate() only constructs and registers.
// Settings that shape the engine (file size cap, rate-limit wait, git.path, proxy) reopen it when
// idle: at once, or when the running sync ends (the controller calls idle()).
// The engine module itself is imported here, on first use, and nowhere else in src/extension: the
// build makes it a bundle of its own (dist/engine.js) so activation does not compile it.
import * as vscode from 'vscode';
import { scoped, type Logger } from '../core/logger';
import type { Engine, EngineOptions } from '../engine/types';
import type { MemoryStepHooks } from './testHooks';
import { proxyFromSettings } from '../github/proxy';
import type { GitHubAuth } from './auth/auth';

/** Settings that shape the engine: a change reopens it when idle. */
const REOPEN_ON = ['projectSync.maxFileSize', 'projectSync.maxRateLimitWait', 'projectSync.memory.parsers', 'git.path', 'http.proxy', 'http.noProxy'];

export class EngineHost implements vscode.Disposable {
  private pending: Promise<Engine> | undefined;
  private engine: Engine | undefined;
  /** A setting that shapes the engine changed since it opened (see reopenWhenIdle). */
  private stale = false;
  private readonly _onDidOpen = new vscode.EventEmitter<Engine>();
  /** A (new) engine is open: subscribe to its store here. */
  readonly onDidOpen = this._onDidOpen.event;
  private readonly log: Logger;
  private readonly disposables: vscode.Disposable[] = [this._onDidOpen];
  /** Engines closed by a reopen: an operation that failed on one is tried once on the engine open now (see use()). */
  private readonly retired = new WeakSet<Engine>();
  /** Closed for good (the window goes): nothing is tried again. */
  private closed = false;
  /** Engines opened so far (ExtensionMode.Test: a test waits for a reopen). */
  opens = 0;

  constructor(
    private readonly storageDir: string,
    private readonly logger: Logger,
    private readonly auth: GitHubAuth,
    /** True while a sync runs: the engine is not swapped under it. */
    private readonly isBusy: () => boolean,
    /** ExtensionMode.Test only: engine options the integration tests change between syncs. */
    private readonly testOptions?: ReturnType<MemoryStepHooks['engineOptions']>,
  ) {
    this.log = scoped(logger, 'extension');
    vscode.workspace.onDidChangeConfiguration(
      (e) => {
        if (REOPEN_ON.some((s) => e.affectsConfiguration(s))) this.reopenWhenIdle();
      },
      this,
      this.disposables,
    );
  }

  /** The open engine, if any (for synchronous readers such as the tree). */
  get current(): Engine | undefined {
    return this.engine;
  }

  get(): Promise<Engine> {
    // Settings changed while a sync ran and nothing told idle(): this operation gets an engine that reads them.
    this.idle();
    this.pending ??= this.opened(this.open());
    return this.pending;
  }

  /**
   * `fn` with the open engine. A setting that changes meanwhile reopens the engine and closes the one
   * `fn` holds (its store's reads and a search index still building then fail): `fn` runs once more,
   * on the engine open now, so a query typed in Search Memory, an API or language-model tool call, or
   * a file opened in a diff does not fail because a setting was changed.
   */
  async use<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    let engine = await this.get();
    // Retired between its opening and now (a setting changed in the same moment): the next one.
    if (this.retired.has(engine) && !this.closed) engine = await this.get();
    try {
      return await fn(engine);
    } catch (e) {
      if (this.closed || !this.retired.has(engine)) throw e;
      this.log.info(`the engine was reopened during an operation (a setting changed), which failed (${e instanceof Error ? e.message : String(e)}): trying it again`);
      return fn(await this.get());
    }
  }

  private opened(opening: Promise<Engine>): Promise<Engine> {
    return opening.then(
      (engine) => {
        this.opens++;
        this.engine = engine;
        this._onDidOpen.fire(engine);
        return engine;
      },
      (e: unknown) => {
        this.pending = undefined;
        throw e;
      },
    );
  }

  private async open(): Promise<Engine> {
    const { createEngine } = await import('../engine');
    this.stale = false; // the settings are read now
    const config = vscode.workspace.getConfiguration('projectSync');
    const gitPath = vscode.workspace.getConfiguration('git').get<unknown>('path');
    const http = vscode.workspace.getConfiguration('http');
    this.log.info(`opening the history in ${this.storageDir}`);
    const options: EngineOptions = {
      storageDir: this.storageDir,
      logger: this.logger,
      getToken: (host) => this.auth.getToken(host),
      maxFileSize: config.get<number>('maxFileSize'),
      maxWaitSeconds: config.get<number>('maxRateLimitWait'),
      memoryParsers: config.get<boolean>('memory.parsers') === true,
      // The extension host's main thread never parses: every analysis in worker threads, kept between syncs.
      memoryThreads: 'always',
      gitPath: typeof gitPath === 'string' && gitPath ? gitPath : undefined,
      // Only an explicit http.proxy is passed: without one, VS Code's own fetch patching applies (no double proxy).
      ...proxyFromSettings(http.get<unknown>('proxy'), http.get<unknown>('noProxy')),
    };
    const test = this.testOptions;
    if (test) {
      // Read at every sync (the engine keeps its options object), not copied once here.
      Object.defineProperty(options, 'largeChangeFiles', { get: () => test.largeChangeFiles, enumerable: true });
      options.afterSnapshotSaved = () => test.afterSnapshotSaved();
    }
    return createEngine(options);
  }

  /** A sync or restore ended (called by the controller): settings changed meanwhile apply now. */
  idle(): void {
    if (this.stale && this.engine && !this.isBusy()) this.reopen();
  }

  private reopenWhenIdle(): void {
    this.stale = true;
    if (this.engine && !this.isBusy()) this.reopen();
  }

  /** The open engine closed, then one opened with the settings as they are now. */
  private reopen(): void {
    const old = this.engine;
    if (!old) return;
    this.engine = undefined;
    this.stale = false;
    this.retired.add(old);
    const closed = old.close().catch((e: unknown) => this.log.error(`closing the engine failed: ${String(e)}`));
    this.pending = this.opened(closed.then(() => this.open()));
    this.pending.catch((e: unknown) => this.log.error(`reopening the engine failed: ${String(e)}`));
  }

  async close(): Promise<void> {
    this.closed = true;
    const engine = this.engine ?? (await this.pending?.catch(() => undefined));
    this.engine = undefined;
    this.pending = undefined;
    await engine?.close();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.close().catch((e: unknown) => this.log.error(`closing the engine failed: ${String(e)}`));
  }
}
