// Builders for protocol values used by the protocol, webview and coalescer tests.
import type { WebviewPort } from '../../src/extension/webview/session';
import type {
  BranchItem,
  HostToWebview,
  FinishedMessage,
  ProgressMessage,
  RunState,
  SyncSummary,
  ViewState,
  WaitingMessage,
  WireStats,
} from '../../src/protocol/messages';

export const SHA = 'a'.repeat(40);

export function stats(overrides: Partial<WireStats> = {}): WireStats {
  return { files: 0, added: 0, modified: 0, removed: 0, requests: 0, bytes: 0, ...overrides };
}

export function branch(name: string, flags: Partial<Omit<BranchItem, 'name'>> = {}): BranchItem {
  return { name, commitSha: SHA, isDefault: false, isCurrent: false, isRecent: false, ...flags };
}

export function viewState(overrides: Partial<ViewState> = {}): ViewState {
  return {
    repository: { owner: 'octo', name: 'repo', host: 'github.com' },
    problem: null,
    branches: [branch('main', { isDefault: true }), branch('feature/x', { isCurrent: true })],
    selectedBranch: 'main',
    run: null,
    waiting: null,
    lastSync: null,
    signedIn: true,
    ...overrides,
  };
}

export function progress(overrides: Partial<ProgressMessage> = {}): ProgressMessage {
  return {
    type: 'progress',
    syncId: 's1',
    branch: 'main',
    phase: 'fetchingTree',
    done: 0,
    total: null,
    stats: stats(),
    startedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function runState(overrides: Partial<RunState> = {}): RunState {
  const { type: _type, ...run } = progress();
  return { ...run, ...overrides };
}

export function waiting(overrides: Partial<WaitingMessage> = {}): WaitingMessage {
  return { type: 'waiting', syncId: 's1', seconds: 30, reason: 'primary-rate-limit', ...overrides };
}

export function summary(overrides: Partial<SyncSummary> = {}): SyncSummary {
  return {
    id: 's1',
    branch: 'main',
    commitSha: SHA,
    status: 'completed',
    stats: stats({ files: 10, added: 2, modified: 1, removed: 3 }),
    error: null,
    completedAt: '2025-01-01T00:01:00.000Z',
    ...overrides,
  };
}

export function finished(overrides: Partial<SyncSummary> = {}): FinishedMessage {
  return { type: 'finished', sync: summary(overrides) };
}

/** The webview end of a session: records what the host posts. */
export class FakeView implements WebviewPort {
  visible = true;
  posted: HostToWebview[] = [];
  postMessage(message: HostToWebview): PromiseLike<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
}
