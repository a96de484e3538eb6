// Follow a branch in the real extension host: a pushed commit is synced within one poll interval,
// the polls in between are 304s, and a stopped server pauses following quietly until it returns.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SyncRecord } from '../../src/core/types';
import type { RequestLogEntry } from '../support/githubServer';
import { fixture, requireUi, ui } from './support/bridge';
import { ensureActiveAt, projectSync } from './support/scenarios';

const INTERVAL_S = 10;
const REF = '/git/ref/heads/main';

/** The next completed sync matching `predicate`, through the API's onDidSync. */
async function nextSync(predicate: (r: SyncRecord) => boolean, timeoutMs: number): Promise<SyncRecord> {
  const api = await projectSync();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching sync within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = api.onDidSync((r) => {
      if (!predicate(r)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(r);
    });
  });
}

/** Waits until the server's log from `since` satisfies `predicate` (the server has no event to await). */
async function waitForLog(since: number, predicate: (log: RequestLogEntry[]) => boolean, what: string, timeoutMs: number): Promise<RequestLogEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = await fixture('requests', { since });
    if (predicate(log)) return log;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms; log: ${log.map((r) => `${r.status} ${r.path}`).join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const config = () => vscode.workspace.getConfiguration('projectSync');
const logLength = async () => (await fixture('requests', {})).length;
const refPolls = (log: RequestLogEntry[]) => log.filter((r) => r.kind === 'rest' && r.path.includes(REF));

suite('Follow a branch', function () {
  this.timeout(120_000);

  suiteSetup(async () => {
    await ensureActiveAt('main');
    await config().update('pollInterval', INTERVAL_S, vscode.ConfigurationTarget.Global);
    await config().update('follow', 'main', vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await fixture('startServer', {});
    await vscode.commands.executeCommand('projectSync.stopFollowing');
    await config().update('pollInterval', undefined, vscode.ConfigurationTarget.Global);
    await config().update('follow', undefined, vscode.ConfigurationTarget.Global);
  });

  test('polls with 304s while nothing changes, then syncs a pushed commit within one interval', async () => {
    const since = await logLength();
    // A request is logged when it arrives (status 0) and gets its status when answered: two answered polls.
    const answered = (log: RequestLogEntry[]) => refPolls(log).filter((r) => r.status !== 0);
    const quiet = await waitForLog(since, (log) => answered(log).length >= 2, 'two head checks', 3 * INTERVAL_S * 1000);
    assert.deepEqual(answered(quiet).map((r) => r.status), [304, 304], 'an unchanged head costs one 304 per poll');
    assert.deepEqual(quiet.filter((r) => r.kind === 'rest' && !r.path.includes(REF)).map((r) => r.path), [], 'nothing but the ref is asked');

    const symbol = `followedThing${Date.now().toString(36)}`;
    const synced = nextSync((r) => r.branch === 'main', (INTERVAL_S + 20) * 1000);
    const pushedAt = Date.now();
    const head = await fixture('commit', { changes: { [`src/${symbol}.ts`]: `export function ${symbol}(): number {\n  return 1;\n}\n` }, message: 'Pushed while following' });
    const record = await synced;
    assert.equal(record.commitSha, head);
    assert.equal(record.forcePushed, false);
    const took = record.completedAt ? Date.parse(record.completedAt) - pushedAt : Number.POSITIVE_INFINITY;
    assert.ok(took < (INTERVAL_S + 5) * 1000, `synced ${took} ms after the push (interval ${INTERVAL_S} s)`);
    const found = await (await projectSync()).searchMemory(symbol, { limit: 5 });
    assert.deepEqual(found.map((e) => e.path), [`src/${symbol}.ts`]);
  });

  test('offline: no error notification, "offline" in the status bar, and it catches up when the server returns', async function () {
    requireUi(this);
    await fixture('stopServer', {});
    await ui.waitFor({ selector: '.part.statusbar .statusbar-item', hasText: 'offline' }, 3 * INTERVAL_S * 1000);
    const toasts = await ui.texts('.notifications-toasts .notification-toast');
    assert.deepEqual(toasts, [], 'no notification while offline');

    const symbol = `offlineThing${Date.now().toString(36)}`;
    const head = await fixture('commit', { changes: { [`src/${symbol}.ts`]: `export const ${symbol} = 1;\n` }, message: 'Pushed while offline' });
    const synced = nextSync((r) => r.commitSha === head, 4 * INTERVAL_S * 1000);
    await fixture('startServer', {});
    const record = await synced;
    assert.equal(record.branch, 'main');
    await ui.waitFor({ selector: '.part.statusbar .statusbar-item', hasText: 'following main · synced' }, 10_000);
    assert.deepEqual(await ui.texts('.notifications-toasts .notification-toast'), [], 'no notification after recovering');
  });
});
