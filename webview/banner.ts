// SyncBanner: what is happening now. The phase with animated dots, a progress bar, live stats, a
// rate-limit countdown, the error with what to do about it, and after a sync, what changed.
import { actionLabels } from '../src/protocol/display';
import type { WebviewAction, WebviewToHost } from '../src/protocol/messages';
import { h, setText, show } from './dom';
import { bannerModel, percent, type BannerModel, type StatItem } from './model';
import type { ClientState } from './state';
import { createButton } from './toolkit';

export class SyncBanner {
  readonly element: HTMLElement;
  private readonly phase = h('span', { className: 'phase' });
  private readonly dots = h('span', { className: 'dots', attrs: { 'aria-hidden': 'true' } });
  private readonly elapsed = h('span', { className: 'elapsed', attrs: { 'aria-label': 'Elapsed time' } });
  private readonly fill = h('div', { className: 'progress-fill' });
  private readonly bar = h(
    'div',
    { className: 'progress', attrs: { role: 'progressbar', 'aria-label': 'Sync progress', 'aria-valuemin': '0' } },
    this.fill,
  );
  private readonly message = h('p', { className: 'message' });
  private readonly countdown = h('p', { className: 'countdown', attrs: { role: 'timer' } });
  private readonly stats = h('ul', { className: 'stats', attrs: { 'aria-label': 'Sync statistics' } });
  private readonly actions = h('div', { className: 'actions' });
  private readonly live = h('div', { className: 'visually-hidden', attrs: { role: 'status', 'aria-live': 'polite' } });
  private statsKey = '';
  private actionsKey = '';
  private announced = '';
  /** The banner offers its own primary action (an error's fix): the controls then keep Sync secondary. */
  hasActions = false;

  constructor(private readonly post: (message: WebviewToHost) => void) {
    const header = h('div', { className: 'banner-header' }, h('h2', { className: 'title' }, this.phase, this.dots), this.elapsed);
    this.element = h(
      'section',
      { className: 'banner', attrs: { 'aria-label': 'Sync status' } },
      header,
      this.bar,
      this.message,
      this.countdown,
      this.stats,
      this.actions,
      this.live,
    );
  }

  render(state: ClientState, now: number): void {
    const model = bannerModel(state, now);
    this.element.dataset.mode = model.mode;
    setText(this.phase, model.title);
    show(this.dots, model.animated);
    this.renderText(this.elapsed, model.elapsed);
    this.renderText(this.message, model.message);
    this.renderText(this.countdown, model.countdown);
    this.renderProgress(model.progress);
    this.renderStats(model.stats);
    this.renderActions(model.actions);
    this.hasActions = model.actions.length > 0;
    this.announce(model);
  }

  private renderText(el: HTMLElement, text: string | null): void {
    show(el, text !== null);
    setText(el, text ?? '');
  }

  private renderProgress(progress: BannerModel['progress']): void {
    show(this.bar, progress !== null);
    if (!progress) return;
    const value = percent(progress);
    this.bar.classList.toggle('indeterminate', value === null);
    if (value === null) {
      // An indeterminate progressbar has no value (WAI-ARIA): screen readers say "busy".
      this.bar.removeAttribute('aria-valuenow');
      this.bar.removeAttribute('aria-valuemax');
      this.bar.removeAttribute('aria-valuetext');
      this.fill.style.removeProperty('width');
      return;
    }
    this.bar.setAttribute('aria-valuemax', '100');
    this.bar.setAttribute('aria-valuenow', String(value));
    this.bar.setAttribute('aria-valuetext', progress.label ? `${value}%, ${progress.label}` : `${value}%`);
    this.bar.title = progress.label ?? '';
    // CSSOM writes are allowed by the CSP's style-src (unlike style="" attributes).
    this.fill.style.width = `${value}%`;
  }

  private renderStats(items: StatItem[]): void {
    show(this.stats, items.length > 0);
    const key = items.map((i) => `${i.text}|${i.title ?? ''}`).join('\n');
    if (key === this.statsKey) return;
    this.statsKey = key;
    this.stats.replaceChildren(
      ...items.map((i) => h('li', { text: i.text, attrs: { 'aria-label': i.label, ...(i.title ? { title: i.title } : {}) } })),
    );
  }

  private renderActions(actions: WebviewAction[]): void {
    show(this.actions, actions.length > 0);
    const key = actions.join(',');
    if (key === this.actionsKey) return; // keep the buttons (and keyboard focus) when nothing changed
    this.actionsKey = key;
    this.actions.replaceChildren(
      ...actions.map((action, i) => {
        const button = createButton(actionLabels[action], i === 0 ? 'primary' : 'secondary');
        button.addEventListener('click', () => this.post({ type: 'action', action }));
        return button;
      }),
    );
  }

  /** Phase changes and outcomes go to the live region; counters do not (they would flood it). */
  private announce(model: BannerModel): void {
    const terminal = model.mode !== 'running' && model.mode !== 'waiting' && model.mode !== 'loading';
    const detail = terminal ? model.message : model.notice;
    const text = detail ? `${model.title}. ${detail}` : model.title;
    if (text === this.announced) return;
    this.announced = text;
    setText(this.live, text);
  }
}
