// Run events as the panel's log lines, and the lines of each run kept for a snapshot: read once
// from the run's stored events, then kept up to date from the events this window sees. Free of `vscode`.
import type { RunEvent } from '../../core/model/runEvents';
import type { LogLine } from '../../protocol/logs';
import { runEventLogLine } from '../views/runLogFormat';

/** Lines kept per run for the next snapshot; older ones drop off. */
export const MAX_KEPT_LINES = 20_000;

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

/** Where the stored lines come from, and where a failure to read them is told. */
export interface RunLogSource {
  readEvents(runId: string): Promise<RunEvent[]>;
  scrub(text: string): string;
  warn(message: string): void;
}

/** The log lines of runs: a run's stored events are read the first time it is shown, live events added after. */
export class RecentLogLines {
  private readonly byRun = new Map<string, LogLine[]>();
  private readonly stored = new Map<string, Promise<void>>();

  constructor(private readonly source?: RunLogSource) {}

  add(runId: string, line: LogLine): void {
    let lines = this.byRun.get(runId);
    if (!lines) this.byRun.set(runId, (lines = []));
    const last = lines.at(-1);
    if (last && last.seq >= line.seq) return;
    lines.push(line);
    if (lines.length > MAX_KEPT_LINES) lines.splice(0, lines.length - MAX_KEPT_LINES);
  }

  /** The run's lines in order, the stored ones included (read once; a failed read is told and not retried). */
  async of(runId: string): Promise<LogLine[]> {
    if (this.source) {
      let reading = this.stored.get(runId);
      if (!reading) this.stored.set(runId, (reading = this.readStored(runId, this.source)));
      await reading;
    }
    return [...(this.byRun.get(runId) ?? [])];
  }

  private async readStored(runId: string, source: RunLogSource): Promise<void> {
    let events: RunEvent[];
    try {
      events = await source.readEvents(runId);
    } catch (err) {
      source.warn(`Run panel: the stored log of run ${runId} could not be read (${String(err)}); live lines only.`);
      return;
    }
    const stored: LogLine[] = [];
    for (const event of events) {
      const line = panelLogLine(event, (t) => source.scrub(t));
      if (line) stored.push(line);
    }
    // Live lines that arrived while the file was read follow the stored ones.
    const lastStored = stored.at(-1)?.seq ?? 0;
    const live = (this.byRun.get(runId) ?? []).filter((l) => l.seq > lastStored);
    const merged = stored.concat(live);
    this.byRun.set(runId, merged.length > MAX_KEPT_LINES ? merged.slice(-MAX_KEPT_LINES) : merged);
  }
}
