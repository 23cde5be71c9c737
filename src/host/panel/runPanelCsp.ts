// The run panel's Content Security Policy (checklist 13); free of `vscode` so the browser harness
// serves the page under the very same policy.

/** The CSP: nothing by default, scripts only by nonce, styles/images/fonts only from the extension. */
export function runPanelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}
