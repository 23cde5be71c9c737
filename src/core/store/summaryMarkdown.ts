import type { RunState, TaskState } from '../model/runState';
import type { Finding, Severity } from '../model/finding';
import { totalTokens } from '../model/usage';
import type { Usage } from '../model/usage';

/** Extras for `renderRunSummary`. */
export interface RunSummaryOptions {
  /** Problems met while reading the run back, listed at the end. */
  warnings?: readonly string[];
}

const SEVERITIES: readonly Severity[] = ['major', 'medium', 'minor'];
const SEVERITY_TITLES: Record<Severity, string> = { major: 'Major', medium: 'Medium', minor: 'Minor' };

/**
 * Renders a run as Markdown: goal, status, dates, totals, a task table, findings by severity and
 * the pause reason. Context values are never included (they may hold anything), only their keys.
 */
export function renderRunSummary(state: RunState, options: RunSummaryOptions = {}): string {
  const out: string[] = [];
  out.push(`# Run summary: ${inline(state.goal) || '(no goal)'}`, '');
  out.push(`- **Run:** ${code(state.runId)}`);
  out.push(`- **Status:** ${state.status}${state.dryRun ? ' (dry run)' : ''}, phase ${state.phase}`);
  out.push(`- **Created:** ${date(state.createdAt)}`);
  out.push(`- **Updated:** ${date(state.updatedAt)}`);
  out.push(`- **Tokens:** ${tokens(state.usage)}`);
  out.push(`- **Cost:** ${cost(state.usage.costUsd)}${state.usage.estimated ? ' (partly estimated)' : ''}`);
  const budget = [
    state.budget.maxTokens !== undefined ? `${state.budget.maxTokens} tokens` : undefined,
    state.budget.maxCostUsd !== undefined ? cost(state.budget.maxCostUsd) : undefined,
  ].filter((part): part is string => part !== undefined);
  if (budget.length > 0) out.push(`- **Budget:** ${budget.join(', ')}`);
  out.push(`- **Events:** ${state.lastSeq}`);

  if (state.status === 'paused' && state.pauseReason !== undefined) {
    out.push('', '## Paused', '', inline(state.pauseReason));
  }

  out.push('', '## Tasks', '');
  const tasks = orderedTasks(state);
  if (tasks.length === 0) {
    out.push('No tasks.');
  } else {
    const titles = new Map((state.plan?.tasks ?? []).map((t) => [t.id, t.title]));
    out.push('| Task | Title | Status | Agent | Attempts | Duration |', '| --- | --- | --- | --- | ---: | ---: |');
    for (const task of tasks) {
      const cells = [
        task.id,
        titles.get(task.id) ?? '',
        task.status,
        task.agentId ?? task.assignedAgent ?? '',
        String(task.attempts.length),
        duration(task),
      ];
      out.push(`| ${cells.map(cell).join(' | ')} |`);
    }
  }

  if (state.planIssues && state.planIssues.length > 0) {
    out.push('', '## Plan issues', '');
    for (const issue of state.planIssues)
      out.push(`- ${issue.code}${issue.taskId ? ` (${code(issue.taskId)})` : ''}: ${inline(issue.message)}`);
  }

  out.push('', '## Findings', '');
  if (state.findings.length === 0) out.push('No findings.');
  for (const severity of SEVERITIES) {
    const group = state.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`### ${SEVERITY_TITLES[severity]} (${group.length})`, '');
    for (const finding of group) out.push(findingLine(finding));
    out.push('');
  }
  if (out[out.length - 1] === '') out.pop();

  const models = Object.entries(state.usageByModel).sort(([a], [b]) => a.localeCompare(b));
  if (models.length > 0) {
    out.push('', '## Usage by model', '', '| Model | Tokens in | Tokens out | Cost |', '| --- | ---: | ---: | ---: |');
    for (const [model, usage] of models) {
      out.push(`| ${cell(model)} | ${usage.inputTokens} | ${usage.outputTokens} | ${cost(usage.costUsd)} |`);
    }
  }

  const contextKeys = Object.values(state.context).map(
    (entry) => `${entry.scope}${entry.agentId ? `/${entry.agentId}` : ''}: ${entry.key}`,
  );
  if (contextKeys.length > 0) {
    out.push('', '## Shared context keys', '');
    for (const key of contextKeys.sort()) out.push(`- ${code(key)}`);
  }

  if (options.warnings && options.warnings.length > 0) {
    out.push('', '## Recovery warnings', '');
    for (const warning of options.warnings) out.push(`- ${inline(warning)}`);
  }
  return `${out.join('\n')}\n`;
}

function orderedTasks(state: RunState): TaskState[] {
  const seen = new Set<string>();
  const ordered: TaskState[] = [];
  for (const spec of state.plan?.tasks ?? []) {
    const task = state.tasks[spec.id];
    if (task && !seen.has(task.id)) {
      seen.add(task.id);
      ordered.push(task);
    }
  }
  const rest = Object.values(state.tasks).filter((t) => !seen.has(t.id));
  rest.sort((a, b) => a.id.localeCompare(b.id));
  return ordered.concat(rest);
}

function findingLine(finding: Finding): string {
  const where = [
    finding.location ? code(finding.location) : undefined,
    finding.taskId ? `task ${code(finding.taskId)}` : undefined,
  ]
    .filter((part): part is string => part !== undefined)
    .join(', ');
  const before = finding.preExisting ? ' _(pre-existing: there before the run, not counted)_' : '';
  return `- **${finding.category}:** ${inline(finding.message)}${where ? ` (${where})` : ''}${before}`;
}

/** Wall time from the first attempt's start to the last attempt's end; blank while one still runs. */
function duration(task: TaskState): string {
  const first = task.attempts[0];
  const last = task.attempts[task.attempts.length - 1];
  if (!first || last?.endedAt === undefined) return '';
  const ms = Math.max(0, last.endedAt - first.startedAt);
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

function tokens(usage: Usage): string {
  return `${totalTokens(usage)} (${usage.inputTokens} in, ${usage.outputTokens} out)`;
}

function cost(usd: number): string {
  return `$${usd.toFixed(usd !== 0 && Math.abs(usd) < 0.01 ? 4 : 2)}`;
}

function date(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString() : 'unknown';
}

/** One line of text: newlines become spaces so user text cannot start a heading or a list. */
function inline(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** A table cell: one line, pipes escaped so they cannot open a new column. */
function cell(text: string): string {
  return inline(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const flat = inline(text);
  const fence = flat.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ` ${flat} ` : flat}${fence}`;
}
