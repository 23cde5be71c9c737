// The panel's page: the built webview bundle under a strict CSP (checklist 13).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { runPanelCsp } from './runPanelCsp';

/** The view type, also named by the `onWebviewPanel:` activation event. */
export const RUN_PANEL_VIEW_TYPE = 'agentOrchestrator.runPanel';

/** The folder of the built webview, the panel's only local resource root. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** Options of every run panel: scripts on, only the built webview folder readable. */
export function runPanelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)], enableFindWidget: true };
}

/** A fresh nonce per page load: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The page that loads `dist/webview/main.js`, `main.css` and the codicons (`codicon.css`, its font). */
export function runPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = newNonce();
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css'));
  const codicons = webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta property="csp-nonce" content="${nonce}">
<meta http-equiv="Content-Security-Policy" content="${runPanelCsp(webview.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codicons.toString()}" nonce="${nonce}">
<link rel="stylesheet" href="${style.toString()}" nonce="${nonce}">
<title>Run</title>
</head>
<body>
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
