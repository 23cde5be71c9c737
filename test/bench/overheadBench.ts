import { layeredDag } from '../support/planBuilders';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { atMost, round } from './benchTypes';
import { runLangGraph } from './langGraphRun';
import { runOurs } from './oursRun';
import type { OursMode } from './oursRun';

const CONCURRENCY = 16;
const COMMAND = 'npm run bench -- --only overhead';
/** Runs of ours per mode and size (each well under a second at 10,000 tasks); the median is reported. */
const OURS_RUNS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A full collection when the bench runs with --expose-gc (npm run bench does), so one run's garbage is not the next one's cost. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** The anchor of "store on" that checkpoints too: LangGraph's in-memory checkpointer. */
const CHECKPOINTED_ANCHOR = 'LangGraph run with MemorySaver checkpointer';

/**
 * µs per zero-latency task, store on, ours against LangGraph (whose graph build is reported apart).
 * At the smaller size only (10,000 tasks would take LangGraph minutes), "store on" is also set
 * beside LangGraph with its `MemorySaver` checkpointer, the closest it comes to a durable run
 * (it keeps every step's checkpoint in memory, writing nothing to disk).
 */
export const overheadSection: BenchSection = {
  name: 'overhead',
  async run(options: BenchOptions): Promise<Figure[]> {
    const figures: Figure[] = [];
    const sizes = options.quick ? [60, 200] : [1000, 10_000];
    for (const tasks of sizes) {
      const plan = layeredDag(tasks, 100, 3);
      const ids = plan.tasks.map((t) => t.id);
      const deps = new Map(plan.tasks.map((t) => [t.id, t.dependencies ?? []]));
      // Ours first, before LangGraph's multi-GiB build leaves its heap behind, each mode the median of a few runs.
      const oursUs = new Map<OursMode, number>();
      for (const mode of ['in memory', 'durable'] as const) {
        const runs: number[] = [];
        for (let i = 0; i < OURS_RUNS; i++) {
          collectGarbage();
          runs.push(((await runOurs(plan, { mode, concurrency: CONCURRENCY })) * 1000) / tasks);
        }
        oursUs.set(mode, median(runs));
        options.log(`overhead ${tasks} tasks, ours ${mode}: ${runs.map((us) => us.toFixed(0)).join(', ')} µs/task`);
      }
      collectGarbage();
      const graph = await runLangGraph({ ids, deps }, { maxConcurrency: CONCURRENCY });
      const langGraphUs = (graph.runMs * 1000) / tasks;
      options.log(
        `overhead ${tasks} tasks, LangGraph: ${langGraphUs.toFixed(0)} µs/task, build ${graph.buildMs.toFixed(0)} ms`,
      );
      const checkpointed =
        tasks === sizes[0]
          ? await runLangGraph({ ids, deps }, { maxConcurrency: CONCURRENCY, checkpoint: true })
          : undefined;
      const checkpointedUs = checkpointed ? (checkpointed.runMs * 1000) / tasks : undefined;
      if (checkpointedUs !== undefined)
        options.log(`overhead ${tasks} tasks, ${CHECKPOINTED_ANCHOR}: ${checkpointedUs.toFixed(0)} µs/task`);
      const label = `${tasks.toLocaleString('en-US')} zero-latency tasks (layers of 100, fan-in 3), concurrency ${CONCURRENCY}`;
      let durableUs = 0;
      for (const mode of ['in memory', 'durable'] as const) {
        const us = oursUs.get(mode) ?? Number.NaN;
        if (mode === 'durable') durableUs = us;
        figures.push({
          benchmark: 'Overhead',
          measure: `${label}, ours ${mode === 'durable' ? 'store on' : 'in memory'} (median of ${OURS_RUNS})`,
          value: round(us),
          unit: 'µs/task',
          anchor: { name: 'LangGraph run (no checkpointer)', value: round(langGraphUs) },
          ratio: round(us / langGraphUs),
          ...(mode === 'durable' && tasks === 10_000 ? { target: atMost(us, 50, ' µs') } : {}),
          command: COMMAND,
        });
      }
      if (checkpointedUs !== undefined)
        figures.push({
          benchmark: 'Overhead',
          measure: `${label}, ours store on (fdatasynced log) against a checkpointing LangGraph (in memory)`,
          value: round(durableUs),
          unit: 'µs/task',
          anchor: { name: CHECKPOINTED_ANCHOR, value: round(checkpointedUs) },
          ratio: round(durableUs / checkpointedUs),
          command: COMMAND,
        });
      figures.push({
        benchmark: 'Overhead',
        measure: `${label}, LangGraph graph build (addNode/addEdge/compile)`,
        value: round(graph.buildMs),
        unit: 'ms',
        command: COMMAND,
      });
    }
    return figures;
  },
};
