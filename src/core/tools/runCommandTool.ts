import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { JsonValue } from '../model/runEvents';
import type { TaskContext } from '../task/agent';
import type { CommandProposal } from './approvalPort';
import { approveCommandOnce } from './approveCommandOnce';
import { parseCommandLine } from './commandLine';
import { runCommandProcess } from './commandProcess';
import { CommandLog } from './commandLog';
import { effectOnce } from './effectOnce';
import type { ToolContext } from './toolContext';
import { defineTool } from './toolDefinition';
import type { ToolDefinition, ToolResult } from './toolDefinition';
import { errorResult } from './toolResults';
import { rejectionText } from './rejectionText';

/** The name the tool is called by. */
export const RUN_COMMAND_TOOL = 'run_command';

const RunCommandArgs = z.strictObject({
  command: z
    .string()
    .min(1)
    .max(4000)
    .describe(
      'One program and its arguments, quoted as in sh, e.g. "npm test" or "git diff --stat". No pipes, chains, redirections or $(…).',
    ),
  cwd: z
    .string()
    .min(1)
    .max(1000)
    .optional()
    .describe('Workspace-relative folder to run it in; the workspace root by default.'),
  timeoutSeconds: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Seconds before the command is killed; the configured default when absent.'),
});

/** What one run of a command left, as it is journaled. */
const StoredRun = z.object({
  exitCode: z.number().int(),
  output: z.string(),
  hiddenBytes: z.number().int().nonnegative(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
});

/**
 * run_command: runs one program with its arguments, with no shell, in the workspace. The command
 * line is split by shell-quote; shell syntax is refused. The policy decides: deny refuses, allow
 * runs, ask goes to a person through the approval port (terminal prompt, editor, run panel) and
 * is journaled, never auto-approved. Output streams to the task log and is bounded; a timeout or
 * a cancel kills the whole process tree; the environment is scrubbed of keys and tokens.
 *
 * Exactly once: the approval and the run are journaled steps keyed by the command, its folder, the
 * occurrence of that call within the attempt, and an epoch that a resumed attempt (after a crash
 * or a pause for a person) shares with the one it resumes, so a resume neither asks again nor runs
 * a completed command again, while a retry after a failure runs it afresh. A run a crash cut short
 * (begun, with no result) is not run again: its effects are unknown, so the model is told it was
 * interrupted and may call it again, which is a new call (asked and run like any other).
 */
export function runCommandTool(): ToolDefinition<ToolContext> {
  const occurrences = new WeakMap<TaskContext, Map<string, number>>();
  return defineTool<ToolContext, typeof RunCommandArgs>({
    name: RUN_COMMAND_TOOL,
    description:
      'Run one command (a program and its arguments, no shell) in the workspace and read its exit code and output. ' +
      'The policy may allow it, refuse it, or ask a person first. Output is cut to a bounded size; the command is killed at its timeout.',
    parameters: RunCommandArgs,
    async run(args, ctx): Promise<ToolResult> {
      const service = ctx.commands;
      if (service === undefined)
        return errorResult('run_command is not available in this run; do without it.', { refused: true });
      const line = parseCommandLine(args.command);
      if (!line.ok) return errorResult(line.error, { refused: true });
      const timeoutMs = args.timeoutSeconds === undefined ? service.defaultTimeoutMs : args.timeoutSeconds * 1000;
      if (timeoutMs > service.maxTimeoutMs)
        return errorResult(
          `timeoutSeconds may be at most ${service.maxTimeoutMs / 1000}; ask for less, or split the work.`,
          { refused: true },
        );
      const folder = await commandFolder(ctx, args.cwd);
      if (!folder.ok) return errorResult(folder.error, { refused: true });

      const verdict = await ctx.policy.evaluate({ kind: 'command', tool: RUN_COMMAND_TOOL, command: args.command });
      if (verdict.decision === 'deny')
        return errorResult(`The command was refused: ${verdict.reason}`, { refused: true });
      if (verdict.decision === 'ask' && ctx.approvals.decideCommand === undefined) {
        return errorResult(
          `This command needs a person's approval (${verdict.reason}), and nobody can be asked here; nothing was run.`,
          { refused: true },
        );
      }

      const { task } = ctx;
      const id = createHash('sha256')
        .update(JSON.stringify([folder.relative, line.argv]))
        .digest('hex')
        .slice(0, 16);
      const seen = occurrences.get(task) ?? new Map<string, number>();
      occurrences.set(task, seen);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const key = `${await commandEpoch(task)}:${id}#${n}`;

      if (verdict.decision === 'ask') {
        const proposal: CommandProposal = {
          approvalId: `${task.task.id}:command:${key}`,
          runId: task.runId,
          taskId: task.task.id,
          agentId: task.agentId,
          command: args.command,
          argv: line.argv,
          cwd: folder.relative,
          reason: verdict.reason,
        };
        const decision = await approveCommandOnce(ctx, proposal, `command-approval:${key}`);
        if (decision.decision === 'rejected') {
          return errorResult(
            `The command was not approved (${rejectionText(decision)}); it did not run. Do without it or try another way.`,
            {
              refused: true,
            },
          );
        }
      }

      const outcome = await effectOnce(task, 'command', key, async (): Promise<JsonValue> => {
        const log = new CommandLog(task.log, args.command, service.maxOutputBytes);
        log.start(folder.relative);
        const result = await runCommandProcess({
          argv: line.argv,
          cwd: folder.absolute,
          env: service.environment(),
          timeoutMs,
          maxOutputBytes: service.maxOutputBytes,
          signal: task.signal,
          onOutput: (chunk, stream) => log.output(chunk, stream),
        });
        log.end(result.exitCode, result.timedOut);
        const { exitCode, output, hiddenBytes, timedOut, durationMs } = result;
        return { exitCode, output, hiddenBytes, timedOut, durationMs } satisfies JsonValue;
      });
      if (outcome.kind === 'interrupted') return interruptedText(args.command);
      const parsed = StoredRun.safeParse(outcome.value);
      if (!parsed.success) throw new Error('The journaled command result is malformed; the run state may be corrupt.');
      return resultText(args.command, timeoutMs, parsed.data, outcome.ranNow);
    },
  });
}

/** The folder a command runs in: inside the workspace, checked by the policy like a read (symlinks resolved). */
async function commandFolder(
  ctx: ToolContext,
  cwd: string | undefined,
): Promise<{ ok: true; relative: string; absolute: string } | { ok: false; error: string }> {
  const root = ctx.commands?.root ?? ctx.workspace.root;
  if (cwd === undefined || cwd === '.' || cwd === './') return { ok: true, relative: '.', absolute: root };
  const verdict = await ctx.policy.evaluate({ kind: 'read', tool: RUN_COMMAND_TOOL, path: cwd });
  const real = verdict.resolvedPath?.real;
  if (verdict.decision !== 'allow' || real === undefined)
    return {
      ok: false,
      error: `The folder ${JSON.stringify(cwd)} cannot be used as cwd: ${verdict.reason}. Give a folder inside the workspace.`,
    };
  const info = await stat(real).catch(() => undefined);
  if (!info?.isDirectory())
    return {
      ok: false,
      error: `The folder ${JSON.stringify(cwd)} does not exist in the workspace; give an existing folder (list_files shows them).`,
    };
  return { ok: true, relative: cwd, absolute: real };
}

/**
 * The epoch the commands of this attempt are journaled under: the attempt's own number, or, when
 * the previous attempt was interrupted (a crash, a stop) or paused for a person, that attempt's
 * epoch, so the resumed attempt finds what it already did. Itself a journaled step.
 */
export async function commandEpoch(task: TaskContext): Promise<number> {
  const previous = task.previousAttempt;
  const continues =
    previous !== undefined &&
    previous.attempt === task.attempt - 1 &&
    (previous.failureClass === undefined || previous.failureClass === 'needs-human');
  const inherited = continues
    ? await task.step(`command-epoch:${previous.attempt}`, async () => previous.attempt)
    : task.attempt;
  return task.step(`command-epoch:${task.attempt}`, async () => inherited);
}

function resultText(command: string, timeoutMs: number, run: z.infer<typeof StoredRun>, ranNow: boolean): ToolResult {
  const head = run.timedOut
    ? `\`${command}\` was killed after ${timeoutMs / 1000} s (timeout); exit code ${run.exitCode}.`
    : `\`${command}\` exited with code ${run.exitCode} after ${run.durationMs} ms.`;
  const lines = [head];
  if (run.hiddenBytes > 0) lines.push(`Output: ${run.hiddenBytes} bytes not shown (the middle was cut).`);
  lines.push(run.output === '' ? '(no output)' : run.output);
  if (!ranNow)
    lines.push('(Recorded result: this call had already completed before the run was resumed; it was not run again.)');
  return {
    content: lines.join('\n'),
    ...(run.exitCode === 0 ? {} : { isError: true }),
    data: { exitCode: run.exitCode, timedOut: run.timedOut, hiddenBytes: run.hiddenBytes, replayed: !ranNow },
  };
}

/** What the model reads for a command a crash cut short; the next identical call is a new one. */
function interruptedText(command: string): ToolResult {
  return {
    content:
      `\`${command}\` was interrupted by a crash (or a stop of the run) before it finished; it may have done part of its work, or none, ` +
      'and it did not run again when the run was resumed, since what it did is unknown. ' +
      'Check its effects if they matter; if you need it, call run_command again: that is a new call, which the policy may ask a person about.',
    isError: true,
    data: { interrupted: true, replayed: true },
  };
}
