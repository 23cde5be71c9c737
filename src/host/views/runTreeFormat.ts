// What the run tree shows for each element (labels, descriptions, icons, context values), free of
// `vscode` so it can be unit-tested in Node. Strings go through the `Localize` function the host passes in.
import type { TaskStatus } from '../../core/model/runEvents';
import type { ApprovalRecord, AttemptRecord, TaskState } from '../../core/model/runState';
import type { RunSummary } from '../../core/store/runStore';
import type { Severity } from '../../core/model/finding';
import { formatAge, formatTokens, formatUsageCostUsd } from './runFormat';
import type { RunDisplayStatus } from './runEntry';

/** `vscode.l10n.t` in the host; `formatMessage` in tests. */
export type Localize = (message: string, ...args: Array<string | number | boolean>) => string;

/** Fills `{0}`, `{1}`, … like `vscode.l10n.t` does, without translating. */
export const formatMessage: Localize = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });

/** A codicon id and an optional theme colour id. */
export interface IconSpec {
  id: string;
  color?: string;
}

const RUN_ICONS: Record<RunDisplayStatus, IconSpec> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  planned: { id: 'checklist', color: 'charts.blue' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  interrupted: { id: 'debug-disconnect', color: 'charts.orange' },
  elsewhere: { id: 'remote', color: 'charts.blue' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
};

const TASK_ICONS: Record<TaskStatus, IconSpec> = {
  pending: { id: 'circle-large-outline' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  skipped: { id: 'debug-step-over', color: 'disabledForeground' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
};

const SEVERITY_ICONS: Record<Severity, IconSpec> = {
  major: { id: 'error', color: 'problemsErrorIcon.foreground' },
  medium: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  minor: { id: 'info', color: 'problemsInfoIcon.foreground' },
};

const APPROVAL_ICONS: Record<ApprovalRecord['status'], IconSpec> = {
  pending: { id: 'diff', color: 'charts.yellow' },
  accepted: { id: 'check', color: 'testing.iconPassed' },
  applied: { id: 'check-all', color: 'testing.iconPassed' },
  rejected: { id: 'close', color: 'testing.iconFailed' },
};

/** The icon of a run. */
export function runIcon(status: RunDisplayStatus): IconSpec {
  return RUN_ICONS[status];
}

/** The icon of a task. */
export function taskIcon(status: TaskStatus): IconSpec {
  return TASK_ICONS[status];
}

/** The icon of a finding. */
export function findingIcon(severity: Severity): IconSpec {
  return SEVERITY_ICONS[severity];
}

/** The icon of an edit or command approval. */
export function approvalIcon(status: ApprovalRecord['status']): IconSpec {
  return APPROVAL_ICONS[status];
}

/** The icon of an attempt; one without an outcome in a run that is no longer live was cut off, not running. */
export function attemptIcon(attempt: AttemptRecord, live = true): IconSpec {
  if (!attempt.outcome) return live ? TASK_ICONS.running : TASK_ICONS.pending;
  return TASK_ICONS[attempt.outcome];
}

/**
 * The status a task is shown with: a task recorded as running in a run that is no longer live
 * (its window closed, or it paused with the task cut off) is waiting to run again, not running.
 */
export function displayTaskStatus(status: TaskStatus, live: boolean): TaskStatus {
  return !live && status === 'running' ? 'pending' : status;
}

/** `run-<status>`: `view/item/context` menus in package.json key on it. */
export function runContextValue(status: RunDisplayStatus): string {
  return `run-${status}`;
}

/** `task-<status>`. */
export function taskContextValue(status: TaskStatus): string {
  return `task-${status}`;
}

/** A run status in words. */
export function runStatusText(status: RunDisplayStatus, t: Localize): string {
  switch (status) {
    case 'running':
      return t('running');
    case 'planned':
      return t('planned (dry run)');
    case 'paused':
      return t('paused');
    case 'interrupted':
      return t('interrupted, can be resumed');
    case 'elsewhere':
      return t('running in another window');
    case 'succeeded':
      return t('succeeded');
    case 'failed':
      return t('failed');
    case 'cancelled':
      return t('cancelled');
  }
}

/** A task status in words. */
export function taskStatusText(status: TaskStatus, t: Localize): string {
  switch (status) {
    case 'pending':
      return t('pending');
    case 'running':
      return t('running');
    case 'succeeded':
      return t('succeeded');
    case 'failed':
      return t('failed');
    case 'skipped':
      return t('skipped');
    case 'cancelled':
      return t('cancelled');
  }
}

/** "5 min ago · 12K tokens · $0.04". */
export function runDescription(summary: RunSummary, now: number, locale: string | undefined, t: Localize): string {
  const tokens = summary.usage.inputTokens + summary.usage.outputTokens;
  return t(
    '{0} · {1} tokens · {2}',
    formatAge(summary.updatedAt || summary.createdAt || now, now, locale),
    formatTokens(tokens, locale),
    formatUsageCostUsd(summary.usage, locale),
  );
}

/** Time spent on a task: its attempts added up, a running attempt counted until `now`. */
export function taskDurationMs(task: Pick<TaskState, 'attempts'>, now: number): number | undefined {
  if (task.attempts.length === 0) return undefined;
  return task.attempts.reduce((sum, a) => sum + Math.max(0, (a.endedAt ?? now) - a.startedAt), 0);
}

/** "850 ms", "12 s", "3 min 4 s", "1 hr 2 min", in the locale's unit words. */
export function formatDuration(ms: number, locale: string | undefined): string {
  const unit = (value: number, name: 'millisecond' | 'second' | 'minute' | 'hour'): string =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: 0 }).format(
      value,
    );
  if (ms < 1000) return unit(Math.round(ms), 'millisecond');
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return unit(seconds, 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60)
    return seconds % 60 === 0 ? unit(minutes, 'minute') : `${unit(minutes, 'minute')} ${unit(seconds % 60, 'second')}`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? unit(hours, 'hour') : `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}`;
}

/** "coder · 12 s"; the agent is the latest attempt's, or the one the user assigned. */
export function taskDescription(task: TaskState, now: number, locale: string | undefined, t: Localize): string {
  const agent = task.agentId ?? task.assignedAgent;
  const duration = taskDurationMs(task, now);
  const parts = [agent ?? t('unassigned')];
  if (duration !== undefined) parts.push(formatDuration(duration, locale));
  return parts.join(' · ');
}

/** "Attempt 2 · coder". */
export function attemptLabel(attempt: AttemptRecord, t: Localize): string {
  return t('Attempt {0} · {1}', attempt.attempt, attempt.agentId);
}

/** The outcome of an attempt and its message, e.g. "failed: tests failed". */
export function attemptDescription(
  attempt: AttemptRecord,
  now: number,
  locale: string | undefined,
  t: Localize,
): string {
  const outcome = attempt.outcome ? taskStatusText(attempt.outcome, t) : t('running');
  const duration = formatDuration(Math.max(0, (attempt.endedAt ?? now) - attempt.startedAt), locale);
  return attempt.message
    ? t('{0} in {1}: {2}', outcome, duration, firstLine(attempt.message))
    : t('{0} in {1}', outcome, duration);
}

/** What an approval is about: the edited path or the command. */
export function approvalLabel(record: ApprovalRecord): string {
  if (record.kind === 'edit') return record.path ?? record.summary;
  return record.command ?? record.summary;
}

/** The status of an approval in words, with who decided. */
export function approvalDescription(record: ApprovalRecord, t: Localize): string {
  const status =
    record.status === 'pending'
      ? t('waiting for review')
      : record.status === 'accepted'
        ? t('accepted')
        : record.status === 'applied'
          ? t('applied')
          : t('rejected');
  const by = record.by === 'auto' ? t('automatically') : record.by === 'policy' ? t('by policy') : undefined;
  const parts = [status];
  if (by && record.status !== 'pending') parts.push(by);
  if (record.protected) parts.push(t('protected path'));
  return parts.join(' · ');
}

/** A finding's location split into a path and a 1-based line and column. */
export interface FindingLocation {
  path: string;
  line?: number;
  column?: number;
}

/** Parses `file:line` or `file:line:column` (Windows drive letters kept); undefined for an empty location. */
export function parseFindingLocation(location: string | undefined): FindingLocation | undefined {
  const text = location?.trim();
  if (!text) return undefined;
  const match = /^(.*?)(?::(\d+))?(?::(\d+))?$/.exec(text);
  const path = match?.[1] ?? text;
  if (!path || /^[A-Za-z]$/.test(path)) return { path: text };
  const result: FindingLocation = { path };
  if (match?.[2]) result.line = Math.max(1, Number(match[2]));
  if (match?.[3]) result.column = Math.max(1, Number(match[3]));
  return result;
}

/** The first line of a message, for one-line descriptions. */
export function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
