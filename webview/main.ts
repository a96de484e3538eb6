// The Sync view's entry point (bundled to dist/webview/main.js). Wires the store to the banner and
// the controls, says `ready`, and renders whatever valid state the host sends.
import './zodConfig'; // must stay the first import
import type { WebviewToHost } from '../src/protocol/messages';
import { SyncBanner } from './banner';
import { SyncControls } from './controls';
import { Store } from './state';
import { createProgressRing, registerToolkit } from './toolkit';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  registerToolkit();
  const api = acquireVsCodeApi();
  const store = new Store(api);
  const post = (message: WebviewToHost) => api.postMessage(message);
  const banner = new SyncBanner(post);
  const controls = new SyncControls(post, (branch) => store.selectBranch(branch));
  const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  const loading = createProgressRing('Loading');

  const render = () => {
    const state = store.current;
    const loaded = state.view !== null;
    app.setAttribute('aria-busy', String(!loaded));
    if (!loaded) {
      app.replaceChildren(loading);
      return;
    }
    if (app.firstChild !== banner.element) app.replaceChildren(banner.element, controls.element);
    banner.render(state, Date.now());
    controls.render(state, !banner.hasActions); // never two primary buttons
  };
  store.subscribe(render);
  render();

  // Invalid messages are dropped: the host validated them already, so one that fails here is a bug
  // or an attack, and either way it must not reach the DOM.
  window.addEventListener('message', (event: MessageEvent<unknown>) => void store.receive(event.data));
  // Elapsed time and the rate-limit countdown tick even when no message arrives.
  setInterval(() => {
    if (store.current.view?.run) banner.render(store.current, Date.now());
  }, 1000);
  post({ type: 'ready' });
}

start();
