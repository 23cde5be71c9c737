// One log-channel line per meaningful run event; free of `vscode` so it is unit-tested in Node.
// Lines never carry an API key: every line passes the core's secret redaction and the host's scrubber.
import type { RunEvent } from '../../core/model/runEvents';
import { redactSecrets } from '../../core/observe/sanitizeFields';

/** The level of a `LogOutputChannel` method. */
export type LogLineLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** A line for the log channel. */
export interface LogLine {
  level: LogLineLevel;
  message: string;
}

/** The log line of an event, or undefined for events that are not worth a line (spans, metrics, steps). */
export function runEventLogLine(e: RunEvent): LogLine | undefined {
  const line = describe(e);
  return line && { level: line.level, message: redactSecrets(`[${e.runId}] ${line.message}`) };
}

/** What each kind of wait waited for, in words. */
const WAIT_WORDS = {
  lock: 'a file lock',
  rateLimit: 'the rate limit',
  approval: 'an approval',
  budget: 'more budget',
} as const;

function actionDetail(e: Extract<RunEvent, { type: 'task.action' }>): string {
  const detail = e.agentId ?? e.note ?? e.reason;
  return detail === undefined ? '' : ` (${oneLine(detail)})`;
}

function describe(e: RunEvent): LogLine | undefined {
  switch (e.type) {
    case 'run.created':
      return info(`Run created${e.dryRun ? ' (dry run)' : ''}: ${oneLine(e.goal)}${budgetText(e.budget)}`);
    case 'run.phase':
      return debug(`Phase: ${e.phase}`);
    case 'plan.ready':
      return info(`Plan ready: ${e.plan.tasks.length} tasks (${e.plan.tasks.map((t) => t.id).join(', ')})`);
    case 'plan.rejected':
      return error(`Plan rejected: ${e.issues.map((i) => i.message).join('; ')}`);
    case 'plan.task.added':
      return warn(`Task ${e.task.id} added (${e.kind}): ${oneLine(e.reason)}`);
    case 'task.assigned':
      return info(`Task ${e.taskId} assigned to ${e.agentId}`);
    case 'task.reset':
      return info(`Task ${e.taskId} runs again: ${oneLine(e.reason)}`);
    case 'task.action':
      return info(`Task ${e.taskId}: ${e.action} asked by a person${actionDetail(e)}`);
    case 'task.started':
      return info(`Task ${e.taskId} started on ${e.agentId} (attempt ${e.attempt})`);
    case 'task.succeeded':
      return info(
        `Task ${e.taskId} succeeded on ${e.agentId} in ${e.durationMs} ms${e.summary ? `: ${oneLine(e.summary)}` : ''}`,
      );
    case 'task.attempt.failed':
      return warn(
        `Task ${e.taskId} attempt ${e.attempt} on ${e.agentId} failed (${e.failureClass}, next: ${e.next}${e.retryInMs !== undefined ? ` in ${e.retryInMs} ms` : ''}): ${oneLine(e.message)}`,
      );
    case 'task.waited':
      return debug(
        `Task ${e.taskId} waited ${e.durationMs} ms for ${WAIT_WORDS[e.kind]}${e.detail ? ` (${oneLine(e.detail)})` : ''}`,
      );
    case 'task.failed':
      return error(`Task ${e.taskId} failed: ${oneLine(e.message)}`);
    case 'task.skipped':
      return warn(`Task ${e.taskId} skipped (blocked by ${e.blockedBy}): ${oneLine(e.reason)}`);
    case 'task.cancelled':
      return info(`Task ${e.taskId} cancelled`);
    case 'usage.recorded':
      return debug(
        `Usage ${e.provider}/${e.model}${e.taskId ? ` for ${e.taskId}` : ''}: ${e.usage.inputTokens} in, ${e.usage.outputTokens} out, ${e.usage.costUnknown ? 'cost unknown (no price)' : `$${e.usage.costUsd.toFixed(4)}`}${e.usage.estimated ? ' (estimated)' : ''}${e.usage.cacheHits ? ' (answered from the run cache)' : ''}`,
      );
    case 'finding.reported': {
      const f = e.finding;
      const where = [f.taskId && `task ${f.taskId}`, f.location].filter(Boolean).join(', ');
      return {
        level: f.preExisting ? 'info' : f.severity === 'major' ? 'error' : f.severity === 'medium' ? 'warn' : 'info',
        message: `Finding (${f.preExisting ? 'pre-existing, ' : ''}${f.severity}, ${f.category}${where ? `, ${where}` : ''}): ${oneLine(f.message)}`,
      };
    }
    case 'budget.exceeded':
      return warn(
        `Budget reached (${e.limit}): ${e.used} used of ${e.max}, a request needed ${e.requested}${e.taskId ? ` for ${e.taskId}` : ''}`,
      );
    case 'run.paused':
      return warn(`Run paused: ${oneLine(e.reason)}`);
    case 'run.resumed':
      return info(`Run resumed${e.budget ? budgetText(e.budget) : ''}`);
    case 'run.completed':
      return {
        level: e.status === 'failed' ? 'error' : 'info',
        message: `Run ${e.status}: ${
          Object.entries(e.counts)
            .filter(([, n]) => n > 0)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ') || 'no tasks'
        }`,
      };
    case 'approval.requested':
      return info(
        `Approval requested for task ${e.taskId}: ${e.kind} ${e.path ?? e.command ?? ''}${e.protected ? ' (protected)' : ''}`,
      );
    case 'approval.decided':
      return info(
        `Approval ${e.approvalId} for task ${e.taskId}: ${e.decision} by ${e.by}${e.reason ? ` (${oneLine(e.reason)})` : ''}`,
      );
    case 'edit.applied':
      return info(`Edit applied for task ${e.taskId}: ${e.deleted ? 'deleted ' : ''}${e.path}`);
    case 'verification.completed':
      // A run-level check (baseline, end-of-run gate; it has a key) is already logged by the engine as it finishes.
      if (e.key !== undefined) return debug(`Recorded check "${e.name}" (${e.key}): ${e.verdict}, exit ${e.exitCode}`);
      return {
        level: e.verdict === 'fail' ? 'error' : e.verdict === 'warn' ? 'warn' : 'info',
        message: `Verification "${e.name}"${e.taskId ? ` for ${e.taskId}` : ''}: ${e.verdict} (exit ${e.exitCode}, ${e.counts.major} major, ${e.counts.medium} medium, ${e.counts.minor} minor${e.baseline ? `; ${e.baseline.new} new, ${e.baseline.preExisting} pre-existing, ${e.baseline.deferred} left to the run gate` : ''})`,
      };
    case 'verification.baseline':
      return info(
        `Baseline before the first task: ${e.checks.map((c) => `"${c.name}" ${c.passed ? 'passes' : `fails (exit ${c.exitCode}, ${c.findings.length} finding(s))`}`).join('; ') || 'no checks'}`,
      );
    case 'run.gate':
      return {
        level: e.passed ? 'info' : 'error',
        message: `Run gate (round ${e.round}): ${e.passed ? 'passed' : 'failed'}; ${e.checks.map((c) => `"${c.name}" ${c.verdict} (${c.new} new, ${c.preExisting} pre-existing${c.reasons.length ? `: ${c.reasons.join('; ')}` : ''})`).join('; ')}`,
      };
    case 'checkpoint.taken':
      return debug(`Checkpoint before task ${e.taskId}: ${e.checkpointId.slice(0, 12)}`);
    case 'review.accepted':
      return info(`Review: kept a change in ${oneLine(e.path)}`);
    case 'review.reverted':
      return info(`Review: reverted ${e.hunkId === undefined ? 'every change in' : 'a change in'} ${oneLine(e.path)}`);
    case 'log':
      return { level: e.level, message: `${e.taskId ? `${e.taskId}: ` : ''}${oneLine(e.message)}` };
    case 'task.step.started':
    case 'task.step.completed':
    case 'context.changed':
    case 'message.sent':
    case 'message.read':
    case 'span.started':
    case 'span.ended':
    case 'metrics':
      return undefined;
  }
}

function budgetText(budget: { maxTokens?: number; maxCostUsd?: number }): string {
  const parts = [
    budget.maxTokens !== undefined ? `${budget.maxTokens} tokens` : '',
    budget.maxCostUsd !== undefined ? `$${budget.maxCostUsd}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` (budget ${parts.join(', ')})` : '';
}

/** Log lines stay one line each: newlines in model text would forge extra lines. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ⏎ ');
  return flat.length > 1000 ? `${flat.slice(0, 999)}…` : flat;
}

const info = (message: string): LogLine => ({ level: 'info', message });
const warn = (message: string): LogLine => ({ level: 'warn', message });
const error = (message: string): LogLine => ({ level: 'error', message });
const debug = (message: string): LogLine => ({ level: 'debug', message });

/** Replaces known secret values (keys this window has seen) in text; kept in memory only. */
export class SecretScrubber {
  private readonly secrets = new Set<string>();

  /** Adds a value to scrub; values shorter than 8 characters are ignored (they would mangle ordinary text). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.secrets.add(secret);
  }

  scrub(text: string): string {
    let out = redactSecrets(text);
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }
}
