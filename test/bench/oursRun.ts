import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/common/clock';
import type { PlanInput } from '../../src/core/model/planSchema';
import { durableOrchestrator } from '../support/durableWorkload';
import { makeHarness } from '../support/orchestratorHarness';
import { testAgent } from '../support/testAgents';

/**
 * The most an agent definition allows; "unlimited" concurrency runs at this, which is more than
 * the widest layer of any DAG here (50), so no task ever waits for a slot.
 */
export const MAX_AGENT_LOAD = 256;

/** How our orchestrator is run: in memory, or on the real durable store in a temp folder. */
export type OursMode = 'in memory' | 'durable';

/**
 * Runs a plan through the real orchestrator with one test agent that sleeps each task's latency
 * (zero when none is given) and returns the wall time from start to done.
 */
export async function runOurs(
  plan: PlanInput,
  options: { mode: OursMode; concurrency: number; latencyMs?: ReadonlyMap<string, number> },
): Promise<number> {
  const tasks = plan.tasks.length;
  const concurrency = Number.isFinite(options.concurrency) ? options.concurrency : Math.min(tasks, MAX_AGENT_LOAD);
  const agent = testAgent({ id: 'bench', capabilities: ['code'], maxLoad: concurrency }, async (ctx) => {
    const ms = options.latencyMs?.get(ctx.task.id) ?? 0;
    if (ms > 0) await systemClock.sleep(ms, ctx.signal);
    return {};
  });
  const dir = await mkdtemp(join(tmpdir(), 'ao-bench-'));
  try {
    const orchestrator =
      options.mode === 'durable'
        ? durableOrchestrator(join(dir, 'store'), agent, concurrency).orchestrator
        : makeHarness({
            agents: [agent],
            settings: { maxConcurrency: concurrency, logLevel: 'warn', maxTasksPerPlan: Math.max(20_000, tasks) },
          }).orchestrator;
    const started = performance.now();
    const result = await orchestrator.start({ goal: plan.goal ?? 'bench', plan }).done;
    const elapsed = performance.now() - started;
    if (result.status !== 'succeeded') throw new Error(`our run of ${tasks} tasks ended ${result.status}`);
    return elapsed;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
