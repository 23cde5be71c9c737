import { AgentRegistry } from '../../src/core/agents/agentRegistry';
import { AgentStatsBook } from '../../src/core/agents/agentStats';
import { systemClock, type Clock } from '../../src/core/common/clock';
import type { Agent } from '../../src/core/task/agent';
import { DEFAULT_RETRY_POLICY } from '../../src/core/execute/retryPolicy';
import { RateLimitScheduler, type RateLimits } from '../../src/core/quota/rateLimitScheduler';
import { Orchestrator } from '../../src/core/run/orchestrator';
import type { OrchestratorDeps, OrchestratorSettings } from '../../src/core/run/orchestratorPorts';
import type { RunEvent, RunEventOf } from '../../src/core/model/runEvents';
import { PathLockTable } from '../../src/core/schedule/pathLocks';

/** Options for a test orchestrator; everything has a fast default. */
export interface HarnessOptions extends Partial<Omit<OrchestratorDeps, 'settings'>> {
  agents?: Agent[];
  settings?: Partial<OrchestratorSettings>;
  rateLimits?: RateLimitScheduler;
  limits?: RateLimits;
  clock?: Clock;
}

/** An orchestrator wired with in-memory parts, plus every event it emitted. */
export function makeHarness(options: HarnessOptions = {}): {
  orchestrator: Orchestrator;
  registry: AgentRegistry;
  stats: AgentStatsBook;
  events: RunEvent[];
} {
  const registry = options.registry ?? new AgentRegistry();
  for (const agent of options.agents ?? []) registry.register(agent);
  const stats = options.stats ?? new AgentStatsBook();
  const clock = options.clock ?? systemClock;
  const events: RunEvent[] = [];
  const orchestrator = new Orchestrator({
    ...options,
    registry,
    stats,
    clock,
    rateLimits: options.rateLimits ?? new RateLimitScheduler(clock, () => options.limits),
    locks: options.locks ?? new PathLockTable(),
    settings: {
      maxConcurrency: 4,
      maxTasksPerPlan: 20_000,
      retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 4 },
      logLevel: 'info',
      ...options.settings,
    },
  });
  orchestrator.onEvent((e) => events.push(e));
  return { orchestrator, registry, stats, events };
}

/** The types of events, in order, optionally only those of one task. */
export function eventTypes(events: readonly RunEvent[], taskId?: string): string[] {
  return events.filter((e) => taskId === undefined || ('taskId' in e && e.taskId === taskId)).map((e) => e.type);
}

/** The events of one type, typed as that type. */
export function eventsOfType<T extends RunEvent['type']>(events: readonly RunEvent[], type: T): RunEventOf<T>[] {
  return events.filter((e): e is RunEventOf<T> => e.type === type);
}
