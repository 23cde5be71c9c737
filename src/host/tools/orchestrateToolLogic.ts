import { z } from 'zod';
import type { RunResult } from '../../core/run/runSession';
import { runSummaryText, summariseRun } from '../../core/run/runSummary';

/** The `orchestrate` tool's name, as contributed in package.json `languageModelTools`. */
export const ORCHESTRATE_TOOL = 'agent-orchestrator_orchestrate';

/** What a model sends to `orchestrate` (package.json's `inputSchema` says the same). */
export const OrchestrateToolInputSchema = z.strictObject({
  goal: z
    .string({ error: 'Send {"goal": "…"}: one sentence saying what the agents should achieve.' })
    .trim()
    .min(1, 'The goal is empty: send {"goal": "…"} with one sentence saying what the agents should achieve.'),
  dryRun: z.boolean({ error: '"dryRun" is true (plan only) or false (plan and run); leave it out to run.' }).optional(),
});
/** A checked `orchestrate` input. */
export type OrchestrateToolInput = z.output<typeof OrchestrateToolInputSchema>;

/** A run started for the tool: its id, a way to cancel it, and its end (undefined when it stopped with an error). */
export interface ToolRun {
  readonly runId: string;
  cancel(): void;
  readonly done: Promise<RunResult | undefined>;
}

/** What the tool needs from the host: the same trust check, folder choice and launch path as "Orchestrate Goal…". */
export interface OrchestrateToolPorts<Folder = unknown> {
  /** Throws `UntrustedWorkspaceError` in an untrusted workspace (nothing runs there). */
  assertTrusted(): void;
  /** The folder the agents work in: the only one, or the user's pick; undefined when none was picked. */
  pickFolder(): Promise<Folder | undefined>;
  /** Starts the run through the host launcher (approvals, budgets from settings) and follows it. */
  start(folder: Folder, goal: string, dryRun: boolean): Promise<ToolRun>;
}

/** The part of a cancellation token the tool uses. */
export interface ToolCancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** Checks a tool call's input; a bad one throws an `Error` whose message says what to send. */
export function parseOrchestrateInput(input: unknown): OrchestrateToolInput {
  const parsed = OrchestrateToolInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` (at ${issue.path.join('.')})` : '';
  throw new Error(`Invalid orchestrate input${where}: ${issue?.message ?? 'send {"goal": "…", "dryRun"?: boolean}'}`);
}

/** The confirmation shown before the tool runs: the goal, and whether files may change. */
export function orchestrateConfirmation(input: OrchestrateToolInput): { title: string; message: string } {
  return input.dryRun
    ? { title: 'Plan a goal with Agent Orchestrator?', message: `Plan (dry run, no file changes): ${input.goal}` }
    : {
        title: 'Run a goal with Agent Orchestrator?',
        message: `Plan and run with agents that may edit files of this workspace (edits follow your approval settings): ${input.goal}`,
      };
}

/**
 * The tool's work: checks the input and Workspace Trust, starts the run through the host's
 * launch path, cancels it when `token` is cancelled, and answers with a summary for the model
 * (status, tasks, files changed, tokens and cost, the run id).
 */
export async function invokeOrchestrate<Folder>(
  rawInput: unknown,
  ports: OrchestrateToolPorts<Folder>,
  token: ToolCancellation,
): Promise<string> {
  const input = parseOrchestrateInput(rawInput);
  ports.assertTrusted();
  if (token.isCancellationRequested) return 'Cancelled before the run started; nothing ran.';
  const folder = await ports.pickFolder();
  if (!folder) return 'No workspace folder was chosen, so nothing ran. Ask the user to open or pick a folder.';
  const run = await ports.start(folder, input.goal, input.dryRun ?? false);
  const cancelling = token.onCancellationRequested(() => run.cancel());
  try {
    if (token.isCancellationRequested) run.cancel();
    const result = await run.done;
    if (!result)
      return `Run ${run.runId} stopped with an error before it finished; the Agent Orchestrator log says why.`;
    return runSummaryText(summariseRun(result.state));
  } finally {
    cancelling.dispose();
  }
}
