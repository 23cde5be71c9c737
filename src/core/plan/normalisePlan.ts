/** An agent as plan normalisation sees it. */
export interface NormalisableAgent {
  id: string;
  capabilities: readonly string[];
  /** Other words for the agent; naming one is naming the agent. */
  synonyms?: readonly string[];
}

/** Why a value was replaced. */
export type NormalisationReason = 'spelling' | 'agent-id' | 'synonym';

/** One value of a plan that was replaced by what it evidently meant. */
export interface PlanNormalisation {
  /** Where, e.g. `tasks[2].requiredCapabilities[0]`. */
  field: string;
  from: string;
  /** The replacement: capabilities for a capability, an agent id for an agent. */
  to: readonly string[];
  reason: NormalisationReason;
  /** The agent whose id or synonym was named. */
  agentId?: string;
  /** One line for the log. */
  message: string;
}

/**
 * Case, `_`, `-`, `.` and white space do not tell two names apart: `Code-Generation`,
 * `code_generation` and `codeGeneration` are one name. Nothing else is forgiven.
 */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/g, '');
}

/**
 * Replaces near-misses in a planner model's answer by the values they evidently name, before
 * validation, so a repair round is spent only on real mistakes. A capability that is not known is
 * matched, by `normaliseName` only (no fuzzy matching), against the known capabilities, then the
 * agents' ids, then their synonyms: a capability becomes that capability; an agent id or synonym
 * becomes that agent's capabilities (the task stays open to any agent able to do all it does, and
 * the selector favours the agent itself). An unknown `agent` is matched against ids and synonyms.
 * A name that matches two candidates is left alone for the repair round. The input is not changed;
 * anything that is not shaped like a plan is returned as it is.
 */
export function normalisePlanChoices(
  input: unknown,
  agents: readonly NormalisableAgent[],
): { plan: unknown; changes: PlanNormalisation[] } {
  const changes: PlanNormalisation[] = [];
  if (!isObject(input) || !Array.isArray(input['tasks'])) return { plan: input, changes };
  const known = new Set(agents.flatMap((a) => a.capabilities));
  const ids = new Set(agents.map((a) => a.id));
  const tasks = input['tasks'].map((task: unknown, i: number) => {
    if (!isObject(task)) return task;
    const out = { ...task };
    const caps = task['requiredCapabilities'];
    if (Array.isArray(caps)) {
      const next: unknown[] = [];
      for (const [j, cap] of caps.entries()) {
        const match = typeof cap === 'string' && !known.has(cap) ? capabilityMatch(cap, known, agents) : undefined;
        if (match === undefined) {
          next.push(cap);
          continue;
        }
        const field = `tasks[${i}].requiredCapabilities[${j}]`;
        changes.push({ field, from: cap as string, ...match, message: describe(field, cap as string, match) });
        next.push(...match.to);
      }
      out['requiredCapabilities'] = [...new Set(next)];
    }
    const agent = task['agent'];
    if (typeof agent === 'string' && !ids.has(agent)) {
      const match = agentMatch(agent, agents);
      if (match !== undefined) {
        const field = `tasks[${i}].agent`;
        changes.push({ field, from: agent, ...match, message: describe(field, agent, match) });
        out['agent'] = match.agentId;
      }
    }
    return out;
  });
  return { plan: { ...input, tasks }, changes };
}

type Match = { to: readonly string[]; reason: NormalisationReason; agentId?: string };

function capabilityMatch(
  cap: string,
  known: ReadonlySet<string>,
  agents: readonly NormalisableAgent[],
): Match | undefined {
  const key = normaliseName(cap);
  const spelled = [...known].filter((k) => normaliseName(k) === key);
  if (spelled.length === 1) return { to: spelled, reason: 'spelling' };
  if (spelled.length > 1) return undefined;
  const agent = agentMatch(cap, agents);
  return agent && { ...agent, to: agents.find((a) => a.id === agent.agentId)!.capabilities };
}

function agentMatch(name: string, agents: readonly NormalisableAgent[]): (Match & { agentId: string }) | undefined {
  const key = normaliseName(name);
  const byId = agents.filter((a) => normaliseName(a.id) === key);
  if (byId.length === 1) return { to: [byId[0]!.id], reason: 'agent-id', agentId: byId[0]!.id };
  if (byId.length > 1) return undefined;
  const bySynonym = agents.filter((a) => (a.synonyms ?? []).some((s) => normaliseName(s) === key));
  if (bySynonym.length === 1) return { to: [bySynonym[0]!.id], reason: 'synonym', agentId: bySynonym[0]!.id };
  return undefined;
}

function describe(field: string, from: string, match: Match): string {
  const to = match.to.map((v) => `"${v}"`).join(', ');
  const why =
    match.reason === 'spelling'
      ? 'same name in another spelling'
      : match.reason === 'agent-id'
        ? `names agent "${match.agentId}"`
        : `a synonym of agent "${match.agentId}"`;
  return `The planner model wrote "${from}" in ${field}; taken as ${to} (${why}).`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
