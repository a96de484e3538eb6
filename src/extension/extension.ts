// Activation constructs and registers, nothing more: no network, no scans. The engine opens on
// first use (a view shows, a command runs). Everything lands in context.subscriptions.
import * as vscode from 'vscode';
import { scoped } from '../core/logger';
import type { SyncRecord } from '../core/types';
import type { ProjectSyncApiV1, ProjectSyncExtension } from './api';
import { GitHubAuth } from './auth/auth';
import { BranchSource } from './branches/branchSource';
import { AdjustableClock, systemClock } from './clock';
import { MemoryStepHooks } from './testHooks';
import { registerBrowse } from './browse/register';
import { ContextKeys, ViewIds } from './commandIds';
import { registerCommands } from './commands/commands';
import { SyncContentProvider } from './history/contentProvider';
import { setContext } from './contextKeys';
import { EngineHost } from './engineHost';
import { ErrorBoundary } from './commands/errorBoundary';
import { FollowController } from './follow/followController';
import { HistoryCommands } from './history/historyCommands';
import { HistoryTreeProvider } from './history/historyTree';
import { registerLmTools } from './memory/lmTools';
import { channelLogger } from './logging';
import { MemoryAccess } from './memory/memoryAccess';
import { SyncStatusBar } from './sync/statusBar';
import { SyncController } from './sync/syncController';
import { syncScheme } from './history/syncUri';
import { SyncViewModel } from './sync/syncViewModel';
import { SyncViewProvider } from './webview/syncViewProvider';
import { WorkspaceRepositories } from './workspace/workspaceRepos';

export function activate(context: vscode.ExtensionContext): ProjectSyncExtension {
  const subs = context.subscriptions;
  const channel = vscode.window.createOutputChannel('Project Sync', { log: true });
  subs.push(channel);
  const logger = channelLogger(channel);
  const log = scoped(logger, 'extension');

  const auth = new GitHubAuth(logger);
  const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  const memoryStep = context.extensionMode === vscode.ExtensionMode.Test ? new MemoryStepHooks() : undefined;
  const engines: EngineHost = new EngineHost(storageDir, logger, auth, (): boolean => controller.running !== undefined, memoryStep?.engineOptions());
  const controller: SyncController = new SyncController(engines, logger);
  const repos = new WorkspaceRepositories(engines, logger);
  const branches = new BranchSource(engines, logger);
  const viewModel = new SyncViewModel(controller, repos, branches, engines, logger);
  // Under the integration tests, time can be moved forward (ages refresh without waiting a minute).
  const testClock = context.extensionMode === vscode.ExtensionMode.Test ? new AdjustableClock() : undefined;
  const tree = new HistoryTreeProvider(engines, repos, logger, testClock ?? systemClock);
  const treeView = vscode.window.createTreeView(ViewIds.history, { treeDataProvider: tree, showCollapseAll: true });
  tree.view = treeView;
  // A large sync's row is a link before its memory is in: "indexing memory…" while this window's run lasts.
  tree.isIndexing = (syncId) => controller.running?.syncId === syncId;
  const syncView = new SyncViewProvider(context.extensionUri, viewModel, channel);
  const workspaceProblem = new Set(['NO_GIT_REPO', 'NO_REMOTE', 'UNSUPPORTED_REMOTE']);
  const boundary = new ErrorBoundary(logger, () => channel.show(), {
    // One surface per error: the visible banner shows a sync's failure and the workspace's problem.
    shownInView: (error) =>
      syncView.visible && ((controller.lastOutcome?.error === error && controller.lastOutcome.record !== undefined) || workspaceProblem.has(error.code)),
    failedSyncBranch: (error) => (controller.lastOutcome?.error === error ? controller.lastOutcome.branch : undefined),
  });
  const history = new HistoryCommands(tree, engines, controller, repos);
  // The status bar's "last sync" is the active sync of the workspace's repository (the store decides it).
  const lastSync = () => engines.current?.store.activeSync(repos.folders?.find((f) => f.remote)?.remote);
  const browse = registerBrowse({ engines, logger, recordOf: (arg) => history.recordOf(arg), subscriptions: subs });
  const follow = new FollowController(engines, controller, repos, context.workspaceState, logger);
  const statusBar = new SyncStatusBar(controller, lastSync, () => follow.status);
  const memory = new MemoryAccess(engines, repos);
  subs.push(auth, engines, controller, repos, viewModel, tree, treeView, statusBar, follow);
  const refreshFollowing = () => {
    setContext(ContextKeys.following, follow.branch !== undefined, logger);
    statusBar.update();
    viewModel.followChanged(follow.branch);
  };
  follow.onDidChange(refreshFollowing, undefined, subs);
  follow.onDidFollow(() => viewModel.followChosen(), undefined, subs);
  vscode.workspace.onDidChangeConfiguration(
    (e) => {
      if (e.affectsConfiguration('projectSync.follow')) refreshFollowing();
    },
    undefined,
    subs,
  );

  const refreshSignedIn = () => {
    const host = repos.folders?.find((f) => f.remote)?.remote?.host;
    if (!host) return;
    auth.isSignedIn(host).then(
      (signedIn) => {
        setContext(ContextKeys.signedIn, signedIn, logger);
        viewModel.setSignedIn(signedIn);
      },
      (e: unknown) => log.warn(`session check failed: ${String(e)}`),
    );
  };
  repos.onDidChange(refreshSignedIn, undefined, subs);
  auth.onDidChangeSessions(refreshSignedIn, undefined, subs);
  setContext(ContextKeys.syncing, false, logger);
  setContext(ContextKeys.workspace, 'unknown', logger);
  setContext(ContextKeys.signedIn, true, logger);

  const onDidChangeHistory = new vscode.EventEmitter<void>();
  subs.push(onDidChangeHistory);
  let storeSub: { dispose(): void } | undefined;
  subs.push({ dispose: () => storeSub?.dispose() });
  engines.onDidOpen(
    (engine) => {
      storeSub?.dispose();
      storeSub = engine.store.onDidChange(() => {
        onDidChangeHistory.fire();
        viewModel.historyChanged();
        statusBar.update();
      });
      statusBar.update();
    },
    undefined,
    subs,
  );

  subs.push(
    vscode.window.registerWebviewViewProvider(SyncViewProvider.viewId, syncView, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
    vscode.workspace.registerTextDocumentContentProvider(syncScheme, new SyncContentProvider(engines, logger)),
    ...registerCommands({
      boundary,
      controller,
      repos,
      branches,
      engines,
      auth,
      tree,
      history,
      channel,
      logger,
      onSignedIn: refreshSignedIn,
      follow,
      browse,
    }),
    ...registerLmTools(memory, logger),
  );
  refreshFollowing();
  follow.start();

  const onDidSync = new vscode.EventEmitter<SyncRecord>();
  subs.push(onDidSync);
  controller.onDidEnd(
    (end) => {
      if (end.kind === 'sync' && end.record && !end.error) onDidSync.fire(end.record);
      // A run that ended while indexing leaves its row "memory incomplete" without a store change.
      if (end.record?.memoryIncomplete) tree.refresh();
    },
    undefined,
    subs,
  );
  const api = createApi({ engines, repos, controller, memory, onDidChangeHistory: onDidChangeHistory.event, onDidSync: onDidSync.event });
  log.info('activated');
  return {
    getAPI: (version: 1) => {
      if (version !== 1) throw new Error(`Project Sync API version ${String(version)} is not available.`);
      return api;
    },
    ...(testClock && memoryStep ? { testHooks: { clock: testClock, memoryStep, history: tree, engines } } : {}),
  };
}

interface ApiDeps {
  engines: EngineHost;
  repos: WorkspaceRepositories;
  controller: SyncController;
  memory: MemoryAccess;
  onDidChangeHistory: vscode.Event<void>;
  onDidSync: vscode.Event<SyncRecord>;
}

function createApi({ engines, repos, controller, memory, onDidChangeHistory, onDidSync }: ApiDeps): ProjectSyncApiV1 {
  return {
    getHistory: async () => (await engines.get()).store.list(),
    getActiveSync: () => memory.activeSync(),
    onDidChangeHistory,
    onDidSync,
    readFile: async (path, options) => (await memory.read(path, options?.syncId ? { syncId: options.syncId } : {})).bytes,
    sync: async (branch) => {
      const target = await repos.pickFolder(vscode.l10n.t);
      if (!target) throw new Error('No workspace folder was picked.');
      return controller.sync(target, branch);
    },
    searchMemory: async (query, options) => (await memory.search(query, options?.limit ?? 20)).entries,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the engine closes its store there).
}
