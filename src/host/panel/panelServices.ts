// What the run panel needs from the rest of the host.
import type * as vscode from 'vscode';
import type { TaskActionMessage } from '../../protocol/taskActions';
import type { LogLine } from '../../protocol/logs';
import type { ReviewMessage, ReviewRequest } from '../../protocol/review';
import type { AgentView } from '../../protocol/agents';
import type { CommandApprovals } from '../approvals/commandApprovals';
import type { DiffApprovals } from '../approvals/diffApprovals';
import type { RunsModel } from '../views/runsModel';
import type { PlanReviewHost, PlanReviews } from './planReviews';

/** The HostContainer provides these. */
export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  readonly model: RunsModel;
  readonly approvals: Pick<DiffApprovals, 'pending' | 'accept' | 'reject' | 'openDiff' | 'onDidChangePending'>;
  /** Commands (run_command) waiting for a person; the approvals list decides them like edits. */
  readonly commandApprovals: Pick<CommandApprovals, 'isPending' | 'decide' | 'onDidChangePending'>;
  readonly log: vscode.LogOutputChannel;
  /** Removes secrets from text sent to the webview (checklist 8). */
  scrub(text: string): string;
  /** The agents a task of the run may be reassigned to. */
  agentIds(runId: string): string[];
  /** The run's log lines (stored and live, the most recent ones), for a snapshot. */
  recentLines(runId: string): Promise<LogLine[]>;
  /** Opens the diff of a task's edit, as the Runs view's edit items do. */
  openEdit(edit: { runId: string; taskId: string; path: string }): Promise<void>;
  /** The registered agents, for the Agents tab (already scrubbed). */
  agentViews(): Promise<AgentView[]>;
  /** Fires when the registered agents change, so the Agents tab shows an edited agent file at once. */
  onAgentsChanged?(listener: () => void): vscode.Disposable;
  /** The file an agent was defined in, when it has one: the only file `openAgentFile` opens. */
  agentFile(agentId: string): string | undefined;
  /** Carries out a task action from a node. */
  taskAction(message: TaskActionMessage): Promise<void>;
  /** Validates, runs and opens as JSON the plans under review. */
  readonly planReviewHost: PlanReviewHost;
  /** The plans under review in this window (RunPanels owns them). */
  readonly planReviews: PlanReviews;
  /** The whole-run review: answers a review message with the review to send (none for an opened diff). */
  readonly reviews: { handle(message: ReviewRequest): Promise<ReviewMessage | undefined> };
}
