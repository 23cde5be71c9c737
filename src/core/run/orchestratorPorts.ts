import type { AgentRegistry } from '../agents/agentRegistry';
import type { AgentStatsBook, AgentStatsStore } from '../agents/agentStats';
import type { Clock } from '../common/clock';
import type { TaskContext } from '../execute/agent';
import type { RetryPolicy } from '../execute/retryPolicy';
import type { PlanLimits } from '../plan/validatePlan';
import type { RateLimitScheduler } from '../quota/rateLimitScheduler';
import type { PathLockTable } from '../schedule/pathLocks';
import type { Finding } from '../verify/finding';
import type { RunEventSink } from './runEventSink';
import type { LogLevel } from './runEvents';
import type { RunState } from './runState';

/** What a planner gets for one run: the signal, the run's metered model door, and the limits its plan must meet. */
export interface PlannerContext {
  signal: AbortSignal;
  /** Model calls go through the run's budget and the shared rate limits, like every agent's. */
  callModel: TaskContext['callModel'];
  limits: PlanLimits;
}

/** Turns a goal into a plan (unvalidated: the orchestrator validates whatever comes back). */
export interface Planner {
  plan(goal: string, ctx: PlannerContext): Promise<unknown>;
}

/** Checks the whole result at the end of a run (build, tests); its findings gate success. */
export interface RunVerifier {
  verify(state: Readonly<RunState>, signal: AbortSignal): Promise<Finding[]>;
}

/** A run's durable event log, as the orchestrator uses it. */
export interface RunWriterPort extends RunEventSink {
  /** Flushes, writes a final snapshot and gives up ownership of the run, even when something failed. */
  close(): Promise<void>;
  /** A periodic snapshot failure, handed out once, for a warning. */
  takeSnapshotError?(): Error | undefined;
}

/** Durable run storage, as the orchestrator uses it; `RunStore` implements it. */
export interface RunStorePort {
  create(runId: string): Promise<RunWriterPort>;
  open(runId: string): Promise<{ writer: RunWriterPort; state: RunState; warnings: string[] }>;
}

/** Token and money limits of one run. */
export interface RunBudgetLimits {
  maxTokens?: number;
  maxCostUsd?: number;
}

/** Settings the orchestrator runs with. */
export interface OrchestratorSettings {
  maxConcurrency: number;
  maxTasksPerPlan: number;
  retry: RetryPolicy;
  taskTimeoutMs?: number;
  logLevel: LogLevel;
  /** Source of retry jitter; injectable for tests. */
  random?: () => number;
}

/** Everything the orchestrator is built from; the host or the CLI provides it. */
export interface OrchestratorDeps {
  registry: AgentRegistry;
  stats: AgentStatsBook;
  statsStore?: AgentStatsStore;
  /** Without a store, runs live in memory only. */
  store?: RunStorePort;
  planner?: Planner;
  verifier?: RunVerifier;
  /** Shared by every run in the process: one rate-limit scheduler for all agents. */
  rateLimits: RateLimitScheduler;
  /** Shared by every run on the workspace. */
  locks: PathLockTable;
  clock: Clock;
  settings: OrchestratorSettings;
  /** Listeners of every event of every run (views, log channel). */
  sinks?: RunEventSink[];
}
