import type { AgentDefinitionInput } from '../../src/core/model/agentDefinition';
import { systemClock } from '../../src/core/common/clock';
import type { Agent, TaskContext, TaskResult } from '../../src/core/task/agent';

/** One attempt as a test agent saw it. */
export interface TimelineEntry {
  taskId: string;
  agentId: string;
  attempt: number;
  start: number;
  end: number;
  outcome: 'ok' | 'error' | 'aborted';
}

/** Shared record of what test agents did, with high-resolution times. */
export class Timeline {
  readonly entries: TimelineEntry[] = [];
  private readonly startedAt = performance.now();

  now(): number {
    return performance.now() - this.startedAt;
  }

  forTask(taskId: string): TimelineEntry[] {
    return this.entries.filter((e) => e.taskId === taskId);
  }

  /** The largest number of attempts that were running at one moment. */
  maxConcurrent(filter: (e: TimelineEntry) => boolean = () => true): number {
    const edges = this.entries.filter(filter).flatMap((e) => [[e.start, 1] as const, [e.end, -1] as const]);
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let max = 0;
    for (const [, d] of edges) max = Math.max(max, (now += d));
    return max;
  }

  /** Whether the two tasks' successful attempts overlapped in time. */
  overlapped(a: string, b: string): boolean {
    const ea = this.forTask(a);
    const eb = this.forTask(b);
    return ea.some((x) => eb.some((y) => x.start < y.end && y.start < x.end));
  }
}

/** A test agent built from a definition and a body; it records each attempt in the timeline. */
export function testAgent(
  definition: AgentDefinitionInput,
  body: (ctx: TaskContext) => Promise<TaskResult | void> = async () => undefined,
  timeline?: Timeline,
): Agent {
  return {
    definition,
    async run(ctx: TaskContext): Promise<TaskResult> {
      const start = timeline?.now() ?? 0;
      let outcome: TimelineEntry['outcome'] = 'ok';
      try {
        return (await body(ctx)) ?? { output: { by: definition.id } };
      } catch (err) {
        outcome = ctx.signal.aborted ? 'aborted' : 'error';
        throw err;
      } finally {
        timeline?.entries.push({
          taskId: ctx.task.id,
          agentId: definition.id,
          attempt: ctx.attempt,
          start,
          end: timeline.now(),
          outcome,
        });
      }
    },
  };
}

/** A test agent that waits `ms` (abortably) before succeeding. */
export function waitingAgent(definition: AgentDefinitionInput, ms: number, timeline?: Timeline): Agent {
  return testAgent(
    definition,
    async (ctx) => {
      await systemClock.sleep(ms, ctx.signal);
      return { output: { by: definition.id, task: ctx.task.id } };
    },
    timeline,
  );
}

/** The definition of a code agent (maxLoad 8) for orchestrator tests, with any field overridden. */
export function codeAgentDefinition(id = 'coder', over: Partial<AgentDefinitionInput> = {}): AgentDefinitionInput {
  return { id, capabilities: ['code'], maxLoad: 8, ...over };
}
