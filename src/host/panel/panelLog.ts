// Run events as the panel's log lines, and the recent lines of each run kept for a snapshot.
// Free of `vscode`.
import type { RunEvent } from '../../core/model/runEvents';
import type { LogLine } from '../../protocol/logs';
import { runEventLogLine } from '../views/runLogFormat';

/** Lines kept per run for the next snapshot; older ones drop off. */
export const MAX_KEPT_LINES = 5000;

/** The panel's line for an event (the same text as the log channel), or undefined for spans, metrics and steps. */
export function panelLogLine(event: RunEvent, scrub: (text: string) => string): LogLine | undefined {
  const line = runEventLogLine(event);
  if (!line) return undefined;
  const taskId = 'taskId' in event && typeof event.taskId === 'string' ? event.taskId : undefined;
  const agentId = 'agentId' in event && typeof event.agentId === 'string' ? event.agentId : undefined;
  return {
    seq: event.seq,
    at: event.at,
    level: line.level,
    ...(taskId !== undefined ? { taskId } : {}),
    ...(agentId !== undefined ? { agentId } : {}),
    text: scrub(line.message),
  };
}

/** The recent log lines of the runs this window has seen events of. */
export class RecentLogLines {
  private readonly byRun = new Map<string, LogLine[]>();

  add(runId: string, line: LogLine): void {
    let lines = this.byRun.get(runId);
    if (!lines) this.byRun.set(runId, (lines = []));
    lines.push(line);
    if (lines.length > MAX_KEPT_LINES) lines.splice(0, lines.length - MAX_KEPT_LINES);
  }

  of(runId: string): LogLine[] {
    return [...(this.byRun.get(runId) ?? [])];
  }
}
