/** Outcome statistics of one agent; persisted across runs and fed back into selection. */
export interface AgentStats {
  attempts: number;
  successes: number;
  failures: number;
  totalDurationMs: number;
  tokens: number;
  costUsd: number;
}

/** Where statistics are kept between runs; the store implements it on disk. */
export interface AgentStatsStore {
  load(): Promise<Record<string, AgentStats>>;
  /** Adds increments to what is stored; must not lose another process's increments. */
  addDeltas(deltas: Record<string, AgentStats>): Promise<void>;
}

/** One finished attempt, as counted in the statistics. */
export interface AttemptOutcome {
  success: boolean;
  durationMs: number;
  tokens: number;
  costUsd: number;
}

function zero(): AgentStats {
  return { attempts: 0, successes: 0, failures: 0, totalDurationMs: 0, tokens: 0, costUsd: 0 };
}

/** The sum of two statistics records. */
export function addAgentStats(a: AgentStats | undefined, b: AgentStats): AgentStats {
  if (!a) return { ...b };
  return {
    attempts: a.attempts + b.attempts,
    successes: a.successes + b.successes,
    failures: a.failures + b.failures,
    totalDurationMs: a.totalDurationMs + b.totalDurationMs,
    tokens: a.tokens + b.tokens,
    costUsd: a.costUsd + b.costUsd,
  };
}

function add(into: AgentStats, o: AttemptOutcome): void {
  into.attempts++;
  if (o.success) into.successes++;
  else into.failures++;
  into.totalDurationMs += o.durationMs;
  into.tokens += o.tokens;
  into.costUsd += o.costUsd;
}

function entryOf(map: Map<string, AgentStats>, agentId: string): AgentStats {
  let s = map.get(agentId);
  if (!s) map.set(agentId, (s = zero()));
  return s;
}

/** Per-agent statistics in memory: what was loaded plus every outcome since, and the unsaved part. */
export class AgentStatsBook {
  private readonly totals = new Map<string, AgentStats>();
  private pending = new Map<string, AgentStats>();

  constructor(initial: Record<string, AgentStats> = {}) {
    for (const [id, s] of Object.entries(initial)) this.totals.set(id, { ...s });
  }

  record(agentId: string, outcome: AttemptOutcome): void {
    add(entryOf(this.totals, agentId), outcome);
    add(entryOf(this.pending, agentId), outcome);
  }

  /**
   * Laplace-smoothed share of successful attempts: an unseen agent starts at 0.5, one failure does
   * not zero it. Allocates nothing, for selection on every dispatch.
   */
  successRate(agentId: string): number {
    const s = this.totals.get(agentId);
    return s === undefined ? 0.5 : (s.successes + 1) / (s.attempts + 2);
  }

  /** Totals for one agent (zero when unseen) with the mean duration. */
  get(agentId: string): AgentStats & { meanDurationMs: number; successRate: number } {
    const s = this.totals.get(agentId) ?? zero();
    return {
      ...s,
      meanDurationMs: s.attempts === 0 ? 0 : s.totalDurationMs / s.attempts,
      successRate: this.successRate(agentId),
    };
  }

  /** Takes the increments not yet saved, so they can be added to the store. */
  drainDeltas(): Record<string, AgentStats> {
    const out = Object.fromEntries(this.pending);
    this.pending = new Map();
    return out;
  }

  /** Puts back increments a failed save did not store. */
  restoreDeltas(deltas: Record<string, AgentStats>): void {
    for (const [id, d] of Object.entries(deltas)) this.pending.set(id, addAgentStats(this.pending.get(id), d));
  }
}
