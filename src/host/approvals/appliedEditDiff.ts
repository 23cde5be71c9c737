import * as vscode from 'vscode';
import { visibleText } from '../../core/common/visibleText';
import type { Localize } from './approvalText';
import type { AppliedEditRef } from './commandArgs';
import { readDiskText } from './diskText';
import type { ProposalDocuments } from './proposalDocuments';

/** What opening an applied edit needs. */
export interface AppliedEditDiffDeps {
  file: vscode.Uri;
  documents: ProposalDocuments;
  taskLabel: string;
  /** The file's text before the task (its checkpoint), when known. */
  previousContent: (() => Promise<string | undefined>) | undefined;
  t: Localize;
}

/** A diff of the file before the task against now when the earlier text is known; else the file; else a note that it is gone. */
export async function openAppliedEditDiff(ref: AppliedEditRef, deps: AppliedEditDiffDeps): Promise<void> {
  const { file, documents, t } = deps;
  const previous = await deps.previousContent?.().catch(() => undefined);
  const exists = (await readDiskText(file).catch(() => undefined)) !== undefined;
  const left = previous === undefined ? undefined : documents.snapshotUri(ref.path, previous);
  if (left !== undefined) {
    const right = exists ? file : documents.snapshotUri(ref.path, '');
    await vscode.commands.executeCommand(
      'vscode.diff',
      left,
      right,
      t('{0} (before task {1} ↔ now)', visibleText(ref.path), visibleText(deps.taskLabel)),
    );
  } else if (exists) {
    await vscode.window.showTextDocument(file, { preview: true });
  } else {
    void vscode.window.showInformationMessage(t('{0} no longer exists.', visibleText(ref.path)));
  }
}
