import type { TaskContext } from '../task/agent';
import type { PlanLimits } from './validatePlan';

/** What a planner gets for one run: the signal, the run's metered model door, and the limits its plan must meet. */
export interface PlannerContext {
  signal: AbortSignal;
  /** Model calls go through the run's budget and the shared rate limits, like every agent's. */
  callModel: TaskContext['callModel'];
  limits: PlanLimits;
  /** The run being planned: the response cache is scoped to it. */
  runId?: string;
  /** Records an answer served from the run's response cache (no tokens, no cost). */
  recordCacheHit?: TaskContext['recordCacheHit'];
  /** Records something the user should see about the plan (a normalised answer) as a warning log event. */
  warn?(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Turns a goal into a plan (unvalidated: the orchestrator validates whatever comes back). */
export interface Planner {
  plan(goal: string, ctx: PlannerContext): Promise<unknown>;
}
