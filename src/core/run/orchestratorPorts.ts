import type { AgentRegistry } from '../agents/agentRegistry';
import type { RunDiff } from '../checkpoint/checkpointPort';
import type { AgentStatsBook, AgentStatsStore } from '../agents/agentStats';
import type { Clock } from '../common/clock';
import type { RetryPolicy } from '../execute/retryPolicy';
import type { Planner } from '../plan/planner';
import type { RunVerifier } from '../verify/runVerifier';
import type { RateLimitScheduler } from '../quota/rateLimitScheduler';
import type { PathLockTable } from '../schedule/pathLocks';
import type { RunEventSink } from '../model/runEventSink';
import type { LogLevel } from '../model/runEvents';
import type { RunState } from '../model/runState';
import type { WorkspaceLockPort } from '../store/workspaceLock';

/**
 * A run's durable event log, as the orchestrator uses it. The session folds each event into the
 * run's state, then appends it here; the writer snapshots that same state and never folds a copy.
 */
export interface RunWriterPort extends RunEventSink {
  /** Flushes, writes a final snapshot and gives up ownership of the run, even when something failed. */
  close(): Promise<void>;
  /** A periodic snapshot failure, handed out once, for a warning. */
  takeSnapshotError?(): Error | undefined;
}

/**
 * Durable run storage, as the orchestrator uses it; `RunStore` implements it. A live run's state
 * is one object, folded by its session only: `create` is handed it, `open` hands out the recovered one.
 */
export interface RunStorePort {
  /** A new run; the writer snapshots `state` (empty now), which the session folds into. */
  create(runId: string, state: RunState): Promise<RunWriterPort>;
  /** A run to resume; `state` is the recovered state the writer snapshots, which the session folds into from now on. */
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
  /** Repair tasks a run may get after failed end-of-run gates, each followed by the gate again (default 1; 0: none). */
  repairAttempts?: number;
}

/** Everything the orchestrator is built from; the host or the CLI provides it. */
export interface OrchestratorDeps {
  registry: AgentRegistry;
  stats: AgentStatsBook;
  statsStore?: AgentStatsStore;
  /** Without a store, runs live in memory only. */
  store?: RunStorePort;
  planner?: Planner;
  /** The baseline before the first task and the end-of-run gate. */
  verifier?: RunVerifier;
  /** What the run changed so far (its first checkpoint against the workspace), for a repair task's brief. */
  runDiff?(runId: string, maxChars: number): Promise<RunDiff | undefined>;
  /** Shared by every run in the process: one rate-limit scheduler for all agents. */
  rateLimits: RateLimitScheduler;
  /** Shared by every run on the workspace. */
  locks: PathLockTable;
  /**
   * The workspace's lock across processes, taken before a run that may edit is created or resumed
   * and held until it ends; without it (tests), nothing outside this process is kept out.
   */
  workspaceLock?: WorkspaceLockPort;
  clock: Clock;
  settings: OrchestratorSettings;
  /**
   * Why `budget` cannot hold for the models runs use (a money budget with a model nobody priced),
   * with what to do; undefined when it can. Asked before a run starts or resumes with a budget.
   */
  budgetProblem?(budget: RunBudgetLimits): string | undefined;
  /** Called when the last live run has ended (any way, cancel included): the engine stops its MCP servers. */
  onIdle?(): Promise<void>;
}
