import { layeredDag } from '../support/planBuilders';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { atMost, round } from './benchTypes';
import { runLangGraph } from './langGraphRun';
import { runOurs } from './oursRun';

const CONCURRENCY = 16;
const COMMAND = 'npm run bench -- --only overhead';

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
        const us = ((await runOurs(plan, { mode, concurrency: CONCURRENCY })) * 1000) / tasks;
        options.log(`overhead ${tasks} tasks, ours ${mode}: ${us.toFixed(0)} µs/task`);
        if (mode === 'durable') durableUs = us;
        figures.push({
          benchmark: 'Overhead',
          measure: `${label}, ours ${mode === 'durable' ? 'store on' : 'in memory'}`,
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
