import { AgentStatsBook } from '../agents/agentStats';
import type { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { RateLimitScheduler, type ModelKey, type RateLimits } from '../quota/rateLimitScheduler';
import { PathLockTable } from '../schedule/pathLocks';
import { FileAgentStatsStore } from '../store/agentStatsFile';
import { RunStore } from '../store/runStore';
import { WorkspaceLocks } from '../store/workspaceLock';
import { defaultWorkspaceLocksDir } from '../store/workspaceLocksDir';

/** Where shared services keep their files, and the limits they start with. */
export interface EngineServicesOptions {
  /** The store folder: runs, agent statistics. */
  storeDir: string;
  clock: Clock;
  /** Requests and tokens per minute of each model, shared by every agent; undefined means none. */
  rateLimits: (key: ModelKey) => RateLimits | undefined;
  /** The rate meters' window (a minute plus a latency margin); only tests on a fast clock change it. */
  rateWindowMs?: number;
  /** The per-user folder of workspace locks; every process of the user must use the same one (tests use their own). */
  workspaceLocksDir?: string;
  /** Events between a run's snapshots, exactly (crash tests aim kills at them); the store's adaptive default when absent. */
  snapshotEvery?: number;
  warn(message: string): void;
}

/**
 * What every engine of one process (a window, a CLI run) shares: the run store, agent statistics
 * (read once), one rate-limit scheduler for all agents of all runs, the path locks of the
 * workspace, and the workspace locks that keep runs of other processes (or other services) out.
 */
export interface EngineServices {
  /** The store folder: agents may never read or change it (hidden by the policy). */
  readonly storeDir: string;
  readonly store: RunStore;
  readonly statsStore: FileAgentStatsStore;
  readonly locks: PathLockTable;
  /** The cross-process lock of each workspace: while a run of these services edits it, runs elsewhere are refused. */
  readonly workspaceLocks: WorkspaceLocks;
  readonly clock: Clock;
  /** The one rate-limit scheduler every new engine uses. */
  readonly rateLimits: RateLimitScheduler;
  /**
   * Starts a new scheduler for engines built from now on (the old one reads each model's limits
   * once). Call it only when no run uses the old one, so all live runs always share one.
   */
  replaceRateLimits(limits: (key: ModelKey) => RateLimits | undefined): void;
  /** The agent statistics, read once; an unreadable file is a warning and an empty book. */
  stats(): Promise<AgentStatsBook>;
}

/** The shared services of a store folder; reads no file until a run or `stats()` needs one. */
export function createEngineServices(options: EngineServicesOptions): EngineServices {
  return new SharedServices(options);
}

class SharedServices implements EngineServices {
  readonly storeDir: string;
  readonly store: RunStore;
  readonly statsStore: FileAgentStatsStore;
  readonly locks = new PathLockTable();
  readonly workspaceLocks: WorkspaceLocks;
  readonly clock: Clock;
  private scheduler: RateLimitScheduler;
  private statsBook: Promise<AgentStatsBook> | undefined;

  constructor(private readonly options: EngineServicesOptions) {
    this.clock = options.clock;
    this.storeDir = options.storeDir;
    this.store = new RunStore({
      root: options.storeDir,
      ...(options.snapshotEvery === undefined ? {} : { snapshotEvery: options.snapshotEvery, snapshotGrowth: 0 }),
    });
    this.statsStore = new FileAgentStatsStore({ root: options.storeDir, onWarning: options.warn });
    this.workspaceLocks = new WorkspaceLocks(options.workspaceLocksDir ?? defaultWorkspaceLocksDir());
    this.scheduler = new RateLimitScheduler(options.clock, options.rateLimits, windowOption(options));
  }

  /** The one rate-limit scheduler every new engine uses. */
  get rateLimits(): RateLimitScheduler {
    return this.scheduler;
  }

  /**
   * Starts a new scheduler for engines built from now on (the old one reads each model's limits
   * once). Call it only when no run uses the old one, so all live runs always share one.
   */
  replaceRateLimits(limits: (key: ModelKey) => RateLimits | undefined): void {
    const old = this.scheduler;
    this.scheduler = new RateLimitScheduler(this.options.clock, limits, windowOption(this.options));
    // Only its change timer and listeners go; an idle engine that still holds it keeps working.
    old.dispose();
  }

  /** The agent statistics, read once; an unreadable file is a warning and an empty book. */
  stats(): Promise<AgentStatsBook> {
    this.statsBook ??= this.statsStore.load().then(
      (initial) => new AgentStatsBook(initial),
      (err: unknown) => {
        this.options.warn(`Agent statistics could not be read; starting without them: ${errorMessage(err)}`);
        return new AgentStatsBook();
      },
    );
    return this.statsBook;
  }
}

/** The scheduler's options: the window, when the services were given one, and the first-answer probe. */
function windowOption(options: EngineServicesOptions): { windowMs?: number; probeFirst: boolean } {
  // A model with no configured limits gets one probe request before the parallel agents follow it.
  return { probeFirst: true, ...(options.rateWindowMs === undefined ? {} : { windowMs: options.rateWindowMs }) };
}
