import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { visibleText } from '../../core/common/visibleText';
import { TaskFailure } from '../../core/model/failure';
import type { ApprovalDecision, ApprovalPort, EditProposal } from '../../core/tools/approvalPort';
import { openAppliedEditDiff } from './appliedEditDiff';
import type { CommandRegistrar } from '../activation/commandTable';
import { ApprovalCommandIds, ApprovalCommands, ContextKeys } from './approvalCommands';
import type { ApprovalCommandHandlers } from './approvalCommands';
import { diffTitle, dirtyMessage, hunkChoiceText, protectedWarning, rejectTitle, staleMessage } from './approvalText';
import type { EditAction, Localize } from './approvalText';
import { appliedEditArg, hunkArgs, rejection, runIdArg } from './commandArgs';
import { CommandTargets } from './commandTargets';
import { logIgnoredDecision, settleDecision } from './decisionLog';
import { offerDiffCodeLens } from './diffCodeLensSetting';
import { readDiskText } from './diskText';
import { HunkCodeLensProvider } from './hunkCodeLens';
import type { AppliedEditRef } from './commandArgs';
import { hunkStats } from './hunks';
import { PendingEdits } from './pendingEdits';
import type { DecisionOutcome, PendingEdit } from './pendingEdits';
import { PROPOSAL_SCHEME, ProposalDocuments } from './proposalDocuments';
import { ProposalDrafts } from './proposalDrafts';
import { fileUriOf, sameEdit } from './editLocation';
import { presentProposal } from './proposalArrival';
import { activeTabUri, closeTabsShowing, isShowing } from './proposalTabs';
import { reviewPendingEdits } from './reviewPicker';
import type { HunkChoice, ReviewActions, ReviewRow } from './reviewPicker';

/** What DiffApprovals needs from the rest of the host. */
export interface DiffApprovalsOptions {
  /** The `agentOrchestrator.approvalMode` setting, read at each proposal. */
  approvalMode: () => 'ask' | 'autoApprove';
  log: vscode.LogOutputChannel;
  /** Gives the approval commands their handlers (activation registered them with VS Code). */
  registerCommand: CommandRegistrar;
  /** The file a workspace-relative path names; default: under the first workspace folder. */
  resolveUri?: (path: string) => vscode.Uri | undefined;
  /** A task's title for labels; default: its id. */
  taskLabel?: (runId: string, taskId: string) => string | undefined;
  /** The text a file had before a task's edits (its checkpoint), for "Open Edit" on an applied edit. */
  previousContent?: (edit: AppliedEditRef) => Promise<string | undefined>;
}

const t: Localize = (message, ...args) => vscode.l10n.t(message, ...args);

/**
 * The host's approval port: each proposal waits in a diff editor of its own (file left, proposal
 * right) until the user accepts or rejects it from the editor title, per hunk from CodeLenses, or in
 * the run-wide review. A new proposal never covers the diff a person is reading: it opens as a
 * background tab and a notification names it. Every command acts on the proposal it names (the
 * document it was invoked from, or an approval id) and asks which when it names none. A proposal is
 * decided once; a second decision is a logged no-op. The engine journals the decision and writes
 * the file itself, exactly once (in the host through `applyContentWithWorkspaceEdit`). A file that
 * changed since the proposal is refused by the engine's apply step, which has the agent re-propose;
 * here the user is only told. With `autoApprove` every edit but a protected one is accepted
 * without asking.
 */
export class DiffApprovals extends Disposable implements ApprovalPort, ReviewActions, ApprovalCommandHandlers {
  private readonly store: PendingEdits;
  private readonly documents: ProposalDocuments;
  private readonly lenses: HunkCodeLensProvider;
  private readonly drafts: ProposalDrafts;
  private readonly targets: CommandTargets;
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
    this.targets = new CommandTargets({
      store: this.store,
      documents: this.documents,
      drafts: this.drafts,
      fileUri: (path) => fileUriOf(path, this.options.resolveUri),
      taskLabel: (edit) => this.taskLabel(edit),
      t,
    });
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
    this._register(new ApprovalCommands(this, options.log, options.registerCommand));
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
    if (fileUriOf(proposal.path, this.options.resolveUri) === undefined) {
      return {
        decision: 'rejected',
        by: 'auto',
        reason: `${visibleText(proposal.path)} is not a path inside the workspace.`,
      };
    }
    const decided = this.store.wait(proposal, signal);
    this.options.log.info(`Waiting for your decision on ${this.describe(proposal)}.`);
    void this.present(proposal).catch((err: unknown) =>
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

  /**
   * Opens (or focuses) the proposal's diff, the file left (empty for a new file), the proposal
   * right, in its own tab: `focus` (the user asked for it), `reveal` (in front, keeping the focus
   * where it is) or `background` (a tab behind the one in front).
   */
  async openDiff(approvalId: string, how: 'focus' | 'reveal' | 'background' = 'focus'): Promise<void> {
    const proposal = this.store.get(approvalId)?.proposal;
    const file = proposal === undefined ? undefined : fileUriOf(proposal.path, this.options.resolveUri);
    if (proposal === undefined || file === undefined) return;
    // A diff still open is focused; one opened anew gets new URI versions, so no cached text shows.
    const open = this.documents.urisOf(approvalId).some(isShowing);
    const right = this.documents.uriFor(proposal, 'proposed', open);
    const left = proposal.before === undefined ? this.documents.uriFor(proposal, 'empty', open) : file;
    if (right === undefined || left === undefined) return;
    // `background` is how VS Code's own API converter names an inactive editor (EditorOptions.inactive).
    const options: vscode.TextDocumentShowOptions & { background?: boolean } = {
      preview: false,
      preserveFocus: how !== 'focus',
      ...(how === 'background' ? { background: true } : {}),
    };
    const title = diffTitle(t, proposal, this.taskLabel(proposal));
    await vscode.commands.executeCommand('vscode.diff', left, right, title, options);
  }

  /** Accepts the edit with every hunk the user did not reject; all rejected is a rejection. */
  async accept(approvalId: string): Promise<DecisionOutcome> {
    const entry = this.store.get(approvalId);
    if (entry === undefined || this.deciding.has(approvalId)) return this.ignored(approvalId, 'accept');
    this.drafts.flush(approvalId);
    const outcome = this.store.acceptOutcome(approvalId);
    if (outcome.kind === 'allRejected') return this.reject(approvalId);
    const proposal = entry.proposal;
    const file = fileUriOf(proposal.path, this.options.resolveUri);
    if (file === undefined) return 'notPending';
    if (vscode.workspace.textDocuments.some((d) => d.isDirty && d.uri.toString() === file.toString())) {
      void vscode.window.showWarningMessage(dirtyMessage(t, proposal.path));
      return 'refused';
    }
    this.deciding.add(approvalId);
    try {
      // The engine's apply step refuses a changed file and has the agent re-propose; the user learns why here.
      const onDisk = await readDiskText(file).catch(() => proposal.before);
      if (onDisk !== proposal.before) void vscode.window.showInformationMessage(staleMessage(t, proposal.path));
      return this.settle(
        entry,
        outcome.content === undefined
          ? { decision: 'accepted', by: 'user' }
          : { decision: 'accepted', by: 'user', content: outcome.content },
      );
    } finally {
      this.deciding.delete(approvalId);
    }
  }

  /** Rejects the edit with `reason` for the agent; without one, asks for an optional reason (Escape: none). */
  async reject(approvalId: string, reason?: string): Promise<DecisionOutcome> {
    const entry = this.store.get(approvalId);
    if (entry === undefined || this.deciding.has(approvalId)) return this.ignored(approvalId, 'reject');
    this.deciding.add(approvalId);
    try {
      const why = reason ?? (await askReason(rejectTitle(t, entry.proposal.path, this.taskLabel(entry.proposal))));
      return this.settle(entry, rejection(why));
    } finally {
      this.deciding.delete(approvalId);
    }
  }

  /** Opens the proposed text (with the current hunk decisions) in an editable draft that becomes the proposal. */
  async editProposal(approvalId: string): Promise<void> {
    const entry = this.store.get(approvalId);
    const file = entry === undefined ? undefined : fileUriOf(entry.proposal.path, this.options.resolveUri);
    if (entry !== undefined && file !== undefined) await this.drafts.openFor(entry.proposal, file, t);
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
    const reason = (await askReason(t('Reject {0} edits', approvalIds.length))) ?? '';
    for (const id of approvalIds) await this.reject(id, reason);
  }

  async acceptEditCommand(arg: unknown): Promise<void> {
    await this.withTarget(arg, 'accept', (id) => this.accept(id));
  }

  async rejectEditCommand(arg: unknown): Promise<void> {
    await this.withTarget(arg, 'reject', (id) => this.reject(id));
  }

  /**
   * A hunk's CodeLens, with the proposal document it sits in (or an approval id) and the hunk's
   * index; a second click undoes. Once every hunk is decided, the edit is decided as a whole.
   */
  async hunkCommand(target: unknown, hunkIndex: unknown, state: 'accepted' | 'rejected'): Promise<void> {
    const resolved = this.targets.resolve(target);
    const id = resolved.kind === 'proposal' ? resolved.approvalId : undefined;
    const args = hunkArgs(id, hunkIndex);
    if (args === undefined) {
      this.options.log.info(`Ignored a change decision: its edit is no longer waiting (${String(target)}).`);
      return;
    }
    if (!this.store.toggleHunk(args.approvalId, args.index, state)) return;
    if (this.store.undecided(args.approvalId) === 0) await this.accept(args.approvalId);
  }

  async reviewPendingCommand(arg: unknown): Promise<void> {
    await this.reviewPending(runIdArg(arg));
  }

  /** A pending edit's diff (by approval id, or by path, run and task), else the applied edit's diff. */
  async openEditDiffCommand(arg: unknown): Promise<void> {
    const ref = appliedEditArg(arg);
    if (ref === undefined) return this.withTarget(arg, 'open', (id) => this.openDiff(id));
    const pendingId = this.store.list().find((e) => sameEdit(e.proposal, ref))?.proposal.approvalId;
    if (pendingId !== undefined) return this.openDiff(pendingId);
    const file = fileUriOf(ref.path, this.options.resolveUri);
    if (file === undefined) {
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

  /** Answers the engine for exactly the entry the user decided on; anything else is a logged no-op. */
  private settle(entry: PendingEdit, decision: ApprovalDecision): DecisionOutcome {
    return settleDecision(this.store, entry, decision, this.options.log, (p) => this.describe(p));
  }

  /** Logs a decision that changes nothing: already decided, under way, or not waiting. */
  private ignored(approvalId: string, action: 'accept' | 'reject'): DecisionOutcome {
    return logIgnoredDecision(this.store, approvalId, action, this.options.log);
  }

  /** Runs `run` on the proposal the argument names; when it names none (or several), asks which. */
  private async withTarget(arg: unknown, action: EditAction, run: (id: string) => Promise<unknown>): Promise<void> {
    const id = await this.targets.choose(arg, action);
    if (id !== undefined) await run(id);
  }

  /** Shows a new proposal without covering the diff being read (see {@link presentProposal}). */
  private present(proposal: EditProposal): Promise<void> {
    return presentProposal(proposal, {
      shownBy: (uri) => this.targets.shownBy(uri),
      isPending: (id) => this.store.get(id) !== undefined,
      isStale: (uri) => {
        const side = this.documents.parse(uri)?.side;
        return side !== undefined && side !== 'snapshot' && this.documents.ownerOf(uri.toString()) === undefined;
      },
      openDiff: (id, how) => this.openDiff(id, how),
      reviewPending: (runId) => this.reviewPending(runId),
      taskLabel: this.taskLabel(proposal),
      log: this.options.log,
      t,
    });
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
    this.contextKeys.set(ApprovalCommandIds.proposalActiveKey, this.targets.shownBy(activeTabUri()) !== undefined);
    this.contextKeys.set(ApprovalCommandIds.hasPendingEditsKey, this.store.list().length > 0);
  }

  private taskLabel(edit: { runId: string; taskId: string }): string {
    return this.options.taskLabel?.(edit.runId, edit.taskId) ?? edit.taskId;
  }

  /** A proposal as log lines name it: file, task and approval id. */
  private describe(proposal: EditProposal): string {
    return `the edit of ${visibleText(proposal.path)} for task ${visibleText(this.taskLabel(proposal))} (${visibleText(proposal.approvalId)})`;
  }
}

/** An optional reason for the agent; Escape gives none. */
function askReason(title: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: t('Why? Optional: the agent reads this. Press Escape to reject without a reason.'),
    ignoreFocusOut: true,
  });
}
