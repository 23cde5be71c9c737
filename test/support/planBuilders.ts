import type { PlanInput, TaskSpecInput } from '../../src/core/model/planSchema';
import { seededRandom } from './fakeModelServer/seededRandom';

/** A task with sensible defaults; override what the test is about. */
export function task(id: string, overrides: Partial<TaskSpecInput> = {}): TaskSpecInput {
  return { id, title: `Task ${id}`, requiredCapabilities: ['code'], ...overrides };
}

/** A plan from tasks. */
export function plan(tasks: TaskSpecInput[], goal = 'test goal'): PlanInput {
  return { goal, tasks };
}

/**
 * A random layered DAG: `count` tasks in layers of `width`; each task depends on up to `fanIn`
 * tasks of the layer before. Deterministic for a seed.
 */
export function layeredDag(count: number, width: number, fanIn: number, seed = 1): PlanInput {
  const random = seededRandom(seed);
  const tasks: TaskSpecInput[] = [];
  for (let i = 0; i < count; i++) {
    const layer = Math.floor(i / width);
    const deps = new Set<string>();
    if (layer > 0) {
      const prevStart = (layer - 1) * width;
      for (let k = 0; k < fanIn; k++) deps.add(`t${prevStart + Math.floor(random() * width)}`);
    }
    tasks.push({ id: `t${i}`, title: `Task ${i}`, requiredCapabilities: ['code'], dependencies: [...deps] });
  }
  return { goal: `layered DAG of ${count}`, tasks };
}
