// The text of the progress notification that follows a run, and of the message when it ends;
// free of `vscode` so it is unit-tested in Node.
import type { RunState } from '../../core/model/runState';
import { countTasks } from '../../core/model/runState';
import type { Localize } from '../views/runTreeFormat';

/** Tasks that are over, whatever the outcome. */
export function finishedTasks(state: Readonly<RunState>): { done: number; total: number } {
  const counts = countTasks(state as RunState);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { done: counts.succeeded + counts.failed + counts.skipped + counts.cancelled, total };
}

/** "Planning…", "Executing · 3/7 tasks", "Verifying…"; mentions edits waiting for review. */
export function progressMessage(state: Readonly<RunState>, pendingEdits: number, t: Localize): string {
  const { done, total } = finishedTasks(state);
  let text: string;
  if (state.status === 'paused') text = t('Pausing: running tasks finish first');
  else {
    switch (state.phase) {
      case 'initialise':
        text = t('Starting…');
        break;
      case 'plan':
        text = t('Planning…');
        break;
      case 'validate':
        text = t('Validating the plan…');
        break;
      case 'execute':
        text = t('Executing · {0}/{1} tasks', done, total);
        break;
      case 'monitor':
        text = t('Verifying · {0}/{1} tasks', done, total);
        break;
      case 'complete':
        text = t('Finishing · {0}/{1} tasks', done, total);
        break;
    }
  }
  return pendingEdits > 0 ? t('{0} · {1} edits wait for your review', text, pendingEdits) : text;
}

/** Percent of tasks done, for the progress bar. */
export function progressPercent(state: Readonly<RunState>): number {
  const { done, total } = finishedTasks(state);
  return total === 0 ? 0 : Math.round((done / total) * 100);
}

/** The end of a run as the notification says it. */
export interface OutcomeMessage {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

/** What the user is told when a run ends (or a dry run has its plan). */
export function outcomeMessage(status: string, state: Readonly<RunState>, t: Localize): OutcomeMessage {
  const goal = shorten(state.goal);
  const counts = countTasks(state as RunState);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  switch (status) {
    case 'succeeded':
      return { severity: 'info', text: t('Run succeeded: {0} ({1} tasks).', goal, total) };
    case 'planned':
      return {
        severity: 'info',
        text: t('Plan ready: {0} tasks for "{1}". Nothing was executed (dry run).', total, goal),
      };
    case 'paused':
      return {
        severity: 'warning',
        text: t('Run paused: {0}', noLinks(state.pauseReason ?? t('paused by the user.'))),
      };
    case 'cancelled':
      return { severity: 'info', text: t('Run cancelled: {0}.', goal) };
    default: {
      const findings = state.findings.length;
      return {
        severity: 'error',
        text: t(
          'Run failed: {0}. {1} failed or skipped tasks, {2} findings.',
          goal,
          counts.failed + counts.skipped,
          findings,
        ),
      };
    }
  }
}

/**
 * A goal short enough for a notification, on one line and with no link in it: notifications turn
 * `[label](command:…)` into a link that runs a command, so `](` is broken apart.
 */
export function shorten(text: string, max = 80): string {
  const flat = noLinks(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Text a notification shows as is: `[label](target)` would become a clickable link, so `](` is split. */
export function noLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}
