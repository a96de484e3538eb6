// The ONLY module that knows about @vscode/webview-ui-toolkit (archived upstream in January 2025).
// Everything else builds controls through these factories, so moving to @vscode-elements/elements
// (or plain elements) is a change to this one file.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';

export interface ButtonElement extends HTMLElement {
  disabled: boolean;
}

export interface DropdownElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

let registered = false;

/** Define the custom elements once. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing());
}

export function createButton(label: string, appearance: 'primary' | 'secondary' = 'primary'): ButtonElement {
  const button = document.createElement('vscode-button') as ButtonElement;
  button.setAttribute('appearance', appearance);
  button.textContent = label;
  return button;
}

export function createDropdown(ariaLabel: string): DropdownElement {
  const dropdown = document.createElement('vscode-dropdown') as DropdownElement;
  dropdown.setAttribute('aria-label', ariaLabel);
  return dropdown;
}

export function createOption(value: string, label: string, selected: boolean): HTMLElement {
  const option = document.createElement('vscode-option');
  option.setAttribute('value', value);
  if (selected) option.setAttribute('selected', '');
  option.textContent = label;
  return option;
}

export function createProgressRing(ariaLabel: string): HTMLElement {
  const ring = document.createElement('vscode-progress-ring');
  ring.setAttribute('aria-label', ariaLabel);
  return ring;
}
