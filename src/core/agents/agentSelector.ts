import type { TaskSpec } from '../model/planSchema';
import type { AgentRegistry, RegisteredAgent } from './agentRegistry';
import type { AgentStatsBook } from './agentStats';

/** The answer to "who takes this task now?". */
export type Selection =
  | { kind: 'agent'; agent: RegisteredAgent; score: number }
  /** Someone could take it, but everyone able is at full load: try again later. */
  | { kind: 'busy' }
  /** Nobody can take it, now or later. */
  | { kind: 'none'; reason: string };

/** What selection must respect for one task. */
export interface SelectionConstraints {
  /** Agents that already failed this task for a reason of their own. */
  excluded: ReadonlySet<string>;
  /** A user's manual assignment, overriding the plan's. */
  assignedAgent?: string;
}

function covers(agent: RegisteredAgent, required: readonly string[]): boolean {
  const caps = agent.definition.capabilities;
  return required.every((c) => caps.includes(c));
}

/**
 * Ranks the agents able to take `task` by capability fit × success record × free load (× 0.5
 * when degraded), ties broken by priority then id, and returns the best with free capacity.
 */
export function rankAgents(
  task: TaskSpec,
  registry: AgentRegistry,
  stats: AgentStatsBook,
  constraints: SelectionConstraints,
): Array<{ agent: RegisteredAgent; score: number }> {
  const assigned = constraints.assignedAgent ?? task.agent;
  const pool =
    assigned !== undefined
      ? [registry.get(assigned)].filter((a): a is RegisteredAgent => a !== undefined)
      : registry.agents();
  const ranked: Array<{ agent: RegisteredAgent; score: number }> = [];
  for (const agent of pool) {
    const def = agent.definition;
    const health = registry.health(def.id);
    if (health === 'unhealthy' || constraints.excluded.has(def.id) || !covers(agent, task.requiredCapabilities))
      continue;
    // A specialist whose capabilities are exactly what the task needs fits best.
    const fit = (task.requiredCapabilities.length + 1) / (def.capabilities.length + 1);
    const success = stats.successRate(def.id);
    const free = 1 - registry.load(def.id) / def.maxLoad;
    ranked.push({ agent, score: fit * success * free * (health === 'degraded' ? 0.5 : 1) });
  }
  return ranked.sort(
    (a, b) =>
      b.score - a.score ||
      b.agent.definition.priority - a.agent.definition.priority ||
      a.agent.definition.id.localeCompare(b.agent.definition.id),
  );
}

/** Picks the agent for `task` now. */
export function selectAgent(
  task: TaskSpec,
  registry: AgentRegistry,
  stats: AgentStatsBook,
  constraints: SelectionConstraints,
): Selection {
  const ranked = rankAgents(task, registry, stats, constraints);
  if (ranked.length === 0) {
    const assigned = constraints.assignedAgent ?? task.agent;
    if (assigned !== undefined && !registry.get(assigned))
      return { kind: 'none', reason: `The assigned agent "${assigned}" is not registered.` };
    const need = task.requiredCapabilities.join(', ') || 'no particular capability';
    const tried =
      constraints.excluded.size > 0 ? ` Already tried and failed: ${[...constraints.excluded].join(', ')}.` : '';
    return { kind: 'none', reason: `No healthy agent with ${need} is left for task "${task.id}".${tried}` };
  }
  const available = ranked.find((r) => r.score > 0);
  return available ? { kind: 'agent', ...available } : { kind: 'busy' };
}
