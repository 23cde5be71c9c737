import * as vscode from 'vscode';

/** The document the active tab shows: a diff's right-hand side, or a text editor's document. */
export function activeTabUri(): vscode.Uri | undefined {
  return tabUri(vscode.window.tabGroups.activeTabGroup.activeTab);
}

/** The document a tab shows: a diff's right-hand side, or a text editor's document. */
export function tabUri(tab: vscode.Tab | undefined): vscode.Uri | undefined {
  const input = tab?.input;
  if (input instanceof vscode.TabInputTextDiff) return input.modified;
  if (input instanceof vscode.TabInputText) return input.uri;
  return undefined;
}

/** The tab an editor group shows in front, remembered to bring it back there. */
export interface FrontTab {
  viewColumn: vscode.ViewColumn;
  label: string;
  /** The document it shows (a diff's right-hand side). */
  uri: vscode.Uri;
  /** A diff's left-hand side. */
  original: vscode.Uri | undefined;
}

/** The tab each editor group shows in front (text and diff editors only). */
export function frontTabs(): FrontTab[] {
  return vscode.window.tabGroups.all.flatMap((group) => {
    const tab = group.activeTab;
    const uri = tabUri(tab);
    if (tab === undefined || uri === undefined) return [];
    const original = tab.input instanceof vscode.TabInputTextDiff ? tab.input.original : undefined;
    return [{ viewColumn: group.viewColumn, label: tab.label, uri, original }];
  });
}

/**
 * Brings each of `tabs` back in front of its group where another tab took its place, without
 * taking the focus; returns how many it brought back. Needed only where VS Code ignores opening an
 * editor in the background.
 */
export async function bringBackToFront(tabs: readonly FrontTab[]): Promise<number> {
  let restored = 0;
  for (const front of tabs) {
    const group = vscode.window.tabGroups.all.find((g) => g.viewColumn === front.viewColumn);
    const key = front.uri.toString();
    if (group === undefined || tabUri(group.activeTab)?.toString() === key) continue;
    if (!group.tabs.some((tab) => tabUri(tab)?.toString() === key)) continue;
    const options = { viewColumn: front.viewColumn, preserveFocus: true, preview: false };
    if (front.original === undefined) await vscode.window.showTextDocument(front.uri, options);
    else await vscode.commands.executeCommand('vscode.diff', front.original, front.uri, front.label, options);
    restored++;
  }
  return restored;
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

/** Closes every tab whose document (a diff's right-hand side) `isStale` says belongs to no pending proposal. */
export async function closeStaleTabs(isStale: (uri: vscode.Uri) => boolean): Promise<void> {
  const stale = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => {
      const uri = tabUri(tab);
      return uri !== undefined && isStale(uri);
    });
  if (stale.length > 0) await vscode.window.tabGroups.close(stale, true);
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
