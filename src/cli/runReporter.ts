import type { RunEvent } from '../core/model/runEvents';
import type { RunResult } from '../core/run/runSession';
import type { RunState } from '../core/model/runState';
import { countTasks } from '../core/model/runState';
import { totalTokens } from '../core/model/usage';
import { outcomeFailed } from '../core/verify/baseline';
import type { VerificationOutcome } from '../core/verify/verificationStep';
import type { CliOutput } from './cliIo';
import { clip, formatCacheHits, formatDuration, formatTokens, formatUsageCost } from './cliFormat';
import { describeEvent } from './eventLines';

/** How run output is shaped. */
export interface RunReporterOptions {
  stdout: CliOutput;
  stderr: CliOutput;
  /** `--json`: events on stdout, one per line, nothing else there. */
  json: boolean;
  /** The command that resumes a run, for the hints. */
  resumeCommand(runId: string): string;
}

const REDRAW_MS = 100;

/**
 * Everything a `run` or `resume` prints. With `--json` each event goes to stdout as one line of
 * JSON and stdout carries nothing else; otherwise notable events become lines on stderr and, when
 * stderr is a terminal, a status line (`[12/40] running: a, b  tokens 12.3k  $0.04`) stays at the
 * bottom. Warnings and the final summary always go to stderr.
 */
export class RunReporter {
  private state: Readonly<RunState> | undefined;
  private statusShown = false;
  private held: string[] | undefined;
  private suspended = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly live: boolean;
  private readonly startedAt = Date.now();

  constructor(private readonly options: RunReporterOptions) {
    this.live = !options.json && options.stderr.isTTY;
  }

  /** Follows a run's live state for the status line. */
  follow(state: Readonly<RunState>): void {
    this.state = state;
    this.schedule();
  }

  /** Handles one event of the run. */
  event(e: RunEvent): void {
    if (this.options.json) {
      this.options.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    const text = describeEvent(e, this.state);
    if (text !== undefined) this.line(text);
    this.schedule();
  }

  /** A line of human output on stderr (not in `--json` mode). */
  info(text: string): void {
    if (!this.options.json) this.line(text);
  }

  /** A line on stderr in every mode: things the user must see even with `--json`. */
  notice(text: string): void {
    // A prompt may be waiting on the current line: start a fresh one.
    this.line(this.suspended > 0 && Number.isFinite(this.suspended) ? `\n${text}` : text);
  }

  /** A warning on stderr, in every mode; held back while `holdWarnings` is in force. */
  warn(text: string): void {
    if (this.held) this.held.push(`warning: ${text}`);
    else this.line(`warning: ${text}`);
  }

  /** Keeps warnings back until `releaseWarnings`, so the run id can come first on a terminal. */
  holdWarnings(): void {
    this.held ??= [];
  }

  /** Prints the warnings held back, in order. */
  releaseWarnings(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const text of held) this.line(text);
  }

  /** A check of the baseline (before the first task) or of the end-of-run gate finished. */
  verification(outcome: VerificationOutcome, phase: 'baseline' | 'gate' = 'gate'): void {
    const findings =
      outcome.findings.length > 0
        ? `, ${outcome.findings.length} finding${outcome.findings.length === 1 ? '' : 's'}`
        : '';
    const verdict = phase === 'baseline' ? (outcomeFailed(outcome) ? 'fails' : 'passes') : outcome.verdict;
    this.info(
      `${phase === 'baseline' ? 'baseline' : 'verify '} ${outcome.step}: ${verdict} (exit ${outcome.exitCode}${findings}, ${formatDuration(outcome.durationMs)})`,
    );
  }

  /** Clears the status line while someone else uses the terminal (a prompt). */
  suspend(): void {
    this.suspended++;
    this.clearStatus();
  }

  /** Lets the status line back after `suspend`. */
  resume(): void {
    this.suspended = Math.max(0, this.suspended - 1);
    this.schedule();
  }

  /** The final summary on stderr; stops the status line. */
  summary(result: RunResult): void {
    this.stop();
    const { state, status, runId } = result;
    const counts = countTasks(state);
    const total = Object.keys(state.tasks).length;
    const spend = `${formatTokens(totalTokens(state.usage))} tokens${state.usage.estimated ? ' (partly estimated)' : ''}, ${formatUsageCost(state.usage)}${formatCacheHits(state.usage)}`;
    const took = formatDuration(Date.now() - this.startedAt);
    const lines: string[] = [''];
    switch (status) {
      case 'planned':
        lines.push(
          `Run ${runId}: dry run, the plan has ${total} task${total === 1 ? '' : 's'} (${spend}, ${took}). Run the same command without --dry-run to carry it out.`,
        );
        break;
      case 'succeeded':
        lines.push(`Run ${runId} succeeded in ${took}: ${counts.succeeded} of ${total} tasks done, ${spend}.`);
        lines.push(...preExistingLines(state));
        break;
      case 'failed': {
        const majors = state.findings.filter((f) => f.severity === 'major' && !f.preExisting);
        lines.push(
          `Run ${runId} failed after ${took}: ${counts.failed} failed, ${counts.skipped} skipped, ${counts.succeeded} of ${total} done; ${majors.length} major finding${majors.length === 1 ? '' : 's'}; ${spend}.`,
        );
        for (const t of Object.values(state.tasks).filter((x) => x.status === 'failed'))
          lines.push(`  failed  ${t.id}: ${clip(t.failure ?? '', 160)}`);
        for (const f of majors.slice(0, 10))
          lines.push(`  [major] ${clip(f.message, 160)}${f.location ? ` (${f.location})` : ''}`);
        if (majors.length > 10) lines.push(`  … ${majors.length - 10} more; see \`agent-orchestrator show ${runId}\``);
        lines.push(...preExistingLines(state));
        break;
      }
      case 'paused':
        lines.push(
          `Run ${runId} paused after ${took}: ${state.pauseReason ?? 'paused'} (${counts.succeeded} of ${total} tasks done, ${spend}).`,
        );
        lines.push(`Resume with: ${this.options.resumeCommand(runId)}`);
        break;
      case 'cancelled':
        lines.push(`Run ${runId} was cancelled after ${took} (${counts.succeeded} of ${total} tasks done, ${spend}).`);
        lines.push(`Resume with: ${this.options.resumeCommand(runId)}`);
        break;
    }
    this.options.stderr.write(`${lines.join('\n')}\n`);
  }

  /** Stops the status line for good. */
  stop(): void {
    this.releaseWarnings();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.clearStatus();
    this.suspended = Number.POSITIVE_INFINITY;
  }

  private line(text: string): void {
    this.clearStatus();
    this.options.stderr.write(`${text}\n`);
    this.schedule();
  }

  private schedule(): void {
    if (!this.live || this.suspended > 0 || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drawStatus();
    }, REDRAW_MS);
    this.timer.unref();
  }

  private drawStatus(): void {
    if (!this.live || this.suspended > 0 || !this.state) return;
    const text = statusLine(this.state);
    const width = Math.max(20, (this.options.stderr.columns || 80) - 1);
    this.options.stderr.write(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.options.stderr.write('\r\x1b[K');
    this.statusShown = false;
  }
}

/** Failures that were there before the run (in its baseline), once each: they did not count. */
export function preExistingLines(state: Readonly<RunState>): string[] {
  const seen = new Map<string, string>();
  for (const f of state.findings) {
    if (!f.preExisting || f.severity === 'minor') continue;
    seen.set(f.key ?? f.message, `  [pre-existing] ${clip(f.message, 160)}${f.location ? ` (${f.location})` : ''}`);
  }
  if (seen.size === 0) return [];
  const shown = [...seen.values()].slice(0, 10);
  return [
    `${seen.size} failure${seen.size === 1 ? '' : 's'} already there before the run (pre-existing; not counted):`,
    ...shown,
    ...(seen.size > shown.length ? [`  … ${seen.size - shown.length} more`] : []),
  ];
}

/** `[12/40] running: a, b  tokens 12.3k  $0.04`, or the phase before there is a plan. */
export function statusLine(state: Readonly<RunState>): string {
  const spend = `tokens ${formatTokens(totalTokens(state.usage))}  ${formatUsageCost(state.usage)}`;
  if (!state.plan) return `${state.phase === 'plan' ? 'planning' : state.phase}…  ${spend}`;
  const tasks = Object.values(state.tasks);
  const finished = tasks.filter((t) => t.status !== 'pending' && t.status !== 'running').length;
  const running = tasks.filter((t) => t.status === 'running').map((t) => t.id);
  const doing =
    running.length > 0 ? `running: ${running.join(', ')}` : state.phase === 'monitor' ? 'verifying' : 'waiting';
  return `[${finished}/${tasks.length}] ${doing}  ${spend}`;
}
