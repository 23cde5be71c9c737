import { totalTokens } from '../core/model/usage';
import { runStoreAt, type RunSummary } from '../core/store/runStore';
import type { ListArgs } from './cliCommand';
import { clip, formatAge, formatTokens, formatUsageCost, table } from './cliFormat';
import type { CliIo } from './cliIo';
import { ExitCode } from './exitCodes';

/** `list`: the runs, newest first, as a table, or one JSON summary per line with `--json`. */
export async function listCommand(args: ListArgs, io: CliIo, stateDir: string): Promise<number> {
  const runs = await runStoreAt(stateDir).list();
  if (args.json) {
    for (const run of runs) io.stdout.write(`${JSON.stringify(run)}\n`);
    return ExitCode.ok;
  }
  for (const run of runs) if (run.warning) io.stderr.write(`warning: run ${run.runId}: ${run.warning}\n`);
  if (runs.length === 0) {
    io.stderr.write(`No runs yet in ${stateDir}. Start one with: agent-orchestrator run "<goal>"\n`);
    return ExitCode.ok;
  }
  const now = Date.now();
  const rows = runs.map((run) => [
    run.runId,
    displayStatus(run),
    formatAge(run.createdAt, now),
    tasksCell(run),
    formatTokens(totalTokens(run.usage)),
    formatUsageCost(run.usage),
    run.goal,
  ]);
  const header = ['ID', 'STATUS', 'AGE', 'TASKS', 'TOKENS', 'COST', 'GOAL'];
  // The goal comes last and is clipped to what the terminal has left.
  const fixed = table([header, ...rows].map((row) => row.slice(0, -1))).split('\n');
  const widest = Math.max(...fixed.map((f) => f.length));
  const room = io.stdout.columns === undefined ? 100 : Math.max(20, io.stdout.columns - widest - 3);
  const lines = [header, ...rows].map(
    (row, i) => `${(fixed[i] ?? '').padEnd(widest)}  ${clip(row[row.length - 1] ?? '', room)}`,
  );
  io.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
}

/** The status as a user should read it: a `running` run nobody owns was interrupted. */
export function displayStatus(run: Pick<RunSummary, 'status' | 'locked'>): string {
  return run.status === 'running' && !run.locked ? 'interrupted' : run.status;
}

function tasksCell(run: RunSummary): string {
  const total = Object.values(run.taskCounts).reduce((a, b) => a + b, 0);
  return total === 0 ? '-' : `${run.taskCounts.succeeded}/${total}`;
}
