import * as vscode from 'vscode';
import { RunStore } from '../core/store/runStore';
import { registerRunCommands } from './runCommands';
import { RUNS_VIEW_ID, RunTreeProvider } from './runTreeProvider';

/** Wires the run store to the Runs view and the commands; nothing heavy runs here. */
export function activate(context: vscode.ExtensionContext): void {
  // Runs live in <globalStorage>/runs/<runId>/; the store owns that layout.
  const store = new RunStore({ root: context.globalStorageUri.fsPath });

  const tree = new RunTreeProvider(store);
  context.subscriptions.push(tree);

  const view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: tree });
  context.subscriptions.push(view);

  context.subscriptions.push(
    tree.onDidChangeError((message) => {
      view.message = message;
    }),
    // Other windows and the CLI add runs too; re-read whenever the view is shown again.
    view.onDidChangeVisibility((event) => {
      if (event.visible) tree.refresh();
    }),
  );

  context.subscriptions.push(...registerRunCommands(tree, view, store));
}

/** Nothing to release beyond `context.subscriptions`. */
export function deactivate(): void {}
