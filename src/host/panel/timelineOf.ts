// The run's timeline view model: attempts and waits as Gantt segments on lanes, one lane per agent
// slot. Free of `vscode`, unit-tested in Node.
import type { RunState, WaitRecord } from '../../core/model/runState';
import type { TimelineLane, TimelineSegment, TimelineView } from '../../protocol/timeline';

/** Waits that come before the attempt they belong to starts, and hold no agent slot. */
const BEFORE_START: ReadonlySet<WaitRecord['kind']> = new Set(['lock', 'budget']);

interface Bar {
  taskId: string;
  attempt: number;
  agentId: string;
  start: number;
  end?: number;
  /** Lane of its agent, before lanes get their global index. */
  slot: number;
}

/**
 * The Gantt of a run. Attempts go to the lowest free slot lane of their agent (greedy interval
 * partitioning, so an agent with maxLoad N needs at most N lanes); waits inside an attempt (rate
 * limit, approval) lie on its lane, over it; waits before a start (lock, budget) hold no slot and
 * go to the agent's "waiting" lanes, partitioned the same way.
 */
export function timelineOf(state: Readonly<RunState>, scrub: (text: string) => string): TimelineView {
  const attempts: (Bar & { outcome?: 'succeeded' | 'failed' | 'cancelled' })[] = [];
  const waits: (Bar & { kind: WaitRecord['kind']; detail?: string })[] = [];
  const tasks = Object.values(state.tasks);
  for (const task of tasks) {
    for (const a of task.attempts) {
      attempts.push({
        taskId: task.id,
        attempt: a.attempt,
        agentId: a.agentId,
        start: a.startedAt,
        ...(a.endedAt !== undefined ? { end: a.endedAt } : {}),
        ...(a.outcome !== undefined ? { outcome: a.outcome } : {}),
        slot: 0,
      });
    }
  }
  const byStart = (x: Bar, y: Bar): number => x.start - y.start || x.taskId.localeCompare(y.taskId);
  attempts.sort(byStart);
  const slots = partition(attempts);
  const attemptOf = new Map(attempts.map((a) => [`${a.taskId}#${a.attempt}`, a]));
  for (const task of tasks) {
    for (const w of task.waits ?? []) {
      const owner = attemptOf.get(`${task.id}#${w.attempt}`);
      const agentId = owner?.agentId ?? task.agentId ?? task.assignedAgent;
      if (agentId === undefined) continue;
      waits.push({
        taskId: task.id,
        attempt: w.attempt,
        agentId,
        start: w.startedAt,
        end: w.startedAt + w.durationMs,
        kind: w.kind,
        ...(w.detail !== undefined ? { detail: scrub(w.detail) } : {}),
        slot: owner?.slot ?? 0,
      });
    }
  }
  const queued = waits.filter((w) => BEFORE_START.has(w.kind) || !attemptOf.has(`${w.taskId}#${w.attempt}`));
  queued.sort(byStart);
  const queues = partition(queued);

  // Lanes: agents in the order they first ran (or waited), each with its slots, then its waiting lanes.
  const agents = [...new Set([...attempts, ...queued].sort(byStart).map((b) => b.agentId))];
  const lanes: TimelineLane[] = [];
  const slotLane = new Map<string, number>();
  const queueLane = new Map<string, number>();
  for (const agentId of agents) {
    for (let i = 0; i < (slots.get(agentId) ?? 0); i++) {
      slotLane.set(`${agentId}#${i}`, lanes.length);
      lanes.push({ index: lanes.length, agentId, kind: 'slot', label: `${agentId} #${i + 1}` });
    }
    for (let i = 0; i < (queues.get(agentId) ?? 0); i++) {
      queueLane.set(`${agentId}#${i}`, lanes.length);
      lanes.push({ index: lanes.length, agentId, kind: 'queue', label: `${agentId} waiting #${i + 1}` });
    }
  }
  const queuedSet = new Set(queued);
  const segments: TimelineSegment[] = [
    ...attempts.map((a) => segment(a, 'attempt', slotLane.get(`${a.agentId}#${a.slot}`) ?? 0, a.outcome)),
    ...waits.map((w) => {
      const lanesOf = queuedSet.has(w) ? queueLane : slotLane;
      return segment(w, w.kind, lanesOf.get(`${w.agentId}#${w.slot}`) ?? 0, undefined, w.detail);
    }),
  ];
  return { runId: state.runId, lanes, segments };
}

/** Gives each bar (sorted by start) the lowest lane of its agent that is free at its start; returns the lanes per agent. */
function partition(bars: Bar[]): Map<string, number> {
  const ends = new Map<string, number[]>();
  for (const bar of bars) {
    let laneEnds = ends.get(bar.agentId);
    if (!laneEnds) ends.set(bar.agentId, (laneEnds = []));
    let slot = laneEnds.findIndex((end) => end <= bar.start);
    if (slot < 0) slot = laneEnds.push(0) - 1;
    // A bar still running keeps its lane to the end of the chart.
    laneEnds[slot] = bar.end ?? Number.POSITIVE_INFINITY;
    bar.slot = slot;
  }
  return new Map([...ends].map(([agentId, laneEnds]) => [agentId, laneEnds.length]));
}

function segment(
  bar: Bar,
  kind: TimelineSegment['kind'],
  lane: number,
  outcome?: TimelineSegment['outcome'],
  detail?: string,
): TimelineSegment {
  return {
    taskId: bar.taskId,
    attempt: bar.attempt,
    agentId: bar.agentId,
    lane,
    start: bar.start,
    ...(bar.end !== undefined ? { end: bar.end } : {}),
    kind,
    ...(outcome !== undefined ? { outcome } : {}),
    ...(detail !== undefined ? { detail } : {}),
  };
}
