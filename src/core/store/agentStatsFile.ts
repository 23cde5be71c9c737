import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { writeFileAtomic } from './atomicFile';
import { createLockFile, isProcessAlive, readLockFile, releaseLockFile, removeLockIfUnchanged } from './lockFile';
import type { LockFileSnapshot } from './lockFile';
import { quarantineFile } from './quarantine';
import { addAgentStats, type AgentStats, type AgentStatsStore } from '../agents/agentStats';
import { describeZodError, readJsonFile } from './jsonFile';
import { lazySchema } from '../common/lazySchema';

/** The statistics file under the storage root. */
export const AGENT_STATS_FILE = 'agent-stats.json';
/** The short-lived lock that serialises read-merge-write across processes. */
export const AGENT_STATS_LOCK = 'agent-stats.lock';

const count = lazySchema(() => z.number().finite().nonnegative());
const AgentStatsSchema: z.ZodType<AgentStats> = lazySchema(() =>
  z.object({
    attempts: count,
    successes: count,
    failures: count,
    totalDurationMs: count,
    tokens: count,
    costUsd: count,
  }),
);

const StatsFileSchema = lazySchema(() =>
  z.object({ formatVersion: z.literal(1), agents: z.record(z.string(), z.unknown()) }),
);
const LockContentSchema = lazySchema(() => z.object({ pid: z.number(), hostname: z.string() }));

/** How a `FileAgentStatsStore` is set up. */
export interface FileAgentStatsStoreOptions {
  /** Storage root; the file is `<root>/agent-stats.json`. */
  root: string;
  /** Called with each problem found (for example a quarantined file); they are also kept in `warnings`. */
  onWarning?: (message: string) => void;
  /** How long to wait for another process's update; default 2000 ms. */
  lockTimeoutMs?: number;
  /** A lock older than this was left by a crash; default 10 000 ms. */
  staleLockMs?: number;
}

type ReadResult =
  { status: 'ok'; agents: Map<string, AgentStats> } | { status: 'missing' } | { status: 'invalid'; reason: string };

/** Per-agent statistics in one JSON file shared by every window; updates never lose another process's increments. */
export class FileAgentStatsStore implements AgentStatsStore {
  /** Problems found so far, newest last. */
  readonly warnings: string[] = [];
  private readonly path: string;
  private readonly lockPath: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FileAgentStatsStoreOptions) {
    this.path = join(options.root, AGENT_STATS_FILE);
    this.lockPath = join(options.root, AGENT_STATS_LOCK);
  }

  /** The stored statistics; {} when there are none yet, or when the file was unusable (it is quarantined). */
  async load(): Promise<Record<string, AgentStats>> {
    const first = await this.read();
    if (first.status === 'ok') return Object.fromEntries(first.agents);
    if (first.status === 'missing') return {};
    // Quarantine only under the lock: another process may have just replaced the file with a good one.
    const agents = await this.exclusive(() => this.readRepairing());
    return Object.fromEntries(agents);
  }

  /** Adds increments to the stored statistics (read, merge, atomic write, all under the lock). */
  async addDeltas(deltas: Record<string, AgentStats>): Promise<void> {
    const increments = parseDeltas(deltas);
    if (increments.size === 0) return;
    await this.exclusive(async () => {
      const merged = await this.readRepairing();
      for (const [agentId, delta] of increments) merged.set(agentId, addAgentStats(merged.get(agentId), delta));
      await writeFileAtomic(
        this.path,
        `${JSON.stringify({ formatVersion: 1, agents: Object.fromEntries(merged) }, null, 2)}\n`,
      );
    });
  }

  /** Runs `fn` holding both the in-process queue and the cross-process lock file. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.withLockFile(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async withLockFile<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.options.root, { recursive: true });
    const text = `${JSON.stringify({ pid: process.pid, hostname: hostname(), at: Date.now(), nonce: randomBytes(6).toString('hex') })}\n`;
    const timeoutMs = this.options.lockTimeoutMs ?? 2000;
    const deadline = Date.now() + timeoutMs;
    while (!(await createLockFile(this.lockPath, text))) {
      const current = await readLockFile(this.lockPath);
      if (current && this.isStale(current)) {
        await removeLockIfUnchanged(this.lockPath, current.text);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for ${this.lockPath}: another window is updating agent statistics. ` +
            'Try again; if no other window or CLI run is active, delete that file.',
        );
      }
      await sleep(5 + Math.random() * 20);
    }
    try {
      return await fn();
    } finally {
      await releaseLockFile(this.lockPath, text);
    }
  }

  private isStale(lock: LockFileSnapshot): boolean {
    if (Date.now() - lock.mtimeMs > (this.options.staleLockMs ?? 10_000)) return true;
    let holder: z.infer<typeof LockContentSchema> | undefined;
    try {
      holder = LockContentSchema.parse(JSON.parse(lock.text));
    } catch {
      return false; // probably still being written; the age rule catches a crash
    }
    return holder.hostname === hostname() && !isProcessAlive(holder.pid);
  }

  /** Reads under the lock; an unusable file is moved to quarantine and statistics start from empty. */
  private async readRepairing(): Promise<Map<string, AgentStats>> {
    const result = await this.read();
    if (result.status === 'ok') return result.agents;
    if (result.status === 'invalid') {
      const moved = await quarantineFile(this.path, this.options.root, 'agent-stats', 'json');
      this.warn(
        `The agent statistics file ${this.path} was unusable (${result.reason}); moved it to ${moved} and started from empty statistics.`,
      );
    }
    return new Map();
  }

  private async read(): Promise<ReadResult> {
    const file = await readJsonFile(this.path, StatsFileSchema);
    if (file.status !== 'ok') return file;
    const agents = new Map<string, AgentStats>();
    for (const [agentId, value] of Object.entries(file.data.agents)) {
      const stats = AgentStatsSchema.safeParse(value);
      if (!stats.success) return { status: 'invalid', reason: `agent "${agentId}": ${describeZodError(stats.error)}` };
      agents.set(agentId, stats.data);
    }
    return { status: 'ok', agents };
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.options.onWarning?.(message);
  }
}

/** Validates every increment before anything is written, so a bad one changes nothing. */
function parseDeltas(deltas: Record<string, AgentStats>): Map<string, AgentStats> {
  const out = new Map<string, AgentStats>();
  for (const [agentId, value] of Object.entries(deltas)) {
    if (agentId === '') throw new Error('Agent statistics need a non-empty agent id.');
    const parsed = AgentStatsSchema.safeParse(value);
    if (!parsed.success) {
      throw new Error(
        `Invalid statistics for agent "${agentId}": ${describeZodError(parsed.error)}; counts must be finite and not negative.`,
      );
    }
    out.set(agentId, parsed.data);
  }
  return out;
}
