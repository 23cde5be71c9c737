// What the host does with each parsed webview message. Free of `vscode`: the panel passes in the
// actions, so the exactly-once rule and the refusals are unit-tested in Node.
import type { WebviewMessage } from '../../protocol/messages';
import type { PlanReviewRequest } from '../../protocol/planReview';
import type { ReviewRequest } from '../../protocol/review';
import type { TaskActionMessage } from '../../protocol/taskActions';
import type { OpenEditMessage } from '../../protocol/taskDetails';

/** What a panel can do in answer to its webview. */
export interface PanelActions {
  /** The run the panel shows. */
  shownRunId(): string | undefined;
  /** Whether the store or this window knows the run. */
  knowsRun(runId: string): boolean;
  /** Whether the shown run's plan has this task. */
  hasTask(runId: string, taskId: string): boolean;
  /** Whether this window waits for a decision on the approval (DiffApprovals holds it). */
  isPending(approvalId: string): boolean;
  sendSnapshot(): Promise<void>;
  showRun(runId: string): Promise<void>;
  /** The same code path as the diff editor's Accept / Reject; `reason` is the person's words typed in the panel. */
  decide(approvalId: string, decision: 'accept' | 'reject', reason?: string): Promise<void>;
  openDiff(approvalId: string): Promise<void>;
  taskAction(message: TaskActionMessage): Promise<void>;
  /** The path of the task's edit at `index` in the run's state, if there is one. */
  editPath(runId: string, taskId: string, index: number): string | undefined;
  /** Opens the diff of an edit the run applied or proposed (the Runs view's "Open Edit"). */
  openEdit(runId: string, taskId: string, path: string): Promise<void>;
  /** Edit, Run, Discard or Open as JSON on a plan under review (`PlanReviews.handle`). */
  planReview(message: PlanReviewRequest): Promise<void>;
  /** The whole-run review: compute it, decide on a hunk, revert a file, open a file's diff. */
  review(message: ReviewRequest): Promise<void>;
  /** Whether the host knows a file for this agent id. */
  hasAgentFile(agentId: string): boolean;
  /** Opens the file the host knows for the agent. */
  openAgentFile(agentId: string): Promise<void>;
  log(message: string): void;
}

/**
 * Routes messages to actions. A decision is acted on once per approval id: a second one (a double
 * click, a replayed message) is ignored and logged, and so is one for an approval not waiting.
 */
export class PanelMessageRouter {
  private readonly decided = new Set<string>();

  constructor(private readonly actions: PanelActions) {}

  async handle(message: WebviewMessage): Promise<void> {
    const a = this.actions;
    switch (message.type) {
      case 'ready':
        return a.sendSnapshot();
      case 'selectRun':
        if (!a.knowsRun(message.runId)) return a.log(`Run panel: no run "${message.runId}"; nothing shown.`);
        return a.showRun(message.runId);
      case 'approvalDecision': {
        const id = message.approvalId;
        if (this.decided.has(id)) return a.log(`Run panel: a second decision on ${id} was ignored.`);
        if (!a.isPending(id)) return a.log(`Run panel: ${id} is not waiting for a decision in this window; ignored.`);
        this.decided.add(id);
        return message.reason === undefined
          ? a.decide(id, message.decision)
          : a.decide(id, message.decision, message.reason);
      }
      case 'openDiff':
        if (!a.isPending(message.approvalId)) return a.log(`Run panel: no pending ${message.approvalId} to open.`);
        return a.openDiff(message.approvalId);
      case 'taskAction':
        if (message.runId !== a.shownRunId() || !a.hasTask(message.runId, message.taskId)) {
          return a.log(`Run panel: ${message.action} names task ${message.taskId} of a run not shown; ignored.`);
        }
        return a.taskAction(message);
      case 'openEdit':
        return this.openEdit(message);
      case 'planEdit':
      case 'planRun':
      case 'planDiscard':
      case 'planOpenJson':
        return a.planReview(message);
      case 'reviewRequest':
      case 'hunkDecision':
      case 'revertFile':
      case 'openReviewDiff':
        if (message.runId !== a.shownRunId()) {
          return a.log(`Run panel: ${message.type} names run ${message.runId}, which is not shown; ignored.`);
        }
        return a.review(message);
      case 'openAgentFile':
        if (!a.hasAgentFile(message.agentId)) return a.log(`Run panel: agent ${message.agentId} has no file to open.`);
        return a.openAgentFile(message.agentId);
    }
  }

  private async openEdit(message: OpenEditMessage): Promise<void> {
    const a = this.actions;
    const path =
      message.runId === a.shownRunId() ? a.editPath(message.runId, message.taskId, message.index) : undefined;
    if (path === undefined) {
      return a.log(`Run panel: task ${message.taskId} has no edit ${message.index} in the run shown; nothing opened.`);
    }
    return a.openEdit(message.runId, message.taskId, path);
  }
}
