import type { ScriptedTask } from '../support/scriptedTeam';

/** A run event as the breakdown reads it from the run's log. */
export interface PhaseEvent {
  type: string;
  at: number;
  taskId?: string;
  phase?: string;
}

/** A model request as the fake server saw it; `taskId` undefined for the planner. */
export interface PhaseRequest {
  taskId: string | undefined;
  receivedAt: number;
  finishedAt: number;
}

/** One row of the breakdown: a phase and its milliseconds of wall time. */
export type PhaseRow = [phase: string, ms: number];

/**
 * Where the wall time of one CLI run went, along its critical path: start-up, planning, then for
 * each task of the chain that finished last (the last task, its last-finishing dependency, …) the
 * time from its start to its first request, its model turns, what is left of its checkpoint after
 * the first reply (it runs during the first turn), its edit, and the end of the run. Each scripted task takes two turns (edit, then finish), so the rows add up to the
 * wall time; `model turns` and `planner model turns` are what the bound counts.
 */
export function phaseBreakdown(
  run: { spawnAt: number; exitAt: number; events: readonly PhaseEvent[]; requests: readonly PhaseRequest[] },
  tasks: readonly ScriptedTask[],
): PhaseRow[] {
  const at = (type: string, match: (e: PhaseEvent) => boolean = () => true): number => {
    const found = run.events.find((e) => e.type === type && match(e));
    if (!found) throw new Error(`The run's log has no ${type} event to time a phase by.`);
    return found.at;
  };
  const planner = run.requests.filter((r) => r.taskId === undefined);
  const created = at('run.created');
  const execute = at('run.phase', (e) => e.phase === 'execute');
  const succeeded = new Map(run.events.filter((e) => e.type === 'task.succeeded').map((e) => [e.taskId!, e.at]));
  const depsOf = new Map(tasks.map((t) => [t.id, t.dependencies ?? []]));
  const lastOf = (ids: readonly string[]): string | undefined =>
    [...ids].sort((a, b) => (succeeded.get(b) ?? 0) - (succeeded.get(a) ?? 0))[0];
  const chain: string[] = [];
  for (let id = lastOf([...succeeded.keys()]); id !== undefined; id = lastOf(depsOf.get(id) ?? [])) chain.unshift(id);

  const sums = new Map<string, number>();
  const add = (phase: string, ms: number): void => void sums.set(phase, (sums.get(phase) ?? 0) + ms);
  let previous = execute;
  for (const id of chain) {
    const started = at('task.started', (e) => e.taskId === id);
    const turns = run.requests.filter((r) => r.taskId === id);
    const checkpoint = at('checkpoint.taken', (e) => e.taskId === id);
    add('scheduling: previous task done → task.started', started - previous);
    add('task.started → first model request (brief, reads, rate gate)', turns[0]!.receivedAt - started);
    add(
      'model turns',
      turns.reduce((sum, r) => sum + r.finishedAt - r.receivedAt, 0),
    );
    // The checkpoint is taken while the first turn runs; only what is left of it after the reply waits.
    const firstReply = turns[0]!.finishedAt;
    add('first reply → checkpoint taken (git, if still running)', Math.max(0, checkpoint - firstReply));
    add('→ next request (approval, edit, store)', turns[1]!.receivedAt - Math.max(checkpoint, firstReply));
    add('last reply → task.succeeded', succeeded.get(id)! - turns.at(-1)!.finishedAt);
    previous = succeeded.get(id)!;
  }
  const completed = at('run.completed');
  return [
    ['CLI start → run.created', created - run.spawnAt],
    ['run.created → planner request (workspace summary, SDK load)', planner[0]!.receivedAt - created],
    ['planner model turns', planner.at(-1)!.finishedAt - planner[0]!.receivedAt],
    ['planner reply → execute phase', execute - planner.at(-1)!.finishedAt],
    ...sums,
    ['last task → run.completed', completed - previous],
    ['run.completed → process exit', run.exitAt - completed],
  ];
}
