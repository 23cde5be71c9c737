// The run panel's view model, derived from the engine's run state. Free of `vscode` so it is
// unit-tested in Node; the protocol's types stay independent of the core's.
import type { RunState, TaskState } from '../../core/model/runState';
import { totalTokens } from '../../core/model/usage';
import type { ApprovalView } from '../../protocol/approvals';
import type { AttemptView, RunGraph, RunViewStatus, TaskView, TaskViewStatus } from '../../protocol/graph';

/** Text shown for a task or failure is cut here; the panel is not the place for a whole transcript. */
const MAX_TEXT = 4000;

/** The graph of a run as the webview draws it. `scrub` removes secrets from any model text. */
export function runGraphOf(
  state: Readonly<RunState>,
  status: RunViewStatus,
  agents: readonly string[],
  scrub: (text: string) => string,
): RunGraph {
  const awaiting = new Set(
    Object.values(state.approvals)
      .filter((a) => a.status === 'pending')
      .map((a) => a.taskId),
  );
  const specs = state.plan?.tasks ?? [];
  const tasks = specs.map((spec) =>
    taskViewOf(state, spec.id, spec.title, spec.dependencies, awaiting.has(spec.id), scrub),
  );
  return { runId: state.runId, goal: scrub(state.goal), status, tasks, agents: [...agents] };
}

/** One node: its status as the panel names it, usage, attempts and what it produced. */
export function taskViewOf(
  state: Readonly<RunState>,
  id: string,
  title: string,
  deps: readonly string[],
  awaitingApproval: boolean,
  scrub: (text: string) => string,
): TaskView {
  const task: TaskState | undefined = state.tasks[id];
  const attempts: AttemptView[] = (task?.attempts ?? []).map((a) => ({
    attempt: a.attempt,
    agentId: a.agentId,
    startedAt: a.startedAt,
    ...(a.endedAt !== undefined ? { endedAt: a.endedAt } : {}),
    ...(a.outcome !== undefined ? { outcome: a.outcome } : {}),
    ...(a.message !== undefined ? { failure: cut(scrub(a.message)) } : {}),
  }));
  const durationMs = attempts.reduce((sum, a) => sum + Math.max(0, (a.endedAt ?? a.startedAt) - a.startedAt), 0);
  const agentId = task?.agentId ?? task?.assignedAgent;
  const summary = task?.failure ?? task?.summary;
  return {
    id,
    title: scrub(title),
    status: viewStatusOf(state, task, deps, awaitingApproval),
    ...(agentId !== undefined ? { agentId } : {}),
    ...(task?.model !== undefined ? { model: task.model } : {}),
    deps: [...deps],
    tokens: task ? totalTokens(task.usage) : 0,
    costUsd: task?.usage.costUsd ?? 0,
    ...(task?.usage.costUnknown ? { costUnknown: true } : {}),
    attempts,
    durationMs,
    findings: state.findings.filter((f) => f.taskId === id).map((f) => cut(scrub(f.message))),
    edits: [...(task?.changedPaths ?? [])],
    ...(summary !== undefined ? { summary: cut(scrub(summary)) } : {}),
  };
}

/** The engine's five task statuses, refined: ready, waiting for approval and retrying are what a person asks about. */
function viewStatusOf(
  state: Readonly<RunState>,
  task: TaskState | undefined,
  deps: readonly string[],
  awaitingApproval: boolean,
): TaskViewStatus {
  const status = task?.status ?? 'pending';
  if (status === 'running') {
    if (awaitingApproval) return 'awaitingApproval';
    return (task?.attempts.length ?? 0) > 1 ? 'retrying' : 'running';
  }
  if (status !== 'pending') return status;
  const depsDone = deps.every((d) => {
    const s = state.tasks[d]?.status;
    return s === 'succeeded' || s === 'skipped';
  });
  return depsDone && state.status === 'running' ? 'ready' : 'pending';
}

/** The pending approvals of a run, as the panel lists them. */
export function approvalViewsOf(state: Readonly<RunState>, scrub: (text: string) => string): ApprovalView[] {
  return Object.values(state.approvals)
    .filter((a) => a.status === 'pending')
    .map((a) => ({
      approvalId: a.approvalId,
      runId: state.runId,
      taskId: a.taskId,
      kind: a.kind,
      ...(a.path !== undefined ? { path: a.path } : {}),
      ...(a.command !== undefined ? { command: visibleEscapes(scrub(a.command)) } : {}),
      diffSummary: cut(scrub(a.summary)),
      protected: a.protected,
    }));
}

/** Control characters made visible, so a command line shows what will run. */
export function visibleEscapes(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
