// What the run panel needs from the rest of the host.
import type * as vscode from 'vscode';
import type { TaskActionMessage } from '../../protocol/taskActions';
import type { LogLine } from '../../protocol/logs';
import type { AgentView } from '../../protocol/agents';
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
  /** The registered agents, for the Agents tab (already scrubbed). */
  agentViews(): Promise<AgentView[]>;
  /** The file an agent was defined in, when it has one: the only file `openAgentFile` opens. */
  agentFile(agentId: string): string | undefined;
  /** Carries out a task action from a node. */
  taskAction(message: TaskActionMessage): Promise<void>;
}
