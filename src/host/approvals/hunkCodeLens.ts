import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { hunkLenses } from './approvalText';
import type { Localize } from './approvalText';
import type { PendingEdits } from './pendingEdits';
import type { ProposalDocuments } from './proposalDocuments';

/** The commands a hunk's CodeLens runs, with `(documentUri, hunkIndex)`: the document names the proposal. */
export interface HunkCommandIds {
  acceptHunk: string;
  rejectHunk: string;
}

/**
 * "Accept change" / "Reject change" above each hunk of a proposed document (the diff's right-hand
 * side), and the decision with an Undo once the user has made one.
 */
export class HunkCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());

  /** Fires when hunks or their states change. */
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly pending: PendingEdits,
    private readonly documents: ProposalDocuments,
    private readonly commands: HunkCommandIds,
    private readonly t: Localize,
  ) {
    super();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const query = this.documents.parse(document.uri);
    const id = this.documents.ownerOf(document.uri.toString());
    if (query?.side !== 'proposed' || id === undefined || this.pending.get(id) === undefined) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const hunk of this.pending.hunks(id)) {
      const line = Math.min(hunk.anchorLine, Math.max(0, document.lineCount - 1));
      const range = new vscode.Range(line, 0, line, 0);
      for (const lens of hunkLenses(this.t, this.pending.hunkState(id, hunk.index), hunk.eolOnly)) {
        const command =
          lens.action === 'accept'
            ? this.commands.acceptHunk
            : lens.action === 'reject'
              ? this.commands.rejectHunk
              : '';
        lenses.push(new vscode.CodeLens(range, { title: lens.title, command, arguments: [document.uri, hunk.index] }));
      }
    }
    return lenses;
  }

  /** Asks VS Code for the lenses again. */
  refresh(): void {
    this.changed.fire();
  }
}
