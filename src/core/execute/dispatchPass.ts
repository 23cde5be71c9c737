import { selectAgent } from '../agents/agentSelector';
import type { LoadLease, RegisteredAgent } from '../agents/agentRegistry';
import { PathLockTable, type HeldPath } from '../schedule/pathLocks';
import type { DagScheduler } from '../schedule/dagScheduler';
import type { ExecutorDeps } from './runExecutorTypes';

/** A task taken off the ready set in one pass: to start, with everything it holds, or to fail. */
export type PlannedStart =
  | {
      kind: 'start';
      task: number;
      agent: RegisteredAgent;
      attempt: number;
      lease: LoadLease;
      lockOwner: string;
      /** When an earlier pass first found its locks taken: it waited for them since. */
      lockWaitSince?: number;
    }
  | { kind: 'refused'; task: number; reason: string };

/** Ready tasks passed over for their locks in one pass, at most; bounds the cost of a long blocked queue. */
const MAX_LOCK_SKIPS = 512;
/** Ready tasks passed over because their agents are full, at most; a generous bound, as these are cheap. */
const MAX_BUSY_SKIPS = 8192;

const NO_AGENTS: ReadonlySet<string> = new Set();

/** The items sorted and joined by commas; no copy for the usual list of none or one. */
function sortedList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return [...items].sort().join(',');
}

/** Locks are owned per attempt, so an abandoned attempt keeps its locks even while a retry waits. */
export function attemptLockOwner(runId: string, taskId: string, attempt: number): string {
  return `${runId}/${taskId}#${attempt}`;
}

/**
 * One dispatch pass: offers ready tasks best first and takes, for each that can start now, an
 * agent's load and all of its path locks. A task passed over for its locks keeps its claim for the
 * rest of the pass, so lower-ranked tasks cannot starve it. Tasks whose agents are all busy are
 * recognised by their selection signature and skipped without asking again. `lockBlockedSince`
 * remembers, across passes, when each attempt (by lock owner) was first passed over for its locks.
 */
export function offerReadyTasks(
  scheduler: DagScheduler,
  deps: ExecutorDeps,
  freeSlots: number,
  lockBlockedSince: Map<string, number> = new Map(),
): PlannedStart[] {
  const { graph, state, registry, stats, locks, runId } = deps;
  const starts: PlannedStart[] = [];
  if (freeSlots <= 0 || scheduler.count('ready') === 0) return starts;
  const anyRoom = (): boolean =>
    registry
      .agents()
      .some(
        (a) =>
          registry.health(a.definition.id) !== 'unhealthy' && registry.load(a.definition.id) < a.definition.maxLoad,
      );
  let slots = freeSlots;
  let lockSkips = 0;
  let busySkips = 0;
  const busySignatures = new Set<string>();
  const waitingClaims: HeldPath[] = [];
  scheduler.offer((i) => {
    if (slots <= 0 || lockSkips >= MAX_LOCK_SKIPS || busySkips >= MAX_BUSY_SKIPS) return 'stop';
    const task = graph.tasks[i]!;
    const ts = state.tasks[task.id];
    const excluded = ts?.excludedAgents ?? [];
    const assigned = ts?.assignedAgent ?? task.agent;
    const signature = `${sortedList(task.requiredCapabilities)}|${assigned ?? ''}|${sortedList(excluded)}`;
    if (busySignatures.has(signature)) {
      busySkips++;
      return 'skip';
    }
    const selection = selectAgent(task, registry, stats, {
      excluded: excluded.length === 0 ? NO_AGENTS : new Set(excluded),
      ...(ts?.assignedAgent ? { assignedAgent: ts.assignedAgent } : {}),
    });
    if (selection.kind === 'none') {
      starts.push({ kind: 'refused', task: i, reason: selection.reason });
      return 'take';
    }
    if (selection.kind === 'busy') {
      busySignatures.add(signature);
      busySkips++;
      return anyRoom() ? 'skip' : 'stop';
    }
    const attempt = (ts?.attempts.length ?? 0) + 1;
    const lockOwner = attemptLockOwner(runId, task.id, attempt);
    if (!locks.tryAcquire(lockOwner, task, waitingClaims)) {
      waitingClaims.push(...PathLockTable.expand(lockOwner, task));
      if (!lockBlockedSince.has(lockOwner)) lockBlockedSince.set(lockOwner, deps.clock.now());
      lockSkips++;
      return 'skip';
    }
    const lease = registry.tryAcquireLoad(selection.agent.definition.id);
    if (!lease) {
      locks.release(lockOwner);
      busySkips++;
      return 'skip';
    }
    slots--;
    const lockWaitSince = lockBlockedSince.get(lockOwner);
    lockBlockedSince.delete(lockOwner);
    starts.push({
      kind: 'start',
      task: i,
      agent: selection.agent,
      attempt,
      lease,
      lockOwner,
      ...(lockWaitSince !== undefined ? { lockWaitSince } : {}),
    });
    return 'take';
  });
  return starts;
}
