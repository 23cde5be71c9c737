import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { EditProposal } from '../../core/tools/approvalPort';
import type { PendingEdits } from './pendingEdits';
import { formatProposalQuery, parseProposalQuery, proposalPath } from './proposalQuery';
import type { ProposalQuery, ProposalSide } from './proposalQuery';

/** The URI scheme of proposed content and of the diff's empty or snapshot side. */
export const PROPOSAL_SCHEME = 'agent-orchestrator-proposal';

/** Snapshots kept for "Open Edit" diffs of applied edits; older ones are dropped. */
const MAX_SNAPSHOTS = 20;

/**
 * The read-only virtual documents of the approval diffs. A URI's path is the file's workspace path
 * (so the tab shows its name and language), its query the approval id, which side it is and a
 * version that is new whenever a diff is opened anew. The proposed side always serves the current
 * text of the pending proposal (the agent's, or the user's edited version), and every URI handed out
 * for a proposal is refreshed when that text changes.
 */
export class ProposalDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  private readonly handedOut = new Map<string, vscode.Uri[]>();
  private readonly snapshots = new Map<string, string>();
  private nextVersion = 1;

  /** Fires for a handed-out URI whose text changed; VS Code then asks for the content again. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly pending: PendingEdits) {
    super();
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const query = this.parse(uri);
    if (query === undefined) return '';
    // A URI detached from its proposal (decided, or proposed again) never shows another text.
    if (query.side === 'proposed')
      return this.ownerOf(uri.toString()) === undefined ? '' : (this.pending.proposedContent(query.id) ?? '');
    if (query.side === 'snapshot') return this.snapshots.get(query.id) ?? '';
    return '';
  }

  /** The query of one of our URIs; undefined for any other URI. */
  parse(uri: vscode.Uri): ProposalQuery | undefined {
    return uri.scheme === PROPOSAL_SCHEME ? parseProposalQuery(uri.query) : undefined;
  }

  /**
   * The proposal a URI (as a string) was handed out for, while it still belongs to it: undefined
   * once the proposal is decided or proposed again, so an old tab never acts on a newer text.
   */
  ownerOf(uri: string): string | undefined {
    for (const [id, uris] of this.handedOut) if (uris.some((u) => u.toString() === uri)) return id;
    return undefined;
  }

  /**
   * A URI for one side of a proposal's diff. `reuse` returns the last one handed out for that side
   * (to focus a diff that is already open); otherwise the URI carries a new version.
   */
  uriFor(proposal: EditProposal, side: Exclude<ProposalSide, 'snapshot'>, reuse: boolean): vscode.Uri | undefined {
    const path = proposalPath(proposal.path);
    if (path === undefined) return undefined;
    const known = this.handedOut.get(proposal.approvalId) ?? [];
    const last = [...known].reverse().find((u) => this.parse(u)?.side === side);
    if (reuse && last !== undefined) return last;
    const uri = vscode.Uri.from({
      scheme: PROPOSAL_SCHEME,
      path,
      query: formatProposalQuery({ id: proposal.approvalId, side, version: this.nextVersion++ }),
    });
    this.handedOut.set(proposal.approvalId, [...known, uri]);
    return uri;
  }

  /** A read-only document holding `content` (an applied edit's earlier text), for a diff against the file. */
  snapshotUri(relativePath: string, content: string): vscode.Uri | undefined {
    const path = proposalPath(relativePath);
    if (path === undefined) return undefined;
    const version = this.nextVersion++;
    const key = `snapshot-${version}`;
    this.snapshots.set(key, content);
    for (const old of [...this.snapshots.keys()].slice(0, Math.max(0, this.snapshots.size - MAX_SNAPSHOTS)))
      this.snapshots.delete(old);
    return vscode.Uri.from({
      scheme: PROPOSAL_SCHEME,
      path,
      query: formatProposalQuery({ id: key, side: 'snapshot', version }),
    });
  }

  /** Every URI handed out for a proposal (to find and close its tabs). */
  urisOf(approvalId: string): readonly vscode.Uri[] {
    return this.handedOut.get(approvalId) ?? [];
  }

  /** Tells VS Code that the proposal's text changed. */
  refresh(approvalId: string): void {
    for (const uri of this.urisOf(approvalId)) this.changed.fire(uri);
  }

  /** Forgets the URIs handed out so far for a proposal that is no longer pending, and returns them (to close their tabs). */
  detach(approvalId: string): vscode.Uri[] {
    const uris = [...this.urisOf(approvalId)];
    this.handedOut.delete(approvalId);
    return uris;
  }
}
