import { strict as assert } from 'node:assert';
import { bannerModel, controlsModel, MORE_BRANCHES, percent } from '../../webview/model';
import { initialState, loadPersisted, reduce, Store, type ClientState, type PersistenceApi } from '../../webview/state';
import { branch, finished, progress, runState, summary, viewState, waiting } from './webviewFixtures';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const loaded = (overrides = {}): ClientState => reduce(initialState, { type: 'state', state: viewState(overrides) }, T0);

class MemoryApi implements PersistenceApi {
  constructor(public saved: unknown = undefined) {}
  getState(): unknown {
    return this.saved;
  }
  setState(state: unknown): void {
    this.saved = JSON.parse(JSON.stringify(state));
  }
}

describe('webview state', () => {
  it('ignores deltas before the first snapshot', () => {
    assert.equal(reduce(initialState, progress(), T0), initialState);
  });

  it('applies progress, a rate-limit wait, and finished in order', () => {
    let s = reduce(loaded(), progress({ done: 3, total: 10 }), T0);
    assert.equal(s.view?.run?.done, 3);
    s = reduce(s, waiting({ seconds: 30 }), T0 + 1000);
    assert.equal(s.waitingUntil, T0 + 31_000);
    s = reduce(s, progress({ done: 4, total: 10 }), T0 + 31_000);
    assert.equal(s.view?.waiting, null, 'progress after a wait ends the wait');
    s = reduce(s, finished({ id: 's1' }), T0 + 40_000);
    assert.equal(s.view?.run, null);
    assert.equal(s.view?.lastSync?.id, 's1');
  });

  it('does not end a running sync on another sync’s finished', () => {
    const s = reduce(reduce(loaded(), progress({ syncId: 's2' }), T0), finished({ id: 'old' }), T0);
    assert.equal(s.view?.run?.syncId, 's2');
  });

  it('the store drops invalid messages without changing anything', () => {
    const api = new MemoryApi();
    const store = new Store(api, () => T0);
    let renders = 0;
    store.subscribe(() => renders++);
    assert.equal(store.receive({ type: 'state', state: { ...viewState(), branches: 'nope' } }), false);
    assert.equal(store.receive({ type: 'progress', innerHTML: '<img onerror=alert(1)>' }), false);
    assert.equal(renders, 0);
    assert.equal(store.current.view, null);
    assert.equal(store.receive({ type: 'state', state: viewState() }), true);
    assert.equal(renders, 1);
  });

  it('persists the view and restores it on reload, without a stale running sync', () => {
    const api = new MemoryApi();
    const store = new Store(api, () => T0);
    store.receive({ type: 'state', state: viewState({ selectedBranch: 'feature/x' }) });
    store.receive(progress());
    const reloaded = new Store(api, () => T0);
    assert.equal(reloaded.current.view?.selectedBranch, 'feature/x');
    assert.equal(reloaded.current.view?.run, null);
  });

  it('validates the persisted state on load and starts empty when it is corrupt or hostile', () => {
    for (const bad of [
      'garbage',
      { version: 2, view: viewState() },
      { version: 1, view: { ...viewState(), branches: [{ name: 'x'.repeat(10_000) }] } },
      JSON.parse('{"version":1,"view":null,"__proto__":{"polluted":true}}'),
    ]) {
      assert.deepEqual(loadPersisted(new MemoryApi(bad)), initialState);
    }
  });
});

describe('webview banner model', () => {
  it('shows the phase with animated dots, one overall bar with its step, and elapsed time', () => {
    const s = reduce(loaded(), progress({ phase: 'fetchingTree', total: null, stats: { ...runState().stats, files: 1234 } }), T0);
    const m = bannerModel(s, T0 + 65_000);
    assert.equal(m.title, 'Fetching tree');
    assert.equal(m.animated, true);
    assert.equal(m.progress?.label, 'step 3 of 7');
    assert.equal(percent(m.progress!), 5, 'the two finished steps\' share of the whole sync');
    assert.match(m.message ?? '', /^Syncing main · step 3 of 7$/);
    assert.equal(m.elapsed, '1:05');
    assert.equal(m.stats[0]?.text, '1,234 files');
  });

  it('moves the one bar forward across steps and shows the step\'s count when it has one', () => {
    const content = bannerModel(reduce(loaded(), progress({ phase: 'fetchingContent', done: 25, total: 200 }), T0), T0);
    assert.equal(content.progress?.label, 'step 5 of 7 · 25 of 200');
    const tree = bannerModel(reduce(loaded(), progress({ phase: 'fetchingTree', done: 200, total: 200 }), T0), T0);
    const later = bannerModel(reduce(loaded(), progress({ phase: 'indexing', done: 0, total: 10 }), T0), T0);
    assert.ok(percent(tree.progress!)! < percent(content.progress!)! && percent(content.progress!)! < percent(later.progress!)!, 'never moves back');
  });

  it('says bytes and requests in words, with the figures as a tooltip', () => {
    const m = bannerModel(reduce(loaded(), progress({ stats: { ...runState().stats, bytes: 1634, requests: 2 } }), T0), T0);
    assert.deepEqual(m.stats.map((i) => i.text).slice(2), ['1.6 KB downloaded']);
    assert.equal(m.stats[2]?.title, '1,634 bytes in 2 requests to GitHub');
    assert.ok(!m.stats.some((i) => / req$/.test(i.text)));
  });

  it('titles a wait as waiting, not the phase it interrupted', () => {
    let s = reduce(loaded(), progress({ phase: 'fetchingHead' }), T0);
    s = reduce(s, waiting({ seconds: 5, reason: 'retry' }), T0);
    assert.equal(bannerModel(s, T0).title, 'Waiting to retry');
    s = reduce(s, waiting({ seconds: 50, reason: 'primary-rate-limit' }), T0);
    assert.equal(bannerModel(s, T0).title, 'Waiting for the rate limit');
  });

  it('counts a rate-limit wait down from its arrival', () => {
    let s = reduce(loaded(), progress(), T0);
    s = reduce(s, waiting({ seconds: 42, reason: 'secondary-rate-limit' }), T0);
    assert.equal(bannerModel(s, T0).countdown, 'GitHub asked us to slow down: resuming in 0:42');
    assert.equal(bannerModel(s, T0 + 40_500).countdown, 'GitHub asked us to slow down: resuming in 0:02');
    assert.equal(bannerModel(s, T0).mode, 'waiting');
    assert.equal(bannerModel(s, T0).notice, 'GitHub asked us to slow down', 'announced once, not every second');
  });

  it('offers Sign In on AUTH_REQUIRED and Retry otherwise, with Show Log', () => {
    const auth = loaded({ lastSync: summary({ status: 'failed', error: { code: 'AUTH_REQUIRED', message: 'Sign in to GitHub to sync this private repository.' } }) });
    const a = bannerModel(auth, T0);
    assert.equal(a.mode, 'failed');
    assert.equal(a.message, 'Sign in to GitHub to sync this private repository.');
    assert.deepEqual(a.actions, ['signIn', 'showLog']);
    const net = bannerModel(loaded({ lastSync: summary({ status: 'failed', error: { code: 'NETWORK', message: 'GitHub could not be reached.' } }) }), T0);
    assert.deepEqual(net.actions, ['retry', 'showLog']);
  });

  it('summarises what a completed sync changed', () => {
    const m = bannerModel(loaded({ lastSync: summary({ stats: { ...runState().stats, files: 10, added: 2, modified: 1, removed: 3 } }) }), T0);
    assert.equal(m.message, 'Synced main @ aaaaaaa: 2 added, 1 modified, 3 removed (10 files).');
    assert.equal(m.stats[1]?.text, '+2 ~1 \u22123');
  });

  it('tells a signed-out user that only public repositories work', () => {
    assert.match(bannerModel(loaded({ signedIn: false }), T0).message ?? '', /Signed out: public repositories only/);
    assert.doesNotMatch(bannerModel(loaded({ signedIn: true }), T0).message ?? '', /Signed out/);
  });

  it('shows a workspace that cannot sync as first steps with Source Control\'s actions, not a red problem', () => {
    const state = loaded({ repository: null, problem: { code: 'NO_REMOTE', message: 'This folder has no GitHub remote.' } });
    const m = bannerModel(state, T0);
    assert.equal(m.mode, 'setup');
    assert.equal(m.title, 'No GitHub remote');
    assert.deepEqual(m.actions, ['addRemote', 'openSettings', 'learnMore']);
    assert.equal(controlsModel(state).visible, false, 'no empty, disabled dropdown');
    const noGit = bannerModel(loaded({ repository: null, problem: { code: 'NO_GIT_REPO', message: '' } }), T0);
    assert.deepEqual(noGit.actions, ['initRepository', 'cloneRepository', 'learnMore']);
    const noFolder = bannerModel(loaded({ repository: null, problem: { code: 'NO_FOLDER', message: '' } }), T0);
    assert.deepEqual(noFolder.actions, ['openFolder', 'cloneRepository', 'learnMore']);
    const gitlab = bannerModel(loaded({ repository: null, problem: { code: 'UNSUPPORTED_REMOTE', message: 'The remote origin is on gitlab.com.' } }), T0);
    assert.equal(gitlab.title, 'Not a GitHub remote');
    assert.match(gitlab.message ?? '', /^The remote origin is on gitlab\.com\. Project Sync syncs repositories on GitHub/);
  });
});

describe('webview controls model', () => {
  it('orders default, current, recent, then offers More branches…', () => {
    const m = controlsModel(
      loaded({
        selectedBranch: null,
        branches: [branch('old', { isRecent: true }), branch('wip', { isCurrent: true }), branch('main', { isDefault: true })],
      }),
    );
    assert.deepEqual(m.options.map((o) => o.label), ['main (default)', 'wip (current)', 'old (recent)', 'More branches\u2026']);
    assert.equal(m.options.at(-1)?.value, MORE_BRANCHES);
    assert.equal(m.selected, 'main', 'the default branch when nothing is chosen');
  });

  it('keeps a branch chosen in the QuickPick as an option', () => {
    const m = controlsModel(loaded({ selectedBranch: 'release/2.0' }));
    assert.ok(m.options.some((o) => o.value === 'release/2.0'));
    assert.equal(m.selected, 'release/2.0');
  });

  it('swaps Sync for Cancel while a sync runs', () => {
    const idle = controlsModel(loaded());
    assert.equal(idle.syncEnabled, true);
    assert.equal(idle.cancelVisible, false);
    const running = controlsModel(reduce(loaded(), progress(), T0));
    assert.equal(running.syncEnabled, false);
    assert.equal(running.cancelVisible, true);
    assert.equal(running.dropdownEnabled, false);
  });

  it('cannot sync without a repository', () => {
    const m = controlsModel(loaded({ repository: null, branches: [], selectedBranch: null }));
    assert.equal(m.syncEnabled, false);
    assert.deepEqual(m.options, []);
  });
});
