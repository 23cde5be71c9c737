// Every use of @vscode/webview-ui-toolkit sits here, so a successor (@vscode-elements/elements)
// replaces it in one file. The rest of the webview uses Button and Tabs only.
import { h, type ComponentChildren, type ComponentChild } from 'preact';
import { provideVSCodeDesignSystem, vsCodeButton } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements once. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton());
}

/** A themed button. */
export function Button(props: {
  onClick: () => void;
  children: ComponentChildren;
  secondary?: boolean;
  title?: string;
  /** The accessible name, when the visible text alone is ambiguous ("Remove" in a list). */
  label?: string;
  testId?: string;
  disabled?: boolean;
}): ComponentChild {
  return h(
    'vscode-button',
    {
      appearance: props.secondary ? 'secondary' : 'primary',
      title: props.title,
      'aria-label': props.label,
      'data-testid': props.testId,
      disabled: props.disabled,
      onClick: () => {
        if (!props.disabled) props.onClick();
      },
    },
    props.children,
  );
}

/** A row of tabs; the selected one is the primary button. */
export function Tabs<T extends string>(props: {
  tabs: readonly { id: T; label: string }[];
  selected: T;
  onSelect: (id: T) => void;
}): ComponentChild {
  return h(
    'div',
    { class: 'tabs', role: 'tablist' },
    props.tabs.map((tab) =>
      h(
        'vscode-button',
        {
          key: tab.id,
          role: 'tab',
          'aria-selected': tab.id === props.selected ? 'true' : 'false',
          appearance: tab.id === props.selected ? 'primary' : 'secondary',
          'data-testid': `tab-${tab.id}`,
          onClick: () => props.onSelect(tab.id),
        },
        tab.label,
      ),
    ),
  );
}
