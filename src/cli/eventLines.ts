import type { RunEvent } from '../core/model/runEvents';
import type { RunState } from '../core/model/runState';
import { clip, formatCost, formatDuration, formatTokens } from './cliFormat';

/** Longest message quoted in one line. */
const MAX_MESSAGE = 200;

/**
 * One human line for a notable event, or undefined for the bookkeeping ones (spans, metrics,
 * usage, context). `state` is the run's live state, for details an event only refers to.
 */
export function describeEvent(e: RunEvent, state: Readonly<RunState> | undefined): string | undefined {
  switch (e.type) {
    case 'plan.ready': {
      const lines = [`Plan: ${e.plan.tasks.length} task${e.plan.tasks.length === 1 ? '' : 's'}`];
      for (const t of e.plan.tasks) {
        const after = t.dependencies.length > 0 ? `  (after ${t.dependencies.join(', ')})` : '';
        const caps = t.requiredCapabilities.length > 0 ? ` [${t.requiredCapabilities.join(', ')}]` : '';
        lines.push(`  ${t.id}: ${clip(t.title, 100)}${caps}${after}`);
      }
      return lines.join('\n');
    }
    case 'plan.rejected':
      return ['The plan was refused:', ...e.issues.map((i) => `  - ${clip(i.message, MAX_MESSAGE)}`)].join('\n');
    case 'task.started':
      return `start   ${e.taskId} (${e.agentId}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''})`;
    case 'task.succeeded':
      return `done    ${e.taskId} in ${formatDuration(e.durationMs)}${e.summary ? `: ${clip(e.summary, MAX_MESSAGE)}` : ''}`;
    case 'task.attempt.failed': {
      const next = {
        retry: `retrying${e.retryInMs !== undefined ? ` in ${formatDuration(e.retryInMs)}` : ''}`,
        reassign: 'trying another agent',
        pause: 'pausing the run',
        fail: 'giving up',
      }[e.next];
      return `attempt ${e.taskId} #${e.attempt} failed (${e.failureClass}), ${next}: ${clip(e.message, MAX_MESSAGE)}`;
    }
    case 'task.failed':
      return `FAILED  ${e.taskId}: ${clip(e.message, MAX_MESSAGE)}`;
    case 'task.skipped':
      return `skipped ${e.taskId}: ${clip(e.reason, MAX_MESSAGE)}`;
    case 'task.cancelled':
      return `stopped ${e.taskId}`;
    case 'approval.decided': {
      const path = state?.approvals[e.approvalId]?.path ?? e.approvalId;
      return `${e.decision === 'accepted' ? 'approved' : 'rejected'} edit of ${path} (${e.by})${e.reason ? `: ${clip(e.reason, MAX_MESSAGE)}` : ''}`;
    }
    case 'edit.applied':
      return `${e.deleted ? 'deleted' : 'edited '} ${e.path} (${e.taskId})`;
    case 'verification.completed': {
      // A run-level check (baseline, end-of-run gate) is printed by the verifier as it finishes.
      if (e.key !== undefined) return undefined;
      const vs = e.baseline
        ? `; ${e.baseline.new} new, ${e.baseline.preExisting} pre-existing${e.baseline.deferred > 0 ? `, ${e.baseline.deferred} left to the end` : ''}`
        : '';
      return `verify  ${e.name}${e.taskId ? ` (${e.taskId})` : ''}: ${e.verdict} (exit ${e.exitCode}${vs}, ${formatDuration(e.durationMs)})`;
    }
    case 'run.gate':
      return [
        `gate    round ${e.round}: ${e.passed ? 'passed' : 'FAILED'}`,
        ...e.checks.map(
          (c) =>
            `  ${c.name}: ${c.verdict} (exit ${c.exitCode}; ${c.new} new, ${c.preExisting} pre-existing, ${c.fixed} fixed)${c.reasons.length > 0 ? `: ${c.reasons.join('; ')}` : ''}`,
        ),
      ].join('\n');
    case 'plan.task.added':
      return `${e.kind}  ${e.task.id} added: ${clip(e.reason, MAX_MESSAGE)}`;
    case 'finding.reported': {
      const f = e.finding;
      if (f.severity === 'minor') return undefined;
      const tag = f.preExisting ? 'pre-existing' : f.severity;
      return `[${tag}] ${clip(f.message, MAX_MESSAGE)}${f.location ? ` (${f.location})` : ''}${f.taskId ? ` [${f.taskId}]` : ''}`;
    }
    case 'budget.exceeded': {
      const amount = (n: number): string => (e.limit === 'tokens' ? `${formatTokens(n)} tokens` : formatCost(n));
      return `budget  the next request needs up to ${amount(e.requested)}, over the ${e.limit === 'tokens' ? 'token' : 'money'} budget (${amount(e.used)} of ${amount(e.max)} used)`;
    }
    case 'run.paused':
      return `Pausing: ${clip(e.reason, MAX_MESSAGE)}`;
    case 'run.resumed':
      return 'Resumed.';
    case 'log':
      // Info lines (command output) stay in the run log; a debug line exists only with --log-level debug.
      return e.level === 'info'
        ? undefined
        : `${e.level === 'warn' ? 'warning' : e.level}: ${clip(e.message, MAX_MESSAGE)}${e.taskId ? ` [${e.taskId}]` : ''}`;
    default:
      return undefined;
  }
}
