import * as vscode from 'vscode';
import type { EditProposal } from '../../core/tools/approvalPort';
import { waitingBehindMessage } from './approvalText';
import type { Localize } from './approvalText';
import { bringBackToFront, closeStaleTabs, frontTabs } from './proposalTabs';
import { arrivalPlacement } from './proposalTargets';

/** What showing a new proposal needs from DiffApprovals. */
export interface ProposalArrivalDeps {
  /** The pending proposal a tab's document shows, if any. */
  shownBy: (uri: vscode.Uri) => string | undefined;
  isPending: (approvalId: string) => boolean;
  /** A proposal document no pending proposal owns (a tab restored from an earlier window, or left behind). */
  isStale: (uri: vscode.Uri) => boolean;
  openDiff: (approvalId: string, how: 'reveal' | 'background' | 'focus') => Promise<void>;
  reviewPending: (runId: string) => Promise<void>;
  /** The proposal's task title, or its id. */
  taskLabel: string;
  log: vscode.LogOutputChannel;
  t: Localize;
}

/**
 * Shows a new proposal without covering the diff a person is reading, and without taking the
 * keyboard focus: in front of the active group only when no other pending proposal shows in any
 * editor group; otherwise as a background tab of its own, with a notification that names its file
 * and task and offers to open it or the review list.
 */
export async function presentProposal(proposal: EditProposal, deps: ProposalArrivalDeps): Promise<void> {
  const { log, t } = deps;
  const id = proposal.approvalId;
  // A blank tab restored from an earlier window (its proposal asked again on resume) would be a second, inert one.
  await closeStaleTabs(deps.isStale).catch((err: unknown) =>
    log.warn(`Could not close old proposal tabs: ${String(err)}`),
  );
  const front = frontTabs();
  const reading = front.filter((tab) => deps.shownBy(tab.uri) !== undefined);
  const shown = reading.flatMap((tab) => deps.shownBy(tab.uri) ?? []);
  if (arrivalPlacement(shown, id) === 'reveal') return deps.openDiff(id, 'reveal');
  await deps.openDiff(id, 'background');
  // Where VS Code ignores opening in the background, the new tab came to the front: put the read one back.
  if ((await bringBackToFront(reading)) > 0)
    log.warn('A new proposal opened in front of the diff being read; the diff being read was put back in front.');
  const open = t('Open Diff');
  const review = t('Review Pending Edits');
  const choice = await vscode.window.showInformationMessage(
    waitingBehindMessage(t, proposal, deps.taskLabel),
    open,
    review,
  );
  // The notification outlives the proposal: a late click on a decided one says so.
  if (choice === open && !deps.isPending(id))
    void vscode.window.showInformationMessage(t('That edit is no longer waiting for approval.'));
  else if (choice === open) await deps.openDiff(id, 'focus');
  else if (choice === review) await deps.reviewPending(proposal.runId);
}
