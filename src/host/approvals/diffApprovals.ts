import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { visibleText } from '../../core/common/visibleText';
import { TaskFailure } from '../../core/model/failure';
import type { ApprovalDecision, ApprovalPort, EditProposal } from '../../core/tools/approvalPort';
import { openAppliedEditDiff } from './appliedEditDiff';
import { ApprovalCommandIds, ApprovalCommands, ContextKeys } from './approvalCommands';
import type { ApprovalCommandHandlers } from './approvalCommands';
import { diffTitle, dirtyMessage, hunkChoiceText, protectedWarning, rejectTitle, staleMessage } from './approvalText';
import type { Localize } from './approvalText';
import { appliedEditArg, approvalIdArg, hunkArgs, isRecord, rejection, runIdArg } from './commandArgs';
import type { AppliedEditRef } from './commandArgs';
import { offerDiffCodeLens } from './diffCodeLensSetting';
import { readDiskText } from './diskText';
import { HunkCodeLensProvider } from './hunkCodeLens';
import { hunkStats } from './hunks';
import { PendingEdits } from './pendingEdits';
import { PROPOSAL_SCHEME, ProposalDocuments } from './proposalDocuments';
import { ProposalDrafts } from './proposalDrafts';
import { proposalPath } from './proposalQuery';
import { activeTabUri, closeTabsShowing, isShowing } from './proposalTabs';
import { reviewPendingEdits } from './reviewPicker';
import type { HunkChoice, ReviewActions, ReviewRow } from './reviewPicker';

/** What DiffApprovals needs from the rest of the host. */
export interface DiffApprovalsOptions {
  /** The `agentOrchestrator.approvalMode` setting, read at each proposal. */
  approvalMode: () => 'ask' | 'autoApprove';
  log: vscode.LogOutputChannel;
  /** The file a workspace-relative path names; default: under the first workspace folder. */
  resolveUri?: (path: string) => vscode.Uri | undefined;
  /** A task's title for labels; default: its id. */
  taskLabel?: (runId: string, taskId: string) => string | undefined;
  /** The text a file had before a task's edits (its checkpoint), for "Open Edit" on an applied edit. */
  previousContent?: (edit: AppliedEditRef) => Promise<string | undefined>;
}

const t: Localize = (message, ...args) => vscode.l10n.t(message, ...args);

/**
 * The host's approval port: each proposal waits in a diff editor (file left, proposal right) until
 * the user accepts or rejects it from the editor title, per hunk from CodeLenses, or in the
 * run-wide review. The engine journals the decision and writes the file itself, exactly once (in
 * the host through `applyContentWithWorkspaceEdit`). A file that changed since the proposal is
 * refused by the engine's apply step, which has the agent re-propose; here the user is only told.
 * With `autoApprove` every edit but a protected one is accepted without asking.
 */
export class DiffApprovals extends Disposable implements ApprovalPort, ReviewActions, ApprovalCommandHandlers {
  private readonly store: PendingEdits;
  private readonly documents: ProposalDocuments;
  private readonly lenses: HunkCodeLensProvider;
  private readonly drafts: ProposalDrafts;
  private readonly pendingChanged = this._register(new vscode.EventEmitter<void>());
  /** Approvals with a decision under way (a reason prompt, a disk read): no second decision starts. */
  private readonly deciding = new Set<string>();
  private readonly contextKeys = new ContextKeys();
  private offeredCodeLens = false;

  /** Fires when an edit starts or stops waiting, or its hunk decisions change. */
  readonly onDidChangePending = this.pendingChanged.event;

  /** Registers the content and CodeLens providers, the approval commands and the context-key listeners. */
  constructor(private readonly options: DiffApprovalsOptions) {
    super();
    this.store = this._register(
      new PendingEdits(Date.now, (err) => options.log.error('An approval listener failed', err)),
    );
    this.documents = this._register(new ProposalDocuments(this.store));
    this.lenses = this._register(new HunkCodeLensProvider(this.store, this.documents, ApprovalCommandIds, t));
    this.drafts = this._register(new ProposalDrafts(this.store));
    this._register(
      this.store.onDidChange((change) => {
        if (change.kind === 'removed') void this.closeProposal(change.approvalId);
        else this.documents.refresh(change.approvalId);
        this.lenses.refresh();
        this.pendingChanged.fire();
        this.updateContextKeys();
      }),
    );
    this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this.documents));
    this._register(vscode.languages.registerCodeLensProvider({ scheme: PROPOSAL_SCHEME }, this.lenses));
    this._register(new ApprovalCommands(this, options.log));
    this._register(vscode.window.tabGroups.onDidChangeTabs(() => this.updateContextKeys()));
    this._register(vscode.window.tabGroups.onDidChangeTabGroups(() => this.updateContextKeys()));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKeys()));
    this.updateContextKeys();
  }

  async decideEdit(proposal: EditProposal, signal: AbortSignal): Promise<ApprovalDecision> {
    signal.throwIfAborted();
    const autoApprove = this.options.approvalMode() === 'autoApprove';
    if (autoApprove && !proposal.protected) {
      this.options.log.info(`Auto-approved the edit of ${visibleText(proposal.path)} (${proposal.approvalId}).`);
      return { decision: 'accepted', by: 'auto' };
    }
    if (this.fileUri(proposal.path) === undefined) {
      return {
        decision: 'rejected',
        by: 'auto',
        reason: `${visibleText(proposal.path)} is not a path inside the workspace.`,
      };
    }
    const decided = this.store.wait(proposal, signal);
    this.options.log.info(`Waiting for your decision on ${visibleText(proposal.path)} (${proposal.approvalId}).`);
    void this.openDiff(proposal.approvalId, true).catch((err: unknown) =>
      this.options.log.error(`Could not open the diff of ${visibleText(proposal.path)}`, err),
    );
    if (proposal.protected) void this.warnProtected(proposal, autoApprove);
    if (!this.offeredCodeLens) {
      this.offeredCodeLens = true;
      void offerDiffCodeLens(t).catch((err: unknown) =>
        this.options.log.warn(`Could not turn on diff CodeLenses: ${String(err)}`),
      );
    }
    return decided;
  }

  /** The proposals waiting for a decision, of one run or all, oldest first. */
  pending(runId?: string): EditProposal[] {
    return this.store.list(runId).map((e) => e.proposal);
  }

  /** The run-wide review quick pick. */
  reviewPending(runId?: string): Promise<void> {
    return reviewPendingEdits(this, t, runId);
  }

  rows(runId: string | undefined): ReviewRow[] {
    return this.store.list(runId).map((entry) => ({
      proposal: entry.proposal,
      stats: hunkStats(this.store.hunks(entry.proposal.approvalId)),
      edited: entry.userContent !== undefined,
      taskLabel: this.taskLabel(entry.proposal),
    }));
  }

  /** Opens (or focuses) the proposal's diff: the file left (empty for a new file), the proposal right. */
  async openDiff(approvalId: string, preserveFocus = false): Promise<void> {
    const proposal = this.store.get(approvalId)?.proposal;
    const file = proposal === undefined ? undefined : this.fileUri(proposal.path);
    if (proposal === undefined || file === undefined) return;
    // A diff still open is focused; one opened anew gets new URI versions, so no cached text shows.
    const open = this.documents.urisOf(approvalId).some(isShowing);
    const right = this.documents.uriFor(proposal, 'proposed', open);
    const left = proposal.before === undefined ? this.documents.uriFor(proposal, 'empty', open) : file;
    if (right === undefined || left === undefined) return;
    await vscode.commands.executeCommand('vscode.diff', left, right, diffTitle(t, proposal, this.taskLabel(proposal)), {
      preview: false,
      preserveFocus,
    });
  }

  /** Accepts the edit with every hunk the user did not reject; all rejected is a rejection. */
  async accept(approvalId: string): Promise<void> {
    this.drafts.flush(approvalId);
    const outcome = this.store.acceptOutcome(approvalId);
    if (outcome.kind === 'allRejected') return this.reject(approvalId);
    const proposal = this.store.get(approvalId)?.proposal;
    const file = proposal === undefined ? undefined : this.fileUri(proposal.path);
    if (proposal === undefined || file === undefined || this.deciding.has(approvalId)) return;
    if (vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.toString() === file.toString())) {
      void vscode.window.showWarningMessage(dirtyMessage(t, proposal.path));
      return;
    }
    this.deciding.add(approvalId);
    try {
      // The engine's apply step refuses a changed file and has the agent re-propose; the user learns why here.
      const onDisk = await readDiskText(file).catch(() => proposal.before);
      if (onDisk !== proposal.before) void vscode.window.showInformationMessage(staleMessage(t, proposal.path));
      this.settle(
        approvalId,
        outcome.content === undefined
          ? { decision: 'accepted', by: 'user' }
          : { decision: 'accepted', by: 'user', content: outcome.content },
      );
    } finally {
      this.deciding.delete(approvalId);
    }
  }

  /** Rejects the edit, asking for an optional reason for the agent (Escape: none). */
  async reject(approvalId: string): Promise<void> {
    const proposal = this.store.get(approvalId)?.proposal;
    if (proposal === undefined || this.deciding.has(approvalId)) return;
    this.deciding.add(approvalId);
    try {
      this.settle(approvalId, rejection(await askReason(rejectTitle(t, proposal.path))));
    } finally {
      this.deciding.delete(approvalId);
    }
  }

  /** Opens the proposed text (with the current hunk decisions) in an editable draft that becomes the proposal. */
  async editProposal(approvalId: string): Promise<void> {
    const entry = this.store.get(approvalId);
    const file = entry === undefined ? undefined : this.fileUri(entry.proposal.path);
    if (entry === undefined || file === undefined) return;
    const outcome = this.store.acceptOutcome(approvalId);
    const text =
      outcome.kind === 'allRejected'
        ? (entry.proposal.before ?? '')
        : (outcome.content ?? this.store.proposedContent(approvalId) ?? '');
    const languageId =
      entry.proposal.before === undefined
        ? undefined
        : await vscode.workspace.openTextDocument(file).then(
            (d) => d.languageId,
            () => undefined,
          );
    await this.drafts.open(approvalId, text, languageId);
    void vscode.window.showInformationMessage(
      t(
        "Edit the proposal for {0}, then choose Accept Edit (or Reject Edit) in the editor title. Your text replaces the agent's.",
        visibleText(entry.proposal.path),
      ),
    );
  }

  restoreProposal(approvalId: string): void {
    this.store.setUserContent(approvalId, undefined);
  }

  hunkChoices(approvalId: string): HunkChoice[] {
    return this.store.hunks(approvalId).map((hunk) => ({
      index: hunk.index,
      ...hunkChoiceText(t, hunk),
      accepted: this.store.hunkState(approvalId, hunk.index) !== 'rejected',
    }));
  }

  chooseHunks(approvalId: string, accepted: ReadonlySet<number>): void {
    this.store.setHunkStates(approvalId, accepted);
  }

  async acceptAll(approvalIds: string[]): Promise<void> {
    for (const id of approvalIds) await this.accept(id);
  }

  async rejectAll(approvalIds: string[]): Promise<void> {
    const decision = rejection(await askReason(t('Reject {0} edits', approvalIds.length)));
    for (const id of approvalIds) if (!this.deciding.has(id)) this.settle(id, decision);
  }

  async acceptEditCommand(arg: unknown): Promise<void> {
    await this.withTarget(arg, (id) => this.accept(id));
  }

  async rejectEditCommand(arg: unknown): Promise<void> {
    await this.withTarget(arg, (id) => this.reject(id));
  }

  /** A hunk's CodeLens (a second click undoes); once every hunk is decided, the edit is decided as a whole. */
  async hunkCommand(approvalId: unknown, hunkIndex: unknown, state: 'accepted' | 'rejected'): Promise<void> {
    const args = hunkArgs(approvalId, hunkIndex);
    if (args === undefined || !this.store.toggleHunk(args.approvalId, args.index, state)) return;
    if (this.store.undecided(args.approvalId) === 0) await this.accept(args.approvalId);
  }

  async reviewPendingCommand(arg: unknown): Promise<void> {
    await this.reviewPending(runIdArg(arg));
  }

  /** A pending edit's diff (by approval id, or by path, run and task), else the applied edit's diff. */
  async openEditDiffCommand(arg: unknown): Promise<void> {
    const ref = appliedEditArg(arg);
    const pendingId =
      this.targetOf(arg) ??
      (ref === undefined ? undefined : this.store.list().find((e) => sameEdit(e.proposal, ref))?.proposal.approvalId);
    if (pendingId !== undefined) return this.openDiff(pendingId);
    const file = ref === undefined ? undefined : this.fileUri(ref.path);
    if (ref === undefined || file === undefined) {
      void vscode.window.showInformationMessage(t('That edit is no longer waiting for approval.'));
      return;
    }
    const previous = this.options.previousContent;
    await openAppliedEditDiff(ref, {
      file,
      documents: this.documents,
      taskLabel: this.taskLabel(ref),
      previousContent: previous && (() => previous(ref)),
      t,
    });
  }

  /** Fails the waiting edits with a reason the run shows while the views still listen, then lets go of the rest. */
  override dispose(): void {
    this.store.dispose(
      new TaskFailure(
        'The window closed before the edit was decided; resume the run to be asked again.',
        'needs-human',
      ),
    );
    super.dispose();
  }

  private settle(approvalId: string, decision: ApprovalDecision): void {
    const path = this.store.get(approvalId)?.proposal.path;
    if (this.store.settle(approvalId, decision))
      this.options.log.info(
        `${decision.decision === 'accepted' ? 'Accepted' : 'Rejected'} the edit of ${visibleText(path ?? '')} (${approvalId}).`,
      );
  }

  /** Runs `run` on the proposal the argument names; without one, on the active proposal or one the user picks. */
  private async withTarget(arg: unknown, run: (approvalId: string) => Promise<void>): Promise<void> {
    const named = typeof arg === 'string' || (isRecord(arg) && !(arg instanceof vscode.Uri));
    const id = this.targetOf(arg) ?? (named ? undefined : await this.pickPending());
    if (id !== undefined) await run(id);
    else if (named) void vscode.window.showInformationMessage(t('That edit is no longer waiting for approval.'));
  }

  /** The pending proposal an argument names: an approval id, a proposal, draft or file URI, or (none) the active tab's. */
  private targetOf(arg: unknown): string | undefined {
    const named = approvalIdArg(arg);
    if (named !== undefined || typeof arg === 'string' || (isRecord(arg) && !(arg instanceof vscode.Uri))) {
      return named !== undefined && this.store.get(named) !== undefined ? named : undefined;
    }
    const uri = arg instanceof vscode.Uri ? arg : activeTabUri();
    if (uri === undefined) return undefined;
    const id = this.documents.parse(uri)?.id ?? this.drafts.ownerOf(uri);
    if (id !== undefined) return this.store.get(id) === undefined ? undefined : id;
    return this.store.list().find((e) => this.fileUri(e.proposal.path)?.toString() === uri.toString())?.proposal
      .approvalId;
  }

  private async pickPending(): Promise<string | undefined> {
    const entries = this.store.list();
    if (entries.length <= 1) return entries[0]?.proposal.approvalId;
    const items = entries.map((e) => ({
      label: visibleText(e.proposal.path),
      description: visibleText(this.taskLabel(e.proposal)),
      id: e.proposal.approvalId,
    }));
    return (await vscode.window.showQuickPick(items, { placeHolder: t('Which pending edit?') }))?.id;
  }

  private async warnProtected(proposal: EditProposal, autoApprove: boolean): Promise<void> {
    const open = t('Open Diff');
    if ((await vscode.window.showWarningMessage(protectedWarning(t, proposal, autoApprove), open)) === open)
      await this.openDiff(proposal.approvalId);
  }

  /** Closes a decided (or aborted) proposal's diff and drafts; a new proposal under the same id keeps its own. */
  private async closeProposal(approvalId: string): Promise<void> {
    const uris = this.documents.detach(approvalId);
    try {
      await closeTabsShowing(uris);
      if (this.store.get(approvalId) === undefined) await this.drafts.discard(approvalId);
    } catch (err) {
      this.options.log.warn(
        `Could not close the diff of ${approvalId}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private updateContextKeys(): void {
    const uri = activeTabUri();
    const activeId = uri === undefined ? undefined : (this.documents.parse(uri)?.id ?? this.drafts.ownerOf(uri));
    this.contextKeys.set(
      ApprovalCommandIds.proposalActiveKey,
      activeId !== undefined && this.store.get(activeId) !== undefined,
    );
    this.contextKeys.set(ApprovalCommandIds.hasPendingEditsKey, this.store.list().length > 0);
  }

  private fileUri(path: string): vscode.Uri | undefined {
    if (this.options.resolveUri !== undefined) return this.options.resolveUri(path);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const clean = proposalPath(path);
    return folder === undefined || clean === undefined ? undefined : vscode.Uri.joinPath(folder.uri, clean);
  }

  private taskLabel(edit: { runId: string; taskId: string }): string {
    return this.options.taskLabel?.(edit.runId, edit.taskId) ?? edit.taskId;
  }
}

function sameEdit(proposal: EditProposal, ref: AppliedEditRef): boolean {
  return proposal.path === ref.path && proposal.runId === ref.runId && proposal.taskId === ref.taskId;
}

/** An optional reason for the agent; Escape gives none. */
function askReason(title: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: t('Why? Optional: the agent reads this. Press Escape to reject without a reason.'),
    ignoreFocusOut: true,
  });
}
