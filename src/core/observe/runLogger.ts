import type { LogLevel, RunEventBody } from '../model/runEvents';
import { redactSecrets, sanitizeFields } from './sanitizeFields';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** How a logger filters and what it adds to every entry. */
export interface RunLoggerOptions {
  /** Entries below this level are dropped; defaults to `info`. */
  minLevel?: LogLevel;
  /** Fields added to every entry; a `taskId` field becomes the event's `taskId`. */
  fields?: Readonly<Record<string, unknown>>;
}

/** Structured, levelled logs of a run, written as `log` run events. */
export class RunLogger {
  private readonly minLevel: LogLevel;
  private readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    private readonly emit: (body: RunEventBody) => void,
    options: RunLoggerOptions = {},
  ) {
    const minLevel = options.minLevel ?? 'info';
    if (!(minLevel in RANK))
      throw new TypeError(`Unknown log level ${JSON.stringify(minLevel)}; use debug, info, warn or error.`);
    this.minLevel = minLevel;
    this.fields = { ...options.fields };
  }

  /** Whether entries of `level` are written; lets callers skip building costly fields. */
  isEnabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.minLevel];
  }

  /** Detail for diagnosing problems. */
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('debug', message, fields);
  }

  /** Normal progress. */
  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('info', message, fields);
  }

  /** Something went wrong but the run goes on. */
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('warn', message, fields);
  }

  /** Something failed. */
  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.log('error', message, fields);
  }

  /** A logger that adds `fields` (over this one's) to every entry, with the same level. */
  child(fields: Readonly<Record<string, unknown>>): RunLogger {
    return new RunLogger(this.emit, { minLevel: this.minLevel, fields: { ...this.fields, ...fields } });
  }

  private log(level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> | undefined): void {
    if (!this.isEnabled(level)) return;
    const { taskId, ...rest } = sanitizeFields({ ...this.fields, ...fields });
    const body: RunEventBody = { type: 'log', level, message: redactSecrets(String(message)) };
    if (taskId !== undefined && taskId !== null)
      body.taskId = typeof taskId === 'string' ? taskId : JSON.stringify(taskId);
    if (Object.keys(rest).length > 0) body.fields = rest;
    this.emit(body);
  }
}
