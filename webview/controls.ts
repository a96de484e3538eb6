// SyncControls: the branch dropdown (default, current and recent branches, plus "More branches…"
// which opens the command palette's QuickPick), Sync, and Cancel while a sync runs.
import type { WebviewToHost } from '../src/protocol/messages';
import { h, show } from './dom';
import { controlsModel, MORE_BRANCHES, type ControlsModel } from './model';
import type { ClientState } from './state';
import { createButton, createDropdown, createOption, type DropdownElement } from './toolkit';

export class SyncControls {
  readonly element: HTMLElement;
  private readonly dropdown: DropdownElement;
  private readonly syncButton = createButton('Sync');
  private readonly cancelButton = createButton('Cancel', 'secondary');
  private optionsKey = '';
  private model: ControlsModel | undefined;

  constructor(
    private readonly post: (message: WebviewToHost) => void,
    private readonly onSelect: (branch: string) => void,
  ) {
    this.dropdown = createDropdown('Branch');
    this.dropdown.id = 'branch';
    this.dropdown.addEventListener('change', () => this.onDropdownChange());
    this.syncButton.addEventListener('click', () => this.onSync());
    this.cancelButton.addEventListener('click', () => this.post({ type: 'cancel' }));
    this.element = h(
      'section',
      { className: 'controls', attrs: { 'aria-label': 'Sync controls' } },
      h('label', { className: 'branch-label', text: 'Branch', attrs: { for: 'branch' } }),
      this.dropdown,
      h('div', { className: 'buttons' }, this.syncButton, this.cancelButton),
    );
  }

  /** `primary`: Sync is the view's one primary button (false while the banner offers an error's fix). */
  render(state: ClientState, primary = true): void {
    const model = controlsModel(state);
    const appearance = primary ? 'primary' : 'secondary';
    if (this.syncButton.getAttribute('appearance') !== appearance) this.syncButton.setAttribute('appearance', appearance);
    this.model = model;
    show(this.element, model.visible !== false);
    this.renderOptions(model);
    this.dropdown.disabled = !model.dropdownEnabled;
    this.syncButton.disabled = !model.syncEnabled;
    show(this.syncButton, !model.cancelVisible);
    show(this.cancelButton, model.cancelVisible);
  }

  private renderOptions(model: ControlsModel): void {
    const key = JSON.stringify([model.options, model.selected]);
    if (key === this.optionsKey) return;
    this.optionsKey = key;
    this.dropdown.replaceChildren(...model.options.map((o) => createOption(o.value, o.label, o.value === model.selected)));
    // The element picks up slotted options asynchronously; set the value once it has them.
    queueMicrotask(() => this.syncDropdownValue());
  }

  private syncDropdownValue(): void {
    const selected = this.model?.selected;
    if (selected != null && this.dropdown.value !== selected) this.dropdown.value = selected;
  }

  private onDropdownChange(): void {
    const value = this.dropdown.value;
    if (value === MORE_BRANCHES) {
      this.syncDropdownValue(); // the QuickPick's choice comes back from the host
      this.post({ type: 'pickBranch' });
      return;
    }
    if (!value || value === this.model?.selected) return;
    this.onSelect(value);
    this.post({ type: 'selectBranch', branch: value });
  }

  private onSync(): void {
    const branch = this.model?.selected;
    if (branch && this.model?.syncEnabled) this.post({ type: 'sync', branch });
  }
}
