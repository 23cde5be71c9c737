import type { RunDiff } from '../checkpoint/checkpointPort';
import { TaskSpecSchema, type TaskSpec } from '../model/planSchema';
import type { RunState } from '../model/runState';
import type { RunGateReport } from '../verify/runVerifier';

/** Most characters of the failing checks' text in a repair brief. */
const MAX_FAILURE_CHARS = 8000;
/** Most characters of the run's diff in a repair brief. */
export const MAX_REPAIR_DIFF_CHARS = 12_000;
/** Changed paths listed in a repair brief. */
const MAX_PATHS = 100;

/** Repair rounds after a failed end-of-run gate when the settings give none. */
export const DEFAULT_REPAIR_ATTEMPTS = 1;

/** The agent a repair task is given to: the built-in coder. */
export const REPAIR_AGENT = 'coder';

/**
 * The repair task after a failed end-of-run gate: an ordinary task for the coder whose description
 * holds what failed (the new findings and output of each failing check) and what the run changed
 * (paths and a bounded unified diff), so the agent can fix the run's own breakage without undoing
 * the goal.
 */
export function repairTaskSpec(
  state: Readonly<RunState>,
  report: RunGateReport,
  diff: RunDiff | undefined,
  agentId: string = REPAIR_AGENT,
): TaskSpec {
  const round = (state.repairTasks?.length ?? 0) + 1;
  let id = `repair-${round}`;
  for (let n = 2; state.tasks[id] !== undefined; n++) id = `repair-${round}-${n}`;
  const failing = report.checks.filter((c) => c.verdict === 'fail');
  const names = failing.map((c) => `\`${c.name}\``).join(', ');
  const paths = diff?.paths ?? editedPaths(state);
  const shownPaths = paths.slice(0, MAX_PATHS);
  const failures = bounded(report.failureText, MAX_FAILURE_CHARS);
  const preExisting = report.findings.filter((f) => f.preExisting).length;
  const description = [
    `Every task of the run succeeded, but the end-of-run check${failing.length === 1 ? '' : 's'} ${names} failed. Find out why and fix it, keeping what the run set out to do:`,
    `Goal of the run: ${state.goal}`,
    '',
    'What failed (only problems that were not there before the run started count):',
    failures,
    ...(preExisting > 0
      ? ['', `${preExisting} finding(s) were already there before the run (pre-existing); they are not yours to fix.`]
      : []),
    '',
    `Files the run changed (${paths.length}): ${shownPaths.join(', ') || 'none recorded'}${paths.length > shownPaths.length ? ', …' : ''}`,
    ...(diff && diff.patch.trim() !== ''
      ? ['', `The run's changes${diff.truncated ? ' (cut short)' : ''}:`, '```diff', diff.patch.trimEnd(), '```']
      : []),
  ].join('\n');
  return TaskSpecSchema.parse({
    id,
    title: `Repair: make ${names || 'the end-of-run checks'} pass`,
    description,
    requiredCapabilities: [],
    dependencies: [],
    priority: 100,
    acceptanceCriteria: failing.map(
      (c) => `\`${c.name}\` shows no problem that was not there before the run (${c.reasons.join('; ')} now)`,
    ),
    agent: agentId,
  });
}

/** Files edited by the run's tasks, from its approvals (when no checkpoint can give a diff). */
function editedPaths(state: Readonly<RunState>): string[] {
  const paths = new Set<string>();
  for (const approval of Object.values(state.approvals))
    if (approval.status === 'applied' && approval.path !== undefined) paths.add(approval.path);
  return [...paths].sort();
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
