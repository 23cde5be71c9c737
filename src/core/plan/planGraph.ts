import type { TaskSpec } from '../model/planSchema';

/** The dependency graph of a plan, indexed for the scheduler. Built once per run. */
export interface PlanGraph {
  readonly tasks: readonly TaskSpec[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** For each task index, the indexes of the tasks it depends on. */
  readonly dependencies: readonly (readonly number[])[];
  /** For each task index, the indexes of the tasks that depend on it. */
  readonly dependents: readonly (readonly number[])[];
  /** For each task index, the number of tasks on the longest chain from it to the end (itself included). */
  readonly criticalPath: readonly number[];
  /** Task indexes in a dependency-respecting order. */
  readonly topologicalOrder: readonly number[];
}

/**
 * Finds one dependency cycle, as task ids with the first repeated at the end, or undefined.
 * Iterative, so a 10,000-task chain cannot overflow the stack.
 */
export function findCycle(tasks: readonly TaskSpec[]): string[] | undefined {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const state = new Uint8Array(tasks.length); // 0 new, 1 on stack, 2 done
  const parent = new Int32Array(tasks.length).fill(-1);
  for (let start = 0; start < tasks.length; start++) {
    if (state[start] !== 0) continue;
    const stack: Array<{ node: number; next: number }> = [{ node: start, next: 0 }];
    state[start] = 1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = tasks[frame.node]!.dependencies;
      if (frame.next >= deps.length) {
        state[frame.node] = 2;
        stack.pop();
        continue;
      }
      const dep = index.get(deps[frame.next++]!);
      if (dep === undefined) continue;
      if (state[dep] === 1) {
        // Walk the parents back from the current node to `dep` to name the cycle in dependency order.
        const chain = [tasks[dep]!.id];
        for (let n = frame.node; n !== dep && n !== -1; n = parent[n]!) chain.push(tasks[n]!.id);
        chain.push(tasks[dep]!.id);
        return chain.reverse();
      }
      if (state[dep] === 0) {
        state[dep] = 1;
        parent[dep] = frame.node;
        stack.push({ node: dep, next: 0 });
      }
    }
  }
  return undefined;
}

/** Builds the graph of a plan already known to have unique ids, known dependencies and no cycle. */
export function buildPlanGraph(tasks: readonly TaskSpec[]): PlanGraph {
  const graph = acyclicPlanGraph(tasks);
  if (graph === undefined) throw new Error('buildPlanGraph: the plan has a cycle; validate it first');
  return graph;
}

/**
 * The graph of a plan with unique ids and known dependencies, or undefined when it has a cycle
 * (Kahn's order then misses some tasks; `findCycle` names one). Plain loops: it runs once per run,
 * mostly before the optimiser has seen it.
 */
export function acyclicPlanGraph(tasks: readonly TaskSpec[]): PlanGraph | undefined {
  const n = tasks.length;
  const indexOf = new Map<string, number>();
  for (let i = 0; i < n; i++) indexOf.set(tasks[i]!.id, i);
  const dependencies = new Array<number[]>(n);
  const dependents = new Array<number[]>(n);
  const remaining = new Int32Array(n);
  for (let i = 0; i < n; i++) dependents[i] = [];
  for (let i = 0; i < n; i++) {
    const ids = tasks[i]!.dependencies;
    const deps = new Array<number>(ids.length);
    for (let k = 0; k < ids.length; k++) {
      const d = indexOf.get(ids[k]!)!;
      deps[k] = d;
      dependents[d]!.push(i);
    }
    dependencies[i] = deps;
    remaining[i] = deps.length;
  }

  // Kahn's algorithm gives the order; the critical path is then folded in reverse.
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (remaining[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    const next = dependents[order[head]!]!;
    for (let k = 0; k < next.length; k++) if (--remaining[next[k]!]! === 0) order.push(next[k]!);
  }
  if (order.length !== n) return undefined;
  const criticalPath = new Array<number>(n).fill(1);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    const next = dependents[i]!;
    let longest = 0;
    for (let j = 0; j < next.length; j++) if (criticalPath[next[j]!]! > longest) longest = criticalPath[next[j]!]!;
    criticalPath[i] = 1 + longest;
  }
  return { tasks, indexOf, dependencies, dependents, criticalPath, topologicalOrder: order };
}
