import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs';
import { AgentRegistry } from '../../src/core/agents/agentRegistry';
import { AgentStatsBook } from '../../src/core/agents/agentStats';
import { systemClock } from '../../src/core/common/clock';
import type { Agent } from '../../src/core/task/agent';
import { DEFAULT_RETRY_POLICY } from '../../src/core/execute/retryPolicy';
import { RateLimitScheduler } from '../../src/core/quota/rateLimitScheduler';
import { Orchestrator } from '../../src/core/run/orchestrator';
import { PathLockTable } from '../../src/core/schedule/pathLocks';
import { FileAgentStatsStore } from '../../src/core/store/agentStatsFile';
import { RunStore } from '../../src/core/store/runStore';
import { testAgent } from './testAgents';

/** Appends one line to a file and makes it durable, like a real edit would be. */
function appendDurably(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try {
    appendFileSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * An agent whose side effect is a line in `effectsFile`, done through the step journal, then a
 * short wait: the shape of a real task (edit, then verify) for crash tests.
 */
export function effectAgent(effectsFile: string, waitMs: number): Agent {
  return testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 64 }, async (ctx) => {
    await ctx.step('effect', async () => {
      appendDurably(effectsFile, `${ctx.task.id} ${process.pid}`);
      return true;
    });
    if (waitMs > 0) await systemClock.sleep(waitMs, ctx.signal);
    return { output: ctx.task.id };
  });
}

/** An orchestrator on a real store, as the CLI or the host would build it. */
export function durableOrchestrator(
  storeRoot: string,
  agent: Agent,
  maxConcurrency: number,
): { orchestrator: Orchestrator; store: RunStore } {
  const registry = new AgentRegistry();
  registry.register(agent);
  const store = new RunStore({ root: storeRoot });
  const orchestrator = new Orchestrator({
    registry,
    stats: new AgentStatsBook(),
    statsStore: new FileAgentStatsStore({ root: storeRoot }),
    store,
    rateLimits: new RateLimitScheduler(systemClock, () => undefined),
    locks: new PathLockTable(),
    clock: systemClock,
    settings: {
      maxConcurrency,
      maxTasksPerPlan: 20_000,
      retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 4 },
      logLevel: 'warn',
    },
  });
  return { orchestrator, store };
}
