// Placeholder webview bundle: the execution graph, logs and approvals arrive in a later release.

/** Text shown until the graph view exists. */
const PLACEHOLDER_TEXT = 'Execution graph arrives in a later release.';

/** Renders the placeholder into `#root`, creating it when the host page has none. */
export function renderPlaceholder(doc: Document): void {
  let root = doc.getElementById('root');
  if (!root) {
    root = doc.createElement('div');
    root.id = 'root';
    doc.body.append(root);
  }
  const message = doc.createElement('p');
  message.textContent = PLACEHOLDER_TEXT;
  message.style.color = 'var(--vscode-descriptionForeground)';
  root.replaceChildren(message);
}

renderPlaceholder(document);
