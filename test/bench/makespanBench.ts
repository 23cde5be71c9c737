import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { round } from './benchTypes';
import { runLangGraph } from './langGraphRun';
import { runOurs, type OursMode } from './oursRun';
import { criticalPathMs, makespanBoundMs, planOf, randomLayeredDag } from './randomDag';

const SEED = 12;
const COMMAND = 'npm run bench -- --only makespan';

/** The sizes and latencies run; the largest DAG gets shorter latencies to fit the 10-minute budget. */
export function makespanCases(quick: boolean): Array<{ tasks: number; minMs: number; maxMs: number }> {
  if (quick)
    return [
      { tasks: 12, minMs: 2, maxMs: 8 },
      { tasks: 30, minMs: 2, maxMs: 8 },
    ];
  return [
    { tasks: 50, minMs: 10, maxMs: 200 },
    { tasks: 200, minMs: 10, maxMs: 200 },
    { tasks: 1000, minMs: 10, maxMs: 200 },
  ];
}

/** Makespan / max(critical path, total work / concurrency) for ours (in memory, durable) and LangGraph. */
export const makespanSection: BenchSection = {
  name: 'makespan',
  async run(options: BenchOptions): Promise<Figure[]> {
    const figures: Figure[] = [];
    for (const size of makespanCases(options.quick)) {
      const dag = randomLayeredDag(size.tasks, size, SEED);
      const plan = planOf(dag);
      const critical = criticalPathMs(dag);
      const note =
        size.maxMs < 200 && !options.quick
          ? `${size.tasks} tasks use ${size.minMs}–${size.maxMs} ms latencies (not 10–200 ms) so the whole bench fits in 10 minutes on 2 CPUs.`
          : undefined;
      for (const concurrency of [Number.POSITIVE_INFINITY, 8]) {
        const bound = makespanBoundMs(dag, concurrency);
        const label = `${size.tasks.toLocaleString('en-US')} tasks (${dag.layers} layers, ${size.minMs}–${size.maxMs} ms), concurrency ${Number.isFinite(concurrency) ? concurrency : 'unlimited'}`;
        const runs: Array<[string, () => Promise<number>]> = [
          ...(['in memory', 'durable'] as OursMode[]).map(
            (mode) =>
              [`ours ${mode}`, () => runOurs(plan, { mode, concurrency, latencyMs: dag.latencyMs })] as [
                string,
                () => Promise<number>,
              ],
          ),
          ['LangGraph', async () => (await runLangGraph(dag, { maxConcurrency: concurrency })).runMs],
        ];
        for (const [engine, run] of runs) {
          const makespan = await run();
          const ratio = makespan / bound;
          options.log(
            `makespan ${label}, ${engine}: ${makespan.toFixed(0)} ms, bound ${bound.toFixed(0)} ms, ${ratio.toFixed(3)}×`,
          );
          figures.push({
            benchmark: 'Makespan',
            measure: `${label}, ${engine}`,
            value: round(makespan),
            unit: 'ms',
            anchor: {
              name: Number.isFinite(concurrency) ? `max(critical path, work / ${concurrency})` : 'critical path',
              value: round(bound),
            },
            ratio: round(ratio),
            command: COMMAND,
            ...(note ? { note } : {}),
          });
          if (concurrency === Number.POSITIVE_INFINITY)
            options.plot.push({ engine, tasks: size.tasks, criticalPathMs: critical, makespanMs: makespan });
        }
      }
    }
    return figures;
  },
};
