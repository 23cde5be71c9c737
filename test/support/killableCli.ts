import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { collect, spawnCli, type CliRun } from './cliProcess';

/** Where a kill is aimed: after a random number of events, or while a workspace file or the run's snapshot is being written. */
export type KillAim = 'random' | 'mid-write' | 'mid-snapshot';

/** How one invocation is to be killed. */
export interface KillPlan {
  aim: KillAim;
  /** Kill after this many events (after the first `startType` event); for a targeted aim, the fallback. */
  afterEvents: number;
  /** Then wait this long before the kill. */
  delayMs: number;
  /** The event type from which events are counted (`plan.ready` for `run`, `run.resumed` for `resume`). */
  startType: string;
  /** Folder where the workspace writes land (temp files appear there first). */
  writeDir: string;
  /** The run folder, when already known (else taken from the first event's `runId`). */
  runDir?: string;
  /** The state folder's `runs/`, to find the run folder from the first event. */
  runsDir: string;
}

/** What one invocation did. */
export interface KillOutcome {
  result: CliRun;
  killed: boolean;
  /** What set the kill off: the random event count, or the temp file of a write or a snapshot. */
  trigger?: 'events' | 'write-temp' | 'snapshot-temp';
  /** A temp file was still there after the kill: the kill landed inside the write. */
  landedInside: boolean;
  runId?: string;
}

const TEMP = /^\..+\.ao-write-\d+-[0-9a-f]{12}\.tmp$/;
const SNAPSHOT_TEMP = /^\.snapshot\.json\.[0-9a-f]{12}\.tmp$/;

/**
 * Runs the CLI in its own process group and SIGKILLs the whole group (verification commands and
 * git included) at the planned point; without a kill it runs to the end.
 */
export async function runKillable(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  plan: KillPlan,
): Promise<KillOutcome> {
  const child = spawnCli(args, env, { detached: true });
  child.stdin?.end();
  const output = collect(child);
  const watchers: FSWatcher[] = [];
  let killed = false;
  let trigger: KillOutcome['trigger'];
  let runId: string | undefined;
  let runDir = plan.runDir;
  const kill = (why: NonNullable<KillOutcome['trigger']>): void => {
    if (killed || child.pid === undefined) return;
    killed = true;
    trigger = why;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const watchFor = (dir: string, name: RegExp, why: NonNullable<KillOutcome['trigger']>): void => {
    try {
      watchers.push(watch(dir, (_event, file) => void (file !== null && name.test(String(file)) && kill(why))));
    } catch {
      // The folder is not there yet: only the fallback kill applies.
    }
  };
  if (plan.aim === 'mid-write') watchFor(plan.writeDir, TEMP, 'write-temp');
  if (plan.aim === 'mid-snapshot' && runDir) watchFor(runDir, SNAPSHOT_TEMP, 'snapshot-temp');

  let buffer = '';
  let counting = false;
  let seen = 0;
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let event: { type?: string; runId?: string };
      try {
        event = JSON.parse(line) as { type?: string; runId?: string };
      } catch {
        continue;
      }
      if (runId === undefined && event.runId) {
        runId = event.runId;
        if (!runDir && plan.aim === 'mid-snapshot') {
          runDir = `${plan.runsDir}/${runId}`;
          watchFor(runDir, SNAPSHOT_TEMP, 'snapshot-temp');
        }
      }
      if (event.type === plan.startType) counting = true;
      else if (counting && ++seen === plan.afterEvents) setTimeout(() => kill('events'), plan.delayMs);
    }
  });
  const result = await output;
  for (const w of watchers) w.close();
  let landedInside = false;
  if (killed && trigger !== 'events') {
    const dir = trigger === 'write-temp' ? plan.writeDir : runDir;
    const names = dir ? await readdir(dir).catch(() => [] as string[]) : [];
    landedInside = names.some((n) => (trigger === 'write-temp' ? TEMP : SNAPSHOT_TEMP).test(n));
  }
  return {
    result,
    killed: killed && result.signal === 'SIGKILL',
    ...(trigger ? { trigger } : {}),
    landedInside,
    ...(runId ? { runId } : {}),
  };
}
