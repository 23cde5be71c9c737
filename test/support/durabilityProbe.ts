import type { RunEvent } from '../../src/core/model/runEvents';
import type { RunStorePort, RunWriterPort } from '../../src/core/run/orchestratorPorts';
import { RunStore } from '../../src/core/store/runStore';

/** One moment a side effect happened, with how much of the log was known durable then. */
export interface EffectMoment {
  taskId: string;
  what: string;
  /** Highest seq known durable when the effect happened. */
  durableSeq: number;
  /** What the log lacked that the effect needed: empty when it was covered. */
  missing: string[];
}

/**
 * The real `RunStore`, watched: it records every event appended and, for each flush that
 * resolved, the seq it covered. `durableSeq` is therefore a lower bound of what is on disk: only
 * what a commit waited for counts, never what a group-commit timer happened to write. `effect()`
 * notes a side effect of a task and what the log lacked at that moment: a success of one of the
 * task's dependencies, or the task's own latest `task.step.started`, not yet covered by a commit.
 */
export class DurabilityProbe {
  readonly store: RunStorePort;
  readonly appended: RunEvent[] = [];
  readonly effects: EffectMoment[] = [];
  /** For each appended event (by seq), the highest seq known durable when it was appended. */
  readonly durableWhenAppended = new Map<number, number>();
  private durable = 0;
  private readonly dependencies = new Map<string, readonly string[]>();

  constructor(root: string, options: { flushIntervalMs?: number } = {}) {
    const real = new RunStore({ root, flushIntervalMs: options.flushIntervalMs ?? 1 });
    const wrap = (writer: RunWriterPort): RunWriterPort => ({
      append: (event) => {
        writer.append(event);
        this.appended.push(event);
        this.durableWhenAppended.set(event.seq, this.durable);
        if (event.type === 'plan.ready')
          for (const t of event.plan.tasks) this.dependencies.set(t.id, t.dependencies ?? []);
      },
      flush: async () => {
        const upTo = this.appended.at(-1)?.seq ?? 0;
        await writer.flush();
        this.durable = Math.max(this.durable, upTo);
      },
      close: async () => {
        await writer.close();
        this.durable = Math.max(this.durable, this.appended.at(-1)?.seq ?? 0);
      },
      takeSnapshotError: () => writer.takeSnapshotError?.(),
    });
    this.store = {
      create: async (runId, state) => wrap(await real.create(runId, state)),
      open: async (runId) => {
        const opened = await real.open(runId);
        return { ...opened, writer: wrap(opened.writer) };
      },
    };
  }

  /** Highest seq some commit has made durable. */
  get durableSeq(): number {
    return this.durable;
  }

  /** The seq of the first event that matches. */
  seqOf(match: (e: RunEvent) => boolean): number | undefined {
    return this.appended.find(match)?.seq;
  }

  /** Records a side effect of `taskId` now, with what the durable log lacked for it. */
  effect(taskId: string, what: string): EffectMoment {
    const missing: string[] = [];
    for (const dep of this.dependencies.get(taskId) ?? []) {
      const seq = this.seqOf((e) => e.type === 'task.succeeded' && e.taskId === dep);
      if (seq === undefined) missing.push(`success of ${dep} (not even appended)`);
      else if (seq > this.durable) missing.push(`success of ${dep} (seq ${seq} > durable ${this.durable})`);
    }
    let step: RunEvent | undefined;
    for (const e of this.appended) if (e.type === 'task.step.started' && e.taskId === taskId) step = e;
    if (step === undefined) missing.push('a task.step.started of its own');
    else if (step.seq > this.durable) missing.push(`its task.step.started (seq ${step.seq} > durable ${this.durable})`);
    const moment = { taskId, what, durableSeq: this.durable, missing };
    this.effects.push(moment);
    return moment;
  }
}
