import * as vscode from 'vscode';

/** The document the active tab shows: a diff's right-hand side, or a text editor's document. */
export function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputTextDiff) return input.modified;
  if (input instanceof vscode.TabInputText) return input.uri;
  return undefined;
}

/** Closes every tab (plain or diff) showing one of `uris`; read-only virtual documents close without a prompt. */
export async function closeTabsShowing(uris: readonly vscode.Uri[]): Promise<void> {
  const keys = new Set(uris.map((u) => u.toString()));
  if (keys.size === 0) return;
  const shows = (uri: vscode.Uri): boolean => keys.has(uri.toString());
  const tabs = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => {
      const input = tab.input;
      if (input instanceof vscode.TabInputTextDiff) return shows(input.modified) || shows(input.original);
      if (input instanceof vscode.TabInputText) return shows(input.uri);
      return false;
    });
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
}

/** Whether a tab shows `uri` (alone or as a side of a diff). */
export function isShowing(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((group) =>
    group.tabs.some((tab) => {
      const input = tab.input;
      if (input instanceof vscode.TabInputTextDiff)
        return input.modified.toString() === key || input.original.toString() === key;
      return input instanceof vscode.TabInputText && input.uri.toString() === key;
    }),
  );
}

/**
 * Closes an untitled draft without the "Save changes?" prompt: the only way the API offers is to
 * make it the active editor and revert-and-close it, so this briefly takes focus.
 */
export async function discardUntitled(document: vscode.TextDocument): Promise<void> {
  if (document.isClosed || !isShowing(document.uri)) return;
  await vscode.window.showTextDocument(document, { preview: false, preserveFocus: false });
  if (vscode.window.activeTextEditor?.document.uri.toString() === document.uri.toString()) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
}
