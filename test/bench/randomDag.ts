import type { PlanInput, TaskSpecInput } from '../../src/core/model/planSchema';
import { seededRandom } from '../support/fakeModelServer/seededRandom';

/** A DAG for the makespan benchmark: tasks in layers, each with a simulated latency. */
export interface TimedDag {
  /** Task ids in layer order; dependencies point only to the layer before. */
  ids: string[];
  deps: Map<string, string[]>;
  latencyMs: Map<string, number>;
  layers: number;
}

/**
 * A random layered DAG from a seed: layers of 5–50 tasks (the last layer takes what is left),
 * each task depending on 1–3 tasks of the layer before, with a latency drawn from `latency`.
 */
export function randomLayeredDag(count: number, latency: { minMs: number; maxMs: number }, seed: number): TimedDag {
  const random = seededRandom(seed);
  const ids: string[] = [];
  const deps = new Map<string, string[]>();
  const latencyMs = new Map<string, number>();
  let previous: string[] = [];
  let layers = 0;
  while (ids.length < count) {
    const width = Math.min(count - ids.length, 5 + Math.floor(random() * 46));
    const layer: string[] = [];
    for (let k = 0; k < width; k++) {
      const id = `t${ids.length}`;
      const fanIn = previous.length === 0 ? 0 : 1 + Math.floor(random() * 3);
      const picked = new Set<string>();
      for (let d = 0; d < fanIn; d++) picked.add(previous[Math.floor(random() * previous.length)]!);
      ids.push(id);
      layer.push(id);
      deps.set(id, [...picked]);
      latencyMs.set(id, Math.round(latency.minMs + random() * (latency.maxMs - latency.minMs)));
    }
    previous = layer;
    layers++;
  }
  return { ids, deps, latencyMs, layers };
}

/** The longest latency-weighted path through the DAG: no schedule can finish sooner. */
export function criticalPathMs(dag: TimedDag): number {
  const finish = new Map<string, number>();
  let longest = 0;
  for (const id of dag.ids) {
    const start = Math.max(0, ...(dag.deps.get(id) ?? []).map((d) => finish.get(d) ?? 0));
    const end = start + (dag.latencyMs.get(id) ?? 0);
    finish.set(id, end);
    longest = Math.max(longest, end);
  }
  return longest;
}

/** The sum of every task's latency. */
export function totalWorkMs(dag: TimedDag): number {
  let sum = 0;
  for (const ms of dag.latencyMs.values()) sum += ms;
  return sum;
}

/** The lower bound of a makespan: max(critical path, total work / concurrency). */
export function makespanBoundMs(dag: TimedDag, concurrency: number): number {
  return Math.max(criticalPathMs(dag), Number.isFinite(concurrency) ? totalWorkMs(dag) / concurrency : 0);
}

/** The DAG as a plan for our orchestrator. */
export function planOf(dag: TimedDag): PlanInput {
  const tasks: TaskSpecInput[] = dag.ids.map((id) => ({
    id,
    title: `Task ${id}`,
    requiredCapabilities: ['code'],
    dependencies: dag.deps.get(id) ?? [],
  }));
  return { goal: `random layered DAG of ${dag.ids.length}`, tasks };
}
