import { strict as assert } from 'node:assert';
import { Emitter } from '../../src/core/emitter';
import type { Logger } from '../../src/core/logger';
import type { TimerPort } from '../../src/extension/webview/coalescer';
import type { SyncViewHost } from '../../src/extension/webview/host';
import { ViewSession } from '../../src/extension/webview/session';
import type { BranchesMessage, SyncDelta, ViewState, WebviewCommand } from '../../src/protocol/messages';
import { FakeView, finished, progress, viewState } from './webviewFixtures';

class FakeHost implements SyncViewHost {
  state: ViewState = viewState();
  handled: WebviewCommand[] = [];
  failWith: Error | undefined;
  readonly stateChanged = new Emitter<void>();
  readonly progressed = new Emitter<SyncDelta>();
  readonly branchesChanged = new Emitter<Omit<BranchesMessage, 'type'>>();
  readonly onDidChangeState = this.stateChanged.event;
  readonly onDidProgress = this.progressed.event;
  readonly onDidChangeBranches = this.branchesChanged.event;
  getState(): ViewState {
    return this.state;
  }
  handle(message: WebviewCommand): Promise<void> | void {
    this.handled.push(message);
    if (this.failWith) return Promise.reject(this.failWith);
  }
}

/** Timers that never fire on their own: the session's trailing flushes are driven by `flushAll`. */
class ManualTimers implements TimerPort {
  time = 0;
  callbacks: (() => void)[] = [];
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void): { dispose(): void } {
    this.callbacks.push(callback);
    return { dispose: () => void (this.callbacks = this.callbacks.filter((c) => c !== callback)) };
  }
  flushAll(): void {
    this.time += 1000;
    for (const c of this.callbacks.splice(0)) c();
  }
}

function setup() {
  const host = new FakeHost();
  const view = new FakeView();
  const logs: string[] = [];
  const log = (level: string) => (m: string) => void logs.push(`${level} ${m}`);
  const logger: Logger = { trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const timers = new ManualTimers();
  const session = new ViewSession(view, host, logger, timers);
  return { host, view, logs, timers, session };
}

const types = (view: FakeView) => view.posted.map((m) => m.type);

describe('ViewSession (the Sync view host side)', () => {
  it('posts nothing before ready, then the full state on ready', () => {
    const { host, view, session } = setup();
    host.progressed.fire(progress());
    host.stateChanged.fire();
    assert.deepEqual(view.posted, []);
    session.receive({ type: 'ready' });
    assert.deepEqual(view.posted, [{ type: 'state', state: host.state }]);
  });

  it('forwards valid commands to the host, and logs and drops invalid ones without throwing', () => {
    const { host, session, logs } = setup();
    session.receive({ type: 'sync', branch: 'main' });
    session.receive({ type: 'sync', branch: 'main', extra: 1 });
    session.receive({ type: 'runCommand', command: 'rm' });
    session.receive('not even an object');
    session.receive({ type: 'selectBranch', branch: 'x'.repeat(100_000) });
    assert.deepEqual(host.handled, [{ type: 'sync', branch: 'main' }]);
    assert.equal(logs.filter((l) => l.startsWith('warn dropped an invalid message')).length, 4);
    assert.ok(logs.every((l) => l.length < 300), 'a huge payload is not copied into the log');
  });

  it('logs a failing command instead of leaking an unhandled rejection', async () => {
    const { host, session, logs } = setup();
    host.failWith = new Error('boom');
    session.receive({ type: 'cancel' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(logs, ['error cancel failed: boom']);
  });

  it('replays the full state when the view becomes visible again, and sends nothing while hidden', () => {
    const { host, view, session } = setup();
    session.receive({ type: 'ready' });
    view.visible = false;
    session.visibilityChanged();
    host.progressed.fire(progress({ done: 7 }));
    host.stateChanged.fire();
    assert.deepEqual(types(view), ['state']);
    host.state = viewState({ selectedBranch: 'feature/x' });
    view.visible = true;
    session.visibilityChanged();
    assert.deepEqual(types(view), ['state', 'state']);
    assert.equal((view.posted[1] as { state: ViewState }).state.selectedBranch, 'feature/x');
  });

  it('coalesces a flood of progress and delivers finished after the last progress', () => {
    const { host, view, session } = setup();
    session.receive({ type: 'ready' });
    for (let i = 1; i <= 5000; i++) host.progressed.fire(progress({ done: i }));
    host.progressed.fire(finished());
    assert.deepEqual(types(view), ['state', 'progress', 'progress', 'finished']);
    assert.equal((view.posted[2] as { done: number }).done, 5000);
  });

  it('refuses to post an invalid state from a buggy host, with an error in the log', () => {
    const { host, view, session, logs } = setup();
    host.state = { ...viewState(), branches: Array.from({ length: 1000 }, () => viewState().branches[0]!) };
    session.receive({ type: 'ready' });
    assert.deepEqual(view.posted, []);
    assert.match(logs[0] ?? '', /^error refused to post an invalid state message: state\.branches/);
  });

  it('posts branch list updates, and stops listening once disposed', () => {
    const { host, view, session, timers } = setup();
    session.receive({ type: 'ready' });
    host.branchesChanged.fire({ branches: [], selectedBranch: null });
    assert.deepEqual(types(view), ['state', 'branches']);
    session.dispose();
    host.stateChanged.fire();
    host.progressed.fire(progress());
    timers.flushAll();
    assert.deepEqual(types(view), ['state', 'branches']);
  });
});
