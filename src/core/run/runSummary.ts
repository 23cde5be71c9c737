import type { RunState } from '../model/runState';
import { formatCost } from '../model/usage';

/** A run at a glance, for a tool result (the `orchestrate` language-model tool, the MCP server). */
export interface RunSummary {
  runId: string;
  goal: string;
  status: RunState['status'];
  dryRun: boolean;
  /** Why the run paused, when it did (an approval it needs, a budget). */
  pauseReason?: string;
  /** The plan's tasks in plan order, with their state. */
  tasks: Array<{ id: string; title: string; status: string; agentId?: string }>;
  /** Workspace-relative paths the run's applied edits changed (or deleted). */
  filesChanged: string[];
  usage: { inputTokens: number; outputTokens: number; cost: string };
}

/** The summary of `state`; tasks the plan names but that have no state yet are `pending`. */
export function summariseRun(state: Readonly<RunState>): RunSummary {
  const planned = state.plan?.tasks ?? [];
  const tasks = planned.map((t) => {
    const live = state.tasks[t.id];
    return {
      id: t.id,
      title: t.title,
      status: live?.status ?? 'pending',
      ...(live?.agentId === undefined ? {} : { agentId: live.agentId }),
    };
  });
  const filesChanged = [...new Set(Object.values(state.tasks).flatMap((t) => t.changedPaths))];
  return {
    runId: state.runId,
    goal: state.goal,
    status: state.status,
    dryRun: state.dryRun,
    ...(state.pauseReason === undefined ? {} : { pauseReason: state.pauseReason }),
    tasks,
    filesChanged,
    usage: {
      inputTokens: state.usage.inputTokens,
      outputTokens: state.usage.outputTokens,
      cost: formatCost(state.usage),
    },
  };
}

/** A few plain lines for a model to read: status, tasks, files changed, tokens and cost, the run id. */
export function runSummaryText(summary: RunSummary): string {
  const lines = [
    `Run ${summary.runId}${summary.dryRun ? ' (dry run)' : ''}: ${summary.status}.`,
    `Goal: ${summary.goal}`,
  ];
  if (summary.pauseReason) lines.push(`Paused because: ${summary.pauseReason}`);
  lines.push(`Tasks (${summary.tasks.length}):`);
  for (const t of summary.tasks) lines.push(`- ${t.id} [${t.status}] ${t.title}`);
  lines.push(
    summary.filesChanged.length === 0
      ? 'Files changed: none.'
      : `Files changed (${summary.filesChanged.length}): ${summary.filesChanged.join(', ')}`,
  );
  lines.push(
    `Usage: ${summary.usage.inputTokens} input + ${summary.usage.outputTokens} output tokens, cost ${summary.usage.cost}.`,
  );
  return lines.join('\n');
}
