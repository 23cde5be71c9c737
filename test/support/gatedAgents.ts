import type { Agent, TaskContext } from '../../src/core/task/agent';
import type { AgentDefinitionInput } from '../../src/core/model/agentDefinition';
import { abortReason } from '../../src/core/common/clock';
import { taskBrief } from '../../src/core/agents/taskBrief';
import { TaskFailure } from '../../src/core/model/failure';

/** One attempt an agent saw: its task, agent, attempt number and the brief the model would get. */
export interface SeenAttempt {
  taskId: string;
  agentId: string;
  attempt: number;
  brief: string;
}

/**
 * Agents whose attempts wait until the test lets a task finish (`release`), fail it (`fail`), or
 * the attempt is aborted; every attempt is recorded with its real brief.
 */
export class GatedTeam {
  readonly seen: SeenAttempt[] = [];
  private readonly waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  private readonly outcomes = new Map<string, 'ok' | Error>();
  private readonly started: Array<() => void> = [];

  agent(definition: AgentDefinitionInput): Agent {
    return { definition, run: (ctx) => this.attempt(ctx, definition.id) };
  }

  /** Lets the task's running (or next) attempt succeed. */
  release(taskId: string): void {
    this.settle(taskId, 'ok');
  }

  /** Makes the task's running (or next) attempt fail with a fatal error. */
  fail(taskId: string, message = 'broken on purpose'): void {
    this.settle(taskId, new TaskFailure(message, 'fatal'));
  }

  /** Resolves once `count` attempts have started in all. */
  async startedAttempts(count: number): Promise<void> {
    while (this.seen.length < count) await new Promise<void>((resolve) => this.started.push(resolve));
  }

  private settle(taskId: string, outcome: 'ok' | Error): void {
    const w = this.waiting.get(taskId);
    if (!w) return void this.outcomes.set(taskId, outcome);
    this.waiting.delete(taskId);
    if (outcome === 'ok') w.resolve();
    else w.reject(outcome);
  }

  private async attempt(ctx: TaskContext, agentId: string): Promise<{ output: string }> {
    this.seen.push({ taskId: ctx.task.id, agentId, attempt: ctx.attempt, brief: taskBrief(ctx) });
    this.started.splice(0).forEach((wake) => wake());
    const early = this.outcomes.get(ctx.task.id);
    this.outcomes.delete(ctx.task.id);
    if (early instanceof Error) throw early;
    if (early !== 'ok')
      await new Promise<void>((resolve, reject) => {
        this.waiting.set(ctx.task.id, { resolve, reject });
        ctx.signal.addEventListener('abort', () => reject(abortReason(ctx.signal)), { once: true });
      });
    return { output: `${ctx.task.id} by ${agentId}` };
  }
}
