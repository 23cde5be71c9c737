import * as vscode from 'vscode';
import type { Localize } from './approvalText';

/**
 * VS Code hides CodeLenses in diff editors unless `diffEditor.codeLens` is on, so the per-hunk
 * "Accept change" / "Reject change" would not show. Asks once per window whether to turn it on (in
 * the user settings); "Review Pending Edits → Choose Changes…" does the same without CodeLenses.
 * Returns whether the lenses will show.
 */
export async function offerDiffCodeLens(t: Localize): Promise<boolean> {
  if (vscode.workspace.getConfiguration('editor').get<boolean>('codeLens') === false) return false;
  const diffEditor = vscode.workspace.getConfiguration('diffEditor');
  if (diffEditor.get<boolean>('codeLens') === true) return true;
  const turnOn = t('Turn On');
  const choice = await vscode.window.showInformationMessage(
    t(
      'To accept or reject single changes in the diff, turn on CodeLens in diff editors (diffEditor.codeLens). You can also choose changes in Review Pending Edits.',
    ),
    turnOn,
    t('Not Now'),
  );
  if (choice !== turnOn) return false;
  await diffEditor.update('codeLens', true, vscode.ConfigurationTarget.Global);
  return true;
}
