// A hostile or runaway webview: 10,000 messages of unknown types, wrong shapes, 1 MB strings and
// prototype-pollution keys in a tight loop. The host side never throws, keeps serving the valid
// messages mixed in, logs the invalid ones without flooding the log, and holds no memory per message.
// Outbound, the protocol's bounds keep an oversized state from ever being posted.
import { strict as assert } from 'node:assert';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Emitter } from '../../src/core/emitter';
import type { Logger } from '../../src/core/logger';
import type { TimerPort } from '../../src/extension/webview/coalescer';
import type { SyncViewHost } from '../../src/extension/webview/host';
import { LogLimiter } from '../../src/extension/webview/logLimiter';
import { ViewSession } from '../../src/extension/webview/session';
import { limits, type BranchesMessage, type SyncDelta, type ViewState, type WebviewCommand } from '../../src/protocol/messages';
import { FakeView, viewState } from './webviewFixtures';

class FakeHost implements SyncViewHost {
  state: ViewState = viewState();
  handled: WebviewCommand[] = [];
  readonly stateChanged = new Emitter<void>();
  readonly onDidChangeState = this.stateChanged.event;
  readonly onDidProgress = new Emitter<SyncDelta>().event;
  readonly onDidChangeBranches = new Emitter<Omit<BranchesMessage, 'type'>>().event;
  getState = (): ViewState => this.state;
  handle(message: WebviewCommand): void {
    this.handled.push(message);
  }
}

class ManualTimers implements TimerPort {
  time = 0;
  private pending: { at: number; callback: () => void }[] = [];
  now = (): number => this.time;
  setTimeout(callback: () => void, ms: number): { dispose(): void } {
    const entry = { at: this.time + ms, callback };
    this.pending.push(entry);
    return { dispose: () => void (this.pending = this.pending.filter((p) => p !== entry)) };
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.pending.filter((p) => p.at <= this.time);
    this.pending = this.pending.filter((p) => p.at > this.time);
    for (const p of due) p.callback();
  }
  get scheduled(): number {
    return this.pending.length;
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

const MB = 'x'.repeat(1024 * 1024);
/** Every kind of bad message, cycled through by the flood. */
const HOSTILE: (() => unknown)[] = [
  () => ({ type: 'launchMissiles' }),
  () => ({ type: MB }),
  () => ({ type: 'sync', branch: MB }),
  () => ({ type: 'sync', branch: 42 }),
  () => ({ type: 'sync' }),
  () => ({ type: 'sync', branch: 'main\u0000evil' }),
  () => ({ type: 'action', action: 'runShellCommand' }),
  () => JSON.parse('{"type":"sync","branch":"main","__proto__":{"polluted":true}}') as unknown,
  () => JSON.parse('{"type":"cancel","constructor":{"prototype":{"polluted":true}}}') as unknown,
  () => ({ type: 'ready', extra: MB }),
  () => null,
  () => undefined,
  () => MB,
  () => [{ type: 'sync', branch: 'main' }],
  () => ({ type: ['sync'] }),
  () => new Proxy({}, { get: () => 'sync' }),
];

function flood(session: ViewSession, count: number): { valid: number } {
  let valid = 0;
  for (let i = 0; i < count; i++) {
    if (i % 10 === 0) {
      session.receive({ type: 'selectBranch', branch: `feature/${i}` });
      valid++;
    } else {
      session.receive((HOSTILE[i % HOSTILE.length] as () => unknown)());
    }
  }
  return { valid };
}

function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('webview flood: hostile messages at a high rate', function () {
  this.timeout(20_000);

  it('survives 10,000 hostile messages: nothing throws, valid ones still reach the host, no pollution', () => {
    const { host, view, session } = setup();
    session.receive({ type: 'ready' });
    const { valid } = flood(session, 10_000);
    assert.equal(host.handled.length, valid);
    assert.deepEqual(host.handled.at(-1), { type: 'selectBranch', branch: 'feature/9990' });
    assert.ok(host.handled.every((m) => m.type === 'selectBranch'), 'no hostile message reached the host');
    assert.equal(({} as { polluted?: boolean }).polluted, undefined, 'Object.prototype untouched');
    // The UI keeps working: a state change still reaches the view.
    const before = view.posted.length;
    host.stateChanged.fire();
    assert.equal(view.posted.length, before + 1);
    assert.equal(view.posted.at(-1)?.type, 'state');
  });

  it('logs the first invalid messages, then one count per interval, never a 1 MB payload', () => {
    const { logs, timers, session } = setup();
    flood(session, 10_000);
    const dropped = logs.filter((l) => l.startsWith('warn dropped an invalid message'));
    assert.equal(dropped.length, 20, 'the first 20 in the interval are logged one by one');
    assert.ok(logs.every((l) => l.length < 500), 'no log line carries the payload');
    timers.advance(60_000);
    assert.deepEqual(logs.filter((l) => l.includes('more invalid')), ['warn 8980 more invalid messages from the webview dropped in the last 60 s (not logged one by one)']);
    // The next interval logs afresh; disposing writes what is still pending.
    flood(session, 100);
    assert.equal(logs.filter((l) => l.startsWith('warn dropped an invalid message')).length, 40);
    session.dispose();
    assert.match(logs.at(-1) ?? '', /^warn 70 more invalid messages from the webview dropped/);
    assert.equal(timers.scheduled, 0, 'no timer left behind');
  });

  it('holds no memory per message: a second flood does not grow the heap', () => {
    const { session } = setup();
    session.receive({ type: 'ready' });
    flood(session, 2_000); // warm-up: zod's and V8's own caches
    const before = heapAfterGc();
    for (let round = 0; round < 3; round++) flood(session, 10_000);
    const growth = heapAfterGc() - before;
    // The host's own record of handled messages (3,000 small objects) is the only growth allowed.
    assert.ok(growth < 4 * 1024 * 1024, `heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB`);
  });

  it('refuses outbound messages beyond the protocol bounds, with a rate-limited error', () => {
    const { host, view, logs, session } = setup();
    session.receive({ type: 'ready' });
    const posted = view.posted.length;
    const oversized: Partial<ViewState>[] = [
      { selectedBranch: 'b'.repeat(limits.branch + 1) },
      { problem: { code: 'NETWORK', message: 'm'.repeat(limits.text + 1) } },
      { branches: Array.from({ length: limits.branches + 1 }, (_, i) => ({ name: `b${i}`, commitSha: null, isDefault: false, isCurrent: false, isRecent: false })) },
      { repository: { owner: 'o'.repeat(limits.host + 1), name: 'r', host: 'github.com' } },
    ];
    for (let i = 0; i < 100; i++) {
      host.state = { ...viewState(), ...(oversized[i % oversized.length] as Partial<ViewState>) };
      host.stateChanged.fire();
    }
    assert.equal(view.posted.length, posted, 'nothing oversized was posted');
    assert.equal(logs.filter((l) => l.startsWith('error refused to post an invalid state message')).length, 20);
    host.state = viewState();
    host.stateChanged.fire();
    assert.equal(view.posted.length, posted + 1, 'a valid state still goes out');
  });
});

describe('LogLimiter', () => {
  it('writes nothing extra when the rate stays under the burst', () => {
    const timers = new ManualTimers();
    const lines: string[] = [];
    const limiter = new LogLimiter((l) => lines.push(l), 'things', timers, { burst: 3, intervalMs: 1000 });
    for (let i = 0; i < 3; i++) {
      limiter.log(() => `line ${i}`);
      timers.advance(400);
    }
    limiter.log(() => 'line 3');
    limiter.dispose();
    assert.deepEqual(lines, ['line 0', 'line 1', 'line 2', 'line 3']);
  });

  it('builds suppressed lines lazily', () => {
    const timers = new ManualTimers();
    let built = 0;
    const limiter = new LogLimiter(() => undefined, 'things', timers, { burst: 1 });
    for (let i = 0; i < 1000; i++) limiter.log(() => String(++built));
    assert.equal(built, 1);
    limiter.dispose();
  });
});
