import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { visibleText } from '../../core/common/visibleText';
import type { EditProposal } from '../../core/tools/approvalPort';
import type { Localize } from './approvalText';
import type { PendingEdits } from './pendingEdits';
import { discardUntitled } from './proposalTabs';

/** How long typing in a draft settles before the diff and its CodeLenses follow. */
const SYNC_DELAY_MS = 300;

/**
 * "Edit Proposal…": the proposed text in an untitled, editable document. What the user types
 * becomes the proposal (the diff's right-hand side follows it), so accepting sends it to the
 * engine as the decision's `content`. Closing the draft keeps the text typed so far; "Restore the
 * Agent's Proposal" in the review undoes it.
 */
export class ProposalDrafts extends Disposable {
  private readonly owners = new Map<string, string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Follows typing in drafts and forgets closed ones. */
  constructor(private readonly pending: PendingEdits) {
    super();
    this._register(
      vscode.workspace.onDidChangeTextDocument((event) => {
        const key = event.document.uri.toString();
        const approvalId = this.owners.get(key);
        if (approvalId === undefined || event.contentChanges.length === 0) return;
        this.cancelTimer(key);
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            if (!event.document.isClosed) this.pending.setUserContent(approvalId, event.document.getText());
          }, SYNC_DELAY_MS),
        );
      }),
    );
    this._register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        const key = document.uri.toString();
        const approvalId = this.owners.get(key);
        if (approvalId === undefined) return;
        this.cancelTimer(key);
        this.pending.setUserContent(approvalId, document.getText());
        this.forget(key);
      }),
    );
  }

  /**
   * Opens a draft of the proposal as the user would accept it now (their hunk decisions applied),
   * in the file's language, and says what to do next.
   */
  async openFor(proposal: EditProposal, file: vscode.Uri, t: Localize): Promise<void> {
    const id = proposal.approvalId;
    const outcome = this.pending.acceptOutcome(id);
    const text =
      outcome.kind === 'allRejected'
        ? (proposal.before ?? '')
        : (outcome.content ?? this.pending.proposedContent(id) ?? '');
    const languageId =
      proposal.before === undefined
        ? undefined
        : await vscode.workspace.openTextDocument(file).then(
            (d) => d.languageId,
            () => undefined,
          );
    await this.open(id, text, languageId);
    void vscode.window.showInformationMessage(
      t(
        "Edit the proposal for {0}, then choose Accept Edit (or Reject Edit) in the editor title. Your text replaces the agent's.",
        visibleText(proposal.path),
      ),
    );
  }

  /** Opens a draft of `text` for the proposal, in the file's language when known. */
  async open(approvalId: string, text: string, languageId: string | undefined): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(
      languageId === undefined ? { content: text } : { content: text, language: languageId },
    );
    this.owners.set(document.uri.toString(), approvalId);
    this.pending.setUserContent(approvalId, text);
    await vscode.window.showTextDocument(document, { preview: false });
    return document;
  }

  /** The proposal a draft (its URI, or the URI as a string) belongs to. */
  ownerOf(uri: vscode.Uri | string): string | undefined {
    return this.owners.get(uri.toString());
  }

  /** Copies an open draft's text into the proposal now (before accepting). */
  flush(approvalId: string): void {
    for (const document of this.documentsOf(approvalId)) {
      this.cancelTimer(document.uri.toString());
      this.pending.setUserContent(approvalId, document.getText());
    }
  }

  /** Closes the proposal's drafts without a save prompt, once it is decided. */
  async discard(approvalId: string): Promise<void> {
    for (const document of this.documentsOf(approvalId)) {
      this.forget(document.uri.toString());
      await discardUntitled(document);
    }
  }

  /** Cancels the pending syncs (a timer per draft being typed in, so they are not `_register`ed). */
  override dispose(): void {
    for (const key of [...this.timers.keys()]) this.cancelTimer(key);
    this.owners.clear();
    super.dispose();
  }

  private documentsOf(approvalId: string): vscode.TextDocument[] {
    return vscode.workspace.textDocuments.filter(
      (d) => !d.isClosed && this.owners.get(d.uri.toString()) === approvalId,
    );
  }

  private forget(key: string): void {
    this.cancelTimer(key);
    this.owners.delete(key);
  }

  private cancelTimer(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
  }
}
