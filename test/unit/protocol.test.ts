import { strict as assert } from 'node:assert';
import {
  limits,
  parseHostToWebview,
  parseWebviewToHost,
  type HostToWebview,
  type WebviewToHost,
} from '../../src/protocol/messages';
import { finished, progress, runState, viewState, waiting } from './webviewFixtures';

describe('protocol: webview -> host', () => {
  const valid: WebviewToHost[] = [
    { type: 'ready' },
    { type: 'sync', branch: 'feature/ünïcode-€' },
    { type: 'cancel' },
    { type: 'pickBranch' },
    { type: 'action', action: 'signIn' },
    { type: 'action', action: 'retry' },
    { type: 'action', action: 'showLog' },
    { type: 'action', action: 'openSettings' },
    { type: 'selectBranch', branch: 'release/1.0' },
  ];
  for (const message of valid) {
    it(`accepts ${JSON.stringify(message)}`, () => {
      const r = parseWebviewToHost(message);
      assert.deepEqual(r, { ok: true, value: message });
    });
  }

  const hostile: [string, unknown][] = [
    ['an unknown type', { type: 'deleteEverything' }],
    ['no type', { branch: 'main' }],
    ['a non-object', 'sync'],
    ['null', null],
    ['an array', [{ type: 'ready' }]],
    ['a branch that is not a string', { type: 'sync', branch: 42 }],
    ['an empty branch', { type: 'sync', branch: '' }],
    ['a branch with a newline', { type: 'sync', branch: 'main\nrm -rf /' }],
    ['a branch with a NUL', { type: 'selectBranch', branch: 'ma\u0000in' }],
    ['a huge branch', { type: 'sync', branch: 'x'.repeat(limits.branch + 1) }],
    ['an unknown action', { type: 'action', action: 'runShell' }],
    ['an extra key', { type: 'cancel', command: 'workbench.action.quit' }],
    ['a __proto__ key', JSON.parse('{"type":"sync","branch":"main","__proto__":{"polluted":true}}')],
    ['a constructor key', JSON.parse('{"type":"ready","constructor":{"prototype":{"polluted":true}}}')],
  ];
  for (const [what, data] of hostile) {
    it(`rejects ${what} without throwing`, () => {
      const r = parseWebviewToHost(data);
      assert.equal(r.ok, false);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
    });
  }

  it('gives a short reason that names the bad field', () => {
    const r = parseWebviewToHost({ type: 'sync', branch: 'x'.repeat(100_000) });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.reason, /^branch: /);
      assert.ok(r.reason.length <= 200);
    }
  });
});

describe('protocol: host -> webview', () => {
  const valid: HostToWebview[] = [
    { type: 'state', state: viewState() },
    { type: 'state', state: viewState({ repository: null, problem: { code: 'NO_REMOTE', message: 'No GitHub remote.' } }) },
    { type: 'state', state: viewState({ run: runState({ done: 3, total: 9 }), waiting: { seconds: 12, reason: 'retry' } }) },
    progress({ done: 5, total: 10 }),
    waiting({ resetAt: '2025-01-01T00:00:30.000Z' }),
    finished({ status: 'failed', commitSha: null, error: { code: 'AUTH_REQUIRED', message: 'Sign in.' } }),
    { type: 'branches', branches: viewState().branches, selectedBranch: null },
  ];
  valid.forEach((message, i) => {
    it(`accepts valid message #${i} (${message.type})`, () => {
      const r = parseHostToWebview(message);
      assert.equal(r.ok, true, r.ok ? '' : r.reason);
    });
  });

  it('rejects a branch list longer than the limit', () => {
    const many = Array.from({ length: limits.branches + 1 }, (_, i) => ({ ...viewState().branches[0]!, name: `b${i}` }));
    assert.equal(parseHostToWebview({ type: 'branches', branches: many, selectedBranch: null }).ok, false);
    assert.equal(parseHostToWebview({ type: 'state', state: viewState({ branches: many }) }).ok, false);
  });

  it('rejects an error message longer than the limit', () => {
    const long = 'e'.repeat(limits.text + 1);
    const m = finished({ status: 'failed', error: { code: 'NETWORK', message: long } });
    assert.equal(parseHostToWebview(m).ok, false);
  });

  it('rejects wrong shapes: negative counts, unknown phase, bad sha, unknown error code', () => {
    assert.equal(parseHostToWebview(progress({ done: -1 })).ok, false);
    assert.equal(parseHostToWebview({ ...progress(), phase: 'hacking' }).ok, false);
    assert.equal(parseHostToWebview(finished({ commitSha: 'not-a-sha' })).ok, false);
    assert.equal(
      parseHostToWebview(finished({ status: 'failed', error: { code: 'NOPE' as 'NETWORK', message: 'x' } })).ok,
      false,
    );
    assert.equal(parseHostToWebview({ type: 'state' }).ok, false);
    assert.equal(parseHostToWebview({ type: 'script', src: 'https://evil.example' }).ok, false);
  });

  it('rejects prototype-pollution keys inside nested objects', () => {
    const raw = JSON.stringify({ type: 'state', state: viewState() }).replace(
      '"signedIn":true',
      '"signedIn":true,"__proto__":{"polluted":true}',
    );
    assert.equal(parseHostToWebview(JSON.parse(raw)).ok, false);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('restore summaries', () => {
  it('say Restored, not Synced, for a restore record', async () => {
    const { summarize } = await import('../../src/protocol/display');
    const base = {
      id: 'r1',
      branch: 'main',
      commitSha: 'a'.repeat(40),
      status: 'completed' as const,
      stats: { files: 3, added: 1, modified: 0, removed: 2, requests: 0, bytes: 0 },
      error: null,
      completedAt: new Date(0).toISOString(),
    };
    assert.match(summarize({ ...base, kind: 'restore' }), /^Restored main @ aaaaaaa: 1 added, 0 modified, 2 removed/);
    assert.match(summarize({ ...base, kind: 'sync' }), /^Synced main/);
    assert.match(summarize(base), /^Synced main/, 'summaries saved before kind existed still read as syncs');
  });
});

describe('counts as the UI and the CLI print them', () => {
  it('group digits as en-US does, whatever the number', async () => {
    const { formatCount } = await import('../../src/protocol/display');
    const intl = new Intl.NumberFormat('en-US');
    const values = [0, 1, 12, 999, 1000, 1001, 99_999, 100_000, 100_020, 1_234_567, 2 ** 31, Number.MAX_SAFE_INTEGER, -1, -1234, -0, 1.5, 1234.5678, 1e21, NaN, Infinity];
    for (let n = 1; n < 1e15; n *= 7) values.push(n, n + 1);
    for (const n of values) assert.equal(formatCount(n), intl.format(n), String(n));
  });
});
