import type { AgentRegistry } from '../agents/agentRegistry';
import type { AgentStatsBook } from '../agents/agentStats';
import type { Clock } from '../common/clock';
import type { Metrics } from '../observe/metrics';
import type { Tracer } from '../observe/tracer';
import type { PlanGraph } from '../plan/planGraph';
import type { RunState } from '../model/runState';
import type { PathLockTable } from '../schedule/pathLocks';
import type { RetryPolicy } from './retryPolicy';
import type { AttemptServices } from './taskContext';

/** Whether another agent could take a task after this one. */
export type RankedCandidates = 'some' | 'none';

/** Tunables of one execution. */
export interface ExecutorOptions {
  /** Tasks running at once in this run. */
  maxConcurrency: number;
  retry: RetryPolicy;
  /** Per-attempt time limit for tasks that set none. */
  taskTimeoutMs?: number;
  /** Source of jitter; injectable for tests. */
  random?: () => number;
  /** How long an aborted agent may take to stop before its locks are released anyway (default 10 s). */
  abandonGraceMs?: number;
  /** The span task spans hang under. */
  parentSpanId?: string;
}

/** What the executor is built from; the orchestrator owns all of it. */
export interface ExecutorDeps {
  runId: string;
  graph: PlanGraph;
  /** The live run state, folded from every emitted event by the orchestrator. */
  state: RunState;
  registry: AgentRegistry;
  stats: AgentStatsBook;
  /** Shared by every run on the same workspace. */
  locks: PathLockTable;
  clock: Clock;
  services: AttemptServices;
  tracer: Tracer;
  metrics: Metrics;
  options: ExecutorOptions;
}

/** How an execution segment ended. */
export type ExecutionOutcome = 'finished' | 'paused' | 'cancelled';
