// The webview's copy of what the host sent: replaced by a snapshot, changed by events.
import type { ApprovalView } from '../src/protocol/approvals.js';
import type { RunGraph } from '../src/protocol/graph.js';
import type { LogLine } from '../src/protocol/logs.js';
import type { HostMessage } from '../src/protocol/messages.js';
import { EMPTY_PLAN_REVIEW, reducePlanReview, type PlanReviewState } from './plan/planReviewState.js';

/** Lines kept in the page; older ones drop off. */
export const MAX_LOG_LINES = 100_000;

/** One entry of the run switcher. */
export interface RunChoice {
  runId: string;
  goal: string;
  status: string;
}

/** Everything the page shows. */
export interface PanelState {
  graph: RunGraph | undefined;
  approvals: ApprovalView[];
  logs: LogLine[];
  runs: RunChoice[];
  /** Bumped when the graph's shape (tasks or edges) changes, so the layout is redone only then. */
  shapeVersion: number;
  /** The plan under review, if the host opened one. */
  plan: PlanReviewState;
}

export const EMPTY_PANEL_STATE: PanelState = {
  graph: undefined,
  approvals: [],
  logs: [],
  runs: [],
  shapeVersion: 0,
  plan: EMPTY_PLAN_REVIEW,
};

/** The state after one host message. */
export function reducePanelState(state: PanelState, message: HostMessage): PanelState {
  switch (message.type) {
    case 'snapshot':
      return {
        ...state,
        graph: message.graph,
        approvals: message.approvals,
        logs: message.logs.slice(-MAX_LOG_LINES),
        shapeVersion: state.shapeVersion + 1,
      };
    case 'runList':
      return { ...state, runs: message.runs };
    case 'approvalPending':
      return { ...state, approvals: message.approvals };
    case 'planReview':
    case 'planIssues':
    case 'planReviewEnded':
      return { ...state, plan: reducePlanReview(state.plan, message) };
    case 'event': {
      const graph = state.graph;
      if (!graph || graph.runId !== message.runId) return state;
      const event = message.event;
      switch (event.kind) {
        case 'run':
          return { ...state, graph: { ...graph, status: event.status } };
        case 'log': {
          const logs = state.logs.concat(event.lines);
          return { ...state, logs: logs.length > MAX_LOG_LINES ? logs.slice(-MAX_LOG_LINES) : logs };
        }
        case 'task': {
          const index = graph.tasks.findIndex((t) => t.id === event.task.id);
          const tasks = graph.tasks.slice();
          const old = tasks[index];
          if (index < 0) tasks.push(event.task);
          else tasks[index] = event.task;
          const reshaped = !old || old.deps.join('\n') !== event.task.deps.join('\n');
          return {
            ...state,
            graph: { ...graph, tasks },
            shapeVersion: reshaped ? state.shapeVersion + 1 : state.shapeVersion,
          };
        }
      }
    }
  }
}
