import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import type { JsonValue } from '../model/runEvents';
import type { Finding } from '../model/finding';
import type { RunEventOf } from '../model/runEvents';
import type { TaskContext } from '../task/agent';
import { outcomeFailed } from '../verify/baseline';
import { formatFindingsForAgent } from '../verify/feedbackMessage';
import { DEFAULT_GATE_THRESHOLDS, limitsFor } from '../verify/gateThresholds';
import { checkRecordFolder } from '../verify/checkRecord';
import { judgeTaskGate } from '../verify/taskGate';
import { runVerification } from '../verify/verificationStep';
import type { VerificationOutcome, VerificationStep } from '../verify/verificationStep';
import { checkToolPolicy } from './checkToolPolicy';
import type { EditLedger } from './editLedger';
import type { ToolContext } from './toolContext';
import { defineTool } from './toolDefinition';
import type { ToolDefinition } from './toolDefinition';
import { errorResult } from './toolResults';
import { workspaceFingerprint } from './workspaceFingerprint';
import { lazySchema } from '../common/lazySchema';

/** The name the tool is called by. */
export const RUN_VERIFICATION_TOOL = 'run_verification';

/** Findings reported as run findings per verification; the rest are counted in the result. */
const MAX_REPORTED_FINDINGS = 200;

const RunVerificationArgs = lazySchema(() =>
  z.strictObject({
    name: z.string().min(1).optional().describe('Name of a configured verification, e.g. "test" or "build".'),
    command: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('A shell command to run instead, e.g. "npm test"; it must be allowed by the policy.'),
  }),
);

/**
 * run_verification: runs a configured verification by name, or a command the policy allows outright.
 * A command the policy would only allow after asking is refused with a hint to use a configured
 * verification: this tool has no approval flow for commands (yet); a refusal carries `refused: true`.
 *
 * How the outcome is judged: a check the task's plan names in `verify` must pass outright (exit code
 * 0); a configured check with a run baseline fails only on a regression the task is responsible for
 * (`judgeTaskGate`), and only those findings are reported against the task; anything else is judged
 * by the thresholds alone.
 *
 * Exactly once: the run is a journaled step keyed by the step and a fingerprint of the content of
 * the files the task declared (reads and writes) and edited in this attempt. A verification that
 * completed before a crash is replayed, not re-run, while nothing it could check has changed;
 * after an edit the fingerprint differs and it runs again. An edit count was rejected as the key
 * because it restarts at 0 in a resumed attempt and would replay a result from before later edits.
 * Known gap: a file outside the declared paths that an earlier attempt edited is not in a later
 * attempt's fingerprint until it is edited again.
 */
export function runVerificationTool(ledger: EditLedger): ToolDefinition<ToolContext> {
  return defineTool<ToolContext, typeof RunVerificationArgs>({
    name: RUN_VERIFICATION_TOOL,
    description:
      'Run a build, test or lint check and get its findings. Prefer a configured verification by "name"; ' +
      'a "command" runs only if the policy allows it without asking. An unchanged workspace gets the recorded result of the last identical run.',
    parameters: RunVerificationArgs,
    async run(args, ctx) {
      const { steps } = ctx.verification;
      const names = Object.keys(steps).sort();
      const available = names.length === 0 ? 'none are configured' : `configured: ${names.join(', ')}`;
      if (args.name !== undefined && args.command !== undefined)
        return errorResult('Give either "name" or "command", not both.');

      let step: VerificationStep;
      let id: string;
      if (args.command === undefined) {
        const name = args.name ?? (names.length === 1 ? names[0] : undefined);
        const configured = name === undefined ? undefined : steps[name];
        if (name === undefined || configured === undefined) {
          const what =
            args.name === undefined ? 'Say which verification to run' : `There is no verification named "${args.name}"`;
          return errorResult(`${what} (${available}).`);
        }
        const refused = await checkToolPolicy(ctx, RUN_VERIFICATION_TOOL);
        if (refused) return { ...refused, data: { refused: true } };
        step = configured;
        id = `name:${name}`;
      } else {
        const verdict = await ctx.policy.evaluate({
          kind: 'command',
          tool: RUN_VERIFICATION_TOOL,
          command: args.command,
        });
        if (verdict.decision === 'deny')
          return errorResult(`The command was refused: ${verdict.reason}`, { refused: true });
        if (verdict.decision === 'ask') {
          return errorResult(
            `This command needs approval, which run_verification cannot ask for (${verdict.reason}). Use a configured verification instead (${available}).`,
            { refused: true },
          );
        }
        step = {
          name: args.command.length > 80 ? `${args.command.slice(0, 79)}…` : args.command,
          command: args.command,
        };
        id = `command:${createHash('sha256').update(args.command).digest('hex').slice(0, 16)}`;
      }

      const { task } = ctx;
      const own = (task.task.verify ?? []).some((check) => check === step.command || check === step.name);
      const baseline = own ? undefined : task.gate?.baseline(step.name);
      const fingerprint = await workspaceFingerprint(
        ctx.workspace,
        [...task.task.reads, ...task.task.writes],
        ledger.paths(task),
      );
      let ranNow = false;
      const stepKey = `verify:${id}:${fingerprint}`;
      // The check's durable record: a command that ended just before a crash is not run again.
      const record =
        ctx.verification.recordDir === undefined
          ? undefined
          : checkRecordFolder(ctx.verification.recordDir, `${task.runId}:task:${task.task.id}:${stepKey}`);
      const stored = await task.step(stepKey, async () => {
        ranNow = true;
        // Taken before the check runs: a task unfinished while it ran may have left its mark on it.
        const unfinished = task.gate?.unfinishedOthers() ?? [];
        const outcome = await runVerification(step, ctx.verification.runner, ctx.verification.thresholds, {
          cwd: ctx.verification.cwd,
          signal: task.signal,
          taskId: task.task.id,
          ...(record === undefined ? {} : { record }),
        });
        const judged = own
          ? ownCheckJudgement(step, outcome)
          : baseline
            ? await baselineJudgement(step, outcome, baseline, ctx, ledger, unfinished)
            : { verdict: outcome.verdict, text: feedbackText(step, outcome), report: outcome.findings };
        task.record({
          type: 'verification.completed',
          taskId: task.task.id,
          name: step.name,
          exitCode: outcome.exitCode,
          verdict: judged.verdict,
          counts: outcome.counts,
          durationMs: outcome.durationMs,
          ...(judged.baseline ? { baseline: judged.baseline } : {}),
        });
        for (const { taskId: _taskId, ...finding } of judged.report.slice(0, MAX_REPORTED_FINDINGS))
          task.report(finding);
        return { verdict: judged.verdict, exitCode: outcome.exitCode, text: judged.text };
      });
      // The step's result is durable now; its record is no longer needed.
      if (record !== undefined) await rm(record, { recursive: true, force: true }).catch(() => undefined);
      const result = parseStored(stored);
      const replayNote = ranNow
        ? ''
        : '\n(Recorded result of an identical earlier run: none of the files this task declared or edited changed since, so it was not run again.)';
      return {
        content: `${result.text}${replayNote}`,
        ...(result.verdict === 'fail' ? { isError: true } : {}),
        data: { verdict: result.verdict, exitCode: result.exitCode, replayed: !ranNow },
      };
    },
  });
}

/** How one run of a check was judged, what is reported as the task's findings, and what the model reads. */
interface Judgement {
  verdict: 'pass' | 'warn' | 'fail';
  text: string;
  report: readonly Finding[];
  baseline?: RunEventOf<'verification.completed'>['baseline'];
}

/** The task's own check (its plan's `verify`): it must pass outright, exit code 0 and nothing over the thresholds. */
function ownCheckJudgement(step: VerificationStep, outcome: VerificationOutcome): Judgement {
  const failed = outcomeFailed(outcome);
  const label = step.command ?? step.task ?? step.name;
  const text = failed
    ? `${formatFindingsForAgent(outcome.findings, { command: label })}\nThis is the task's own check: it must pass (exit code 0) before the task is done. Exit code ${outcome.exitCode}. ${outcome.reasons.join('; ')}`.trim()
    : feedbackText(step, outcome);
  return { verdict: failed ? 'fail' : outcome.verdict, text, report: outcome.findings };
}

/** A configured check against the run's baseline: only what the task broke counts (see `judgeTaskGate`). */
async function baselineJudgement(
  step: VerificationStep,
  outcome: VerificationOutcome,
  baseline: NonNullable<ReturnType<NonNullable<TaskContext['gate']>['baseline']>>,
  ctx: ToolContext,
  ledger: EditLedger,
  unfinishedOthers: readonly string[],
): Promise<Judgement> {
  const { task } = ctx;
  const edited = [...new Set([...(task.gate?.editedFiles() ?? []), ...ledger.paths(task)])];
  const judged = await judgeTaskGate(outcome, baseline, {
    label: step.command ?? step.task ?? step.name,
    limits: limitsFor(ctx.verification.limits ?? DEFAULT_GATE_THRESHOLDS, step.name),
    edited,
    unfinishedOthers,
    readText: async (path) => {
      const decision = await ctx.policy.evaluate({ kind: 'read', tool: RUN_VERIFICATION_TOOL, path });
      return decision.decision === 'allow' ? ctx.workspace.readFile(path) : undefined;
    },
  });
  return {
    verdict: judged.verdict,
    text: judged.text,
    report: judged.blamed,
    baseline: {
      new: judged.blamed.length + judged.deferred.length,
      preExisting: judged.preExisting.length,
      deferred: judged.deferred.length,
    },
  };
}

/** What the model reads: the verdict, why, and the findings most severe first. */
function feedbackText(step: VerificationStep, outcome: VerificationOutcome): string {
  const label = step.command ?? step.task ?? step.name;
  const head =
    outcome.verdict === 'pass'
      ? `Verification \`${label}\` passed (exit code ${outcome.exitCode}).`
      : formatFindingsForAgent(outcome.findings, { command: label, verdict: outcome.verdict });
  const lines = [head];
  if (outcome.verdict === 'pass' && outcome.findings.length > 0)
    lines.push(`It reported ${outcome.findings.length} finding(s) within the thresholds; they do not need fixing now.`);
  if (outcome.verdict !== 'pass') lines.push(`Exit code ${outcome.exitCode}. ${outcome.reasons.join('; ')}`.trim());
  if (outcome.findings.length > MAX_REPORTED_FINDINGS)
    lines.push(`Only the first ${MAX_REPORTED_FINDINGS} of ${outcome.findings.length} findings were recorded.`);
  return lines.join('\n');
}

function parseStored(value: JsonValue): { verdict: 'pass' | 'warn' | 'fail'; exitCode: number; text: string } {
  const parsed = z
    .object({ verdict: z.enum(['pass', 'warn', 'fail']), exitCode: z.number(), text: z.string() })
    .safeParse(value);
  if (!parsed.success) throw new Error('The journaled verification result is malformed; the run state may be corrupt.');
  return parsed.data;
}
