/**
 * Measures a 10,000-task run with zero-latency test agents, with and without the durable store.
 * Prints numbers; asserts nothing (timings belong in benchmarks, not in unit tests).
 * Run: npm run bench:dag [-- <tasks> <concurrency> <repeats>]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { durableOrchestrator } from '../support/durableWorkload';
import { makeHarness } from '../support/orchestratorHarness';
import { layeredDag } from '../support/planBuilders';
import { testAgent } from '../support/testAgents';

async function main(): Promise<void> {
  const [tasks = 10_000, concurrency = 16, repeats = 3] = process.argv.slice(2).map(Number);
  const plan = layeredDag(tasks, 100, 3);
  const agent = () => testAgent({ id: 'zero', capabilities: ['code'], maxLoad: 256 }, async () => ({}));
  console.log(`DAG: ${tasks} tasks in layers of 100, fan-in 3; concurrency ${concurrency}; node ${process.version}`);
  for (const durable of [false, true]) {
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'ao-bench-'));
      const orchestrator = durable
        ? durableOrchestrator(join(dir, 'store'), agent(), concurrency).orchestrator
        : makeHarness({ agents: [agent()], settings: { maxConcurrency: concurrency, logLevel: 'warn' } }).orchestrator;
      const started = performance.now();
      const result = await orchestrator.start({ goal: 'bench', plan }).done;
      times.push(performance.now() - started);
      if (result.status !== 'succeeded') throw new Error(`run ended ${result.status}`);
      await rm(dir, { recursive: true, force: true });
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(
      `${durable ? 'durable store on ' : 'in memory        '}: median ${median.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times[times.length - 1]!.toFixed(0)} ms over ${repeats} runs (${((tasks / median) * 1000).toFixed(0)} tasks/s); heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  }
}

void main();
