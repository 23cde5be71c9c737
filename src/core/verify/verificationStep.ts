import { z } from 'zod';
import { errorMessage } from '../common/errors';
import { FALLBACK_TAIL_LINES, inferCategory, parseVerificationOutput } from './detectParser';
import { FindingCategorySchema } from '../model/finding';
import type { Finding } from '../model/finding';
import { findingKey } from './findingKey';
import { outputTail, stripAnsi } from './outputLines';
import { evaluateFindings } from './verificationThresholds';
import type { FindingsEvaluation, VerificationThresholds } from './verificationThresholds';
import { lazySchema } from '../common/lazySchema';

/** The longest a verification may be given: a day. */
const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** One verification: a shell command (CLI and host) or a VS Code task name (host only). */
export const VerificationStepSchema = lazySchema(() =>
  z
    .strictObject({
      /** Shown in events, logs and feedback, e.g. "unit tests". */
      name: z.string().trim().min(1, 'name must not be empty'),
      /** Shell command run in the workspace, e.g. "npm test"; checked by policy before it runs. */
      command: z.string().trim().min(1, 'command must not be empty').optional(),
      /** Label of a VS Code task (e.g. "npm: test"), run by the host through `vscode.tasks`. */
      task: z.string().trim().min(1, 'task must not be empty').optional(),
      /** Category of findings no parser recognises; inferred from the command when absent. */
      category: FindingCategorySchema.optional(),
      /** Kill the verification after this long. */
      timeoutMs: z
        .number()
        .int()
        .positive('timeoutMs must be positive')
        .max(MAX_TIMEOUT_MS, 'timeoutMs must be at most one day')
        .optional(),
    })
    .refine((step) => step.command !== undefined || step.task !== undefined, {
      message: 'a verification step needs a "command" or a "task"',
    }),
);

/** A validated verification step. */
export type VerificationStep = z.output<typeof VerificationStepSchema>;

/** What a runner is given besides the step. */
export interface VerificationRunOptions {
  /** Aborting stops the verification and kills what it started. */
  signal: AbortSignal;
  /** The workspace folder to run in. */
  cwd: string;
  /**
   * A folder for a durable record of this run of the check: its output and exit status, written
   * by the shell the moment the command ends, before this process hears of it. A runner that keeps
   * one returns the recorded result instead of running the command again when the status is
   * already there, so a check that finished just before a crash is not repeated on resume
   * (checklist 18). Runners that cannot keep one ignore it.
   */
  record?: string;
}

/** What a runner reports back. */
export interface VerificationRunResult {
  /** The process's exit code (124 after a timeout). */
  exitCode: number;
  /** Combined stdout and stderr, possibly only its tail. */
  output: string;
  /** Wall time of the run. */
  durationMs: number;
  /** True when the run was killed for exceeding its timeout. */
  timedOut?: boolean;
  /** Problems the runner found itself (the host: diagnostics from the task's problem matchers). */
  problems?: Finding[];
}

/** The port the CLI (child process) and the host (VS Code tasks) implement to run one step. */
export interface VerificationRunner {
  /** Runs the step; rejects only when it cannot start or the signal aborts it. */
  run(step: VerificationStep, options: VerificationRunOptions): Promise<VerificationRunResult>;
}

/** Options for {@link runVerification}. */
export interface RunVerificationOptions {
  /** The workspace folder; also makes finding locations relative. */
  cwd: string;
  /** Cancels the run; an aborted run rejects instead of reporting a verdict. */
  signal?: AbortSignal;
  /** Stamped on every finding. */
  taskId?: string;
  /** Most characters of output kept in the outcome (its tail). */
  maxOutputChars?: number;
  /** See {@link VerificationRunOptions.record}. */
  record?: string;
}

/** The result of one verification: findings, their verdict, and the output's tail. */
export interface VerificationOutcome extends FindingsEvaluation {
  /** The step's name. */
  step: string;
  /** Every finding, from the runner's problems or parsed from the output. */
  findings: Finding[];
  /** The exit code; -1 when the step could not be started. */
  exitCode: number;
  /** The tail of the output, colour codes removed, at most `maxOutputChars` long. */
  output: string;
  /** Wall time of the run. */
  durationMs: number;
}

/** Default bound on the output kept in an outcome. */
export const DEFAULT_MAX_OUTPUT_CHARS = 16_000;

/**
 * Runs one step through the runner, turns its output into findings and judges them against the
 * thresholds. Problems the runner reports (VS Code diagnostics) are used as they are; otherwise the
 * output is parsed (see `parseVerificationOutput`). A timeout always adds a major finding; a step
 * that cannot start becomes a major finding, not an exception. Policy is checked by the caller.
 */
export async function runVerification(
  step: VerificationStep,
  runner: VerificationRunner,
  thresholds: VerificationThresholds,
  options: RunVerificationOptions,
): Promise<VerificationOutcome> {
  const signal = options.signal ?? new AbortController().signal;
  const label = step.command ?? step.task ?? step.name;
  const category = step.category ?? inferCategory(label);
  const stamp = (finding: Finding): Finding =>
    options.taskId === undefined ? finding : { ...finding, taskId: options.taskId };
  const started = Date.now();
  let result: VerificationRunResult;
  try {
    result = await runner.run(step, {
      signal,
      cwd: options.cwd,
      ...(options.record === undefined ? {} : { record: options.record }),
    });
  } catch (err) {
    if (signal.aborted) throw err;
    const message = `Verification \`${label}\` could not run: ${errorMessage(err)}`;
    const findings = [stamp({ severity: 'major', category, message, key: findingKey('could not run', label) })];
    return {
      step: step.name,
      findings,
      ...evaluateFindings(findings, thresholds),
      exitCode: -1,
      output: message,
      durationMs: Date.now() - started,
    };
  }
  const timedOut = result.timedOut === true;
  // A timeout is reported by its own finding below, so the parser's exit-code fallback is not wanted.
  const findings =
    result.problems !== undefined && result.problems.length > 0
      ? result.problems.map(stamp)
      : parseVerificationOutput(label, result.output, timedOut ? 0 : result.exitCode, {
          cwd: options.cwd,
          category,
          ...(options.taskId === undefined ? {} : { taskId: options.taskId }),
        });
  if (timedOut) {
    const limit = step.timeoutMs === undefined ? '' : ` after ${step.timeoutMs} ms`;
    const tail = outputTail(result.output, FALLBACK_TAIL_LINES);
    const message = `Verification \`${label}\` timed out${limit} and was stopped.${tail === '' ? '' : ` Last lines of output:\n${tail}`}`;
    findings.push(stamp({ severity: 'major', category, message, key: findingKey('timed out', label) }));
  }
  return {
    step: step.name,
    findings,
    ...evaluateFindings(findings, thresholds),
    exitCode: result.exitCode,
    output: boundedTail(result.output, options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS),
    durationMs: result.durationMs,
  };
}

/** The last `maxChars` characters of plain output, marked with "…" when cut. */
function boundedTail(output: string, maxChars: number): string {
  const plain = stripAnsi(output).replace(/\r\n/g, '\n');
  if (plain.length <= maxChars) return plain;
  return `…${plain.slice(plain.length - Math.max(0, maxChars - 1))}`;
}
