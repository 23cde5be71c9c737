import * as vscode from 'vscode';
import { whichEditItem, whichEditTitle } from './approvalText';
import type { EditAction, Localize } from './approvalText';
import { approvalIdArg } from './commandArgs';
import type { PendingEdits } from './pendingEdits';
import { PROPOSAL_SCHEME } from './proposalDocuments';
import type { ProposalDocuments } from './proposalDocuments';
import type { ProposalDrafts } from './proposalDrafts';
import { activeTabUri } from './proposalTabs';
import { askOrder, resolveTarget } from './proposalTargets';
import type { TargetLookup, TargetRef, TargetResolution } from './proposalTargets';

/** What finding a command's proposal needs. */
export interface CommandTargetsDeps {
  store: PendingEdits;
  documents: ProposalDocuments;
  drafts: ProposalDrafts;
  /** The workspace file a proposal's path names. */
  fileUri: (path: string) => vscode.Uri | undefined;
  /** A task's title for labels, or its id. */
  taskLabel: (edit: { runId: string; taskId: string }) => string;
  t: Localize;
}

/**
 * Finds the pending proposal an approval command acts on: the one its argument names (the
 * proposal document it was invoked from, or an approval id), else the one the user picks.
 */
export class CommandTargets {
  private readonly lookup: TargetLookup;

  constructor(private readonly deps: CommandTargetsDeps) {
    const { store, documents, drafts, fileUri } = deps;
    this.lookup = {
      isPending: (id) => store.get(id) !== undefined,
      ownerOfDocument: (uri) => documents.ownerOf(uri) ?? drafts.ownerOf(uri),
      pendingOfFile: (uri) =>
        store
          .list()
          .filter((e) => fileUri(e.proposal.path)?.toString() === uri)
          .map((e) => e.proposal.approvalId),
      pending: () => store.list().map((e) => e.proposal.approvalId),
    };
  }

  /** What the argument names, without asking. */
  resolve(arg: unknown): TargetResolution {
    return resolveTarget(this.refOf(arg), this.lookup);
  }

  /**
   * The proposal to act on: the one the argument names, else the user's answer to "which edit?"
   * (undefined when they press Escape, or when nothing it could name is waiting: then they are told).
   */
  async choose(arg: unknown, action: EditAction): Promise<string | undefined> {
    const { t } = this.deps;
    const resolved = this.resolve(arg);
    if (resolved.kind === 'proposal') return resolved.approvalId;
    if (resolved.kind === 'ask') return this.askWhich(resolved.among, action);
    void vscode.window.showInformationMessage(
      resolved.why === 'nothingPending'
        ? t('No edits are waiting for your approval.')
        : t('That edit is no longer waiting for approval.'),
    );
    return undefined;
  }

  /** The pending proposal a tab's document shows (a diff side or a draft), if any. */
  shownBy(uri: vscode.Uri | undefined): string | undefined {
    const id = uri === undefined ? undefined : this.lookup.ownerOfDocument(uri.toString());
    return id !== undefined && this.lookup.isPending(id) ? id : undefined;
  }

  /** What a command argument names: an approval id, one of our documents, another document, or nothing. */
  private refOf(arg: unknown): TargetRef {
    if (arg instanceof vscode.Uri) {
      const ours = arg.scheme === PROPOSAL_SCHEME || this.deps.drafts.ownerOf(arg) !== undefined;
      return { kind: ours ? 'document' : 'file', uri: arg.toString() };
    }
    const id = approvalIdArg(arg);
    return id === undefined ? { kind: 'none' } : { kind: 'approvalId', approvalId: id };
  }

  /**
   * "Which edit?" among `ids`, even when only one waits, the one in the active editor first: each
   * choice names the file and the task, so the person sees what they act on.
   */
  private async askWhich(ids: readonly string[], action: EditAction): Promise<string | undefined> {
    const { store, taskLabel, t } = this.deps;
    const active = this.shownBy(activeTabUri());
    const items = askOrder(ids, active).flatMap((id) => {
      const proposal = store.get(id)?.proposal;
      return proposal === undefined
        ? []
        : [{ ...whichEditItem(t, proposal, taskLabel(proposal), id === active), approvalId: id }];
    });
    const picked = await vscode.window.showQuickPick(items, {
      title: whichEditTitle(t, action),
      placeHolder: t('Each edit names its file and task'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.approvalId;
  }
}
