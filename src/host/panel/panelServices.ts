// What the run panel needs from the rest of the host.
import type * as vscode from 'vscode';
import type { TaskActionMessage } from '../../protocol/taskActions';
import type { LogLine } from '../../protocol/logs';
import type { ReviewMessage, ReviewRequest } from '../../protocol/review';
import type { DiffApprovals } from '../approvals/diffApprovals';
import type { RunsModel } from '../views/runsModel';

/** The HostContainer provides these. */
export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  readonly model: RunsModel;
  readonly approvals: Pick<DiffApprovals, 'pending' | 'accept' | 'reject' | 'openDiff' | 'onDidChangePending'>;
  readonly log: vscode.LogOutputChannel;
  /** Removes secrets from text sent to the webview (checklist 8). */
  scrub(text: string): string;
  /** The agents a task of the run may be reassigned to. */
  agentIds(runId: string): string[];
  /** The run's recent log lines, for a snapshot. */
  recentLines(runId: string): LogLine[];
  /** Carries out a task action from a node. */
  taskAction(message: TaskActionMessage): Promise<void>;
  /** The whole-run review: answers a review message with the review to send (none for an opened diff). */
  readonly reviews: { handle(message: ReviewRequest): Promise<ReviewMessage | undefined> };
}
