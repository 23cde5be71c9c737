// Which log lines the Logs tab shows, and how a line reads as text (on screen and when copied).
import type { LogLine } from '../../src/protocol/logs.js';

export type LogLevel = LogLine['level'];

/** The levels from least to most severe. */
export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** The filters of the Logs tab; an empty string means "any". */
export interface LogFilter {
  /** Lines at this level or more severe. */
  minLevel: LogLevel;
  taskId: string;
  agentId: string;
  /** Case-insensitive text anywhere in the line. */
  text: string;
}

export const NO_LOG_FILTER: LogFilter = { minLevel: 'trace', taskId: '', agentId: '', text: '' };

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** The lines the filter lets through, in order; the same array when nothing is filtered. */
export function filterLogLines(lines: readonly LogLine[], filter: LogFilter): readonly LogLine[] {
  const min = RANK[filter.minLevel];
  const needle = filter.text.trim().toLowerCase();
  if (min === 0 && !filter.taskId && !filter.agentId && !needle) return lines;
  return lines.filter(
    (l) =>
      RANK[l.level] >= min &&
      (!filter.taskId || l.taskId === filter.taskId) &&
      (!filter.agentId || l.agentId === filter.agentId) &&
      (!needle || l.text.toLowerCase().includes(needle)),
  );
}

/** The task ids and agent ids the lines mention, each sorted, for the filter lists. */
export function logSources(lines: readonly LogLine[]): { taskIds: string[]; agentIds: string[] } {
  const tasks = new Set<string>();
  const agents = new Set<string>();
  for (const l of lines) {
    if (l.taskId !== undefined) tasks.add(l.taskId);
    if (l.agentId !== undefined) agents.add(l.agentId);
  }
  return { taskIds: [...tasks].sort(), agentIds: [...agents].sort() };
}

/** `12:00:01 warn  [task-a] text`: the time is UTC, the task shown when the line has one. */
export function logLineText(line: LogLine): string {
  const time = new Date(line.at).toISOString().slice(11, 19);
  const task = line.taskId !== undefined ? `[${line.taskId}] ` : '';
  return `${time} ${line.level.padEnd(5)} ${task}${line.text}`;
}
