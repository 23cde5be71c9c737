// The plan under review as the host holds it: one edit at a time, each checked (unknown ids,
// cycles, bounded text, registered agents) and applied whole or not at all. Free of `vscode`.
import type { Plan, TaskSpec } from '../../core/model/planSchema';
import type { PlanIssue } from '../../core/model/runEvents';
import type { PlanFile } from '../../core/plan/planFile';
import type { SavedPlanDraft } from './planDraftFiles';
import { cycleReason, wouldCreateCycle } from '../../protocol/planCycle';
import {
  TaskDescriptionSchema,
  TaskTitleSchema,
  type PlanEditOp,
  type PlanIssueField,
  type PlanIssueView,
  type PlanReviewView,
} from '../../protocol/planReview';

/** What an edit did: applied (with a notice when it changed more than it says), or refused with why. */
export type EditOutcome = { ok: true; notice?: string } | { ok: false; issue: PlanIssueView };

/** A dry run's plan being edited before it runs. */
export class PlanDraft {
  private tasks: TaskSpec[];
  private readonly goal: string;
  /** Bumped by every applied edit. */
  version = 0;
  /** What validation said about the current version, for a resync. */
  issues: PlanIssueView[] = [];

  /** A new review (version 0), or one saved before a window reload at `version`. */
  constructor(
    readonly runId: string,
    plan: Plan,
    readonly agents: readonly string[],
    version = 0,
  ) {
    this.version = version;
    this.goal = plan.goal;
    this.tasks = plan.tasks.map((t) => ({ ...t, dependencies: [...t.dependencies] }));
  }

  /** Applies one edit, or refuses it and changes nothing. */
  apply(edit: PlanEditOp): EditOutcome {
    const task = this.tasks.find((t) => t.id === edit.taskId);
    if (!task)
      return refuse(
        'task',
        `There is no task "${edit.taskId}" in this plan; it may have been deleted. Nothing was changed.`,
      );
    const outcome = this.change(task, edit);
    if (outcome.ok) this.version++;
    return outcome;
  }

  /** What a window reload needs to carry on with this review. */
  saved(): SavedPlanDraft {
    return {
      plan: { goal: this.goal, tasks: this.tasks.map((t) => structuredClone(t)) },
      version: this.version,
      agents: [...this.agents],
    };
  }

  /** The plan as the run gets it: `{ fromRun, goal, tasks }`, the format of a plan file. */
  input(): PlanFile {
    return { fromRun: this.runId, goal: this.goal, tasks: this.tasks.map((t) => ({ ...t })) };
  }

  /** The plan as the webview shows it; `scrub` removes secrets from text. */
  view(scrub: (text: string) => string): PlanReviewView {
    return {
      runId: this.runId,
      version: this.version,
      goal: scrub(this.goal),
      agents: [...this.agents],
      tasks: this.tasks.map((t) => ({
        id: t.id,
        title: scrub(t.title),
        description: scrub(t.description),
        ...(t.agent !== undefined ? { agentId: t.agent } : {}),
        deps: [...t.dependencies],
        capabilities: t.requiredCapabilities.map(scrub),
        acceptanceCriteria: t.acceptanceCriteria.map(scrub),
      })),
    };
  }

  /** The core validator's issues, each pinned to the task and field it names. */
  issueViews(issues: readonly PlanIssue[], scrub: (text: string) => string): PlanIssueView[] {
    return issues.map((issue) => {
      const at = /^tasks\[(\d+)\](?:\.(\w+))?/.exec(issue.field ?? '');
      const named = issue.taskId ?? (at ? this.tasks[Number(at[1])]?.id : undefined);
      const taskId = this.tasks.some((t) => t.id === named) ? named : undefined;
      const field: PlanIssueField = at ? (FIELD_OF[at[2] ?? ''] ?? 'task') : 'plan';
      return { ...(taskId !== undefined ? { taskId } : {}), field, message: scrub(issue.message) };
    });
  }

  private change(task: TaskSpec, edit: PlanEditOp): EditOutcome {
    switch (edit.op) {
      case 'setTitle': {
        const title = TaskTitleSchema.safeParse(edit.title);
        if (!title.success) return refuse('title', `${title.error.issues[0]!.message}. Nothing was changed.`, task.id);
        task.title = title.data.trim();
        return { ok: true };
      }
      case 'setDescription': {
        const description = TaskDescriptionSchema.safeParse(edit.description);
        if (!description.success) {
          return refuse('description', `${description.error.issues[0]!.message}. Nothing was changed.`, task.id);
        }
        task.description = description.data;
        return { ok: true };
      }
      case 'setAgent':
        if (edit.agentId === undefined) {
          delete task.agent;
          return { ok: true };
        }
        if (!this.agents.includes(edit.agentId)) {
          return refuse(
            'agent',
            `Agent "${edit.agentId}" is not registered. Choose one of: ${this.agents.join(', ') || '(none registered)'}.`,
            task.id,
          );
        }
        task.agent = edit.agentId;
        return { ok: true };
      case 'deleteTask':
        return this.delete(task);
      case 'addEdge':
        return this.addEdge(task, edit.dependsOn);
      case 'removeEdge': {
        const at = task.dependencies.indexOf(edit.dependsOn);
        if (at < 0)
          return refuse('deps', `"${task.id}" does not depend on "${edit.dependsOn}"; nothing to remove.`, task.id);
        task.dependencies.splice(at, 1);
        return { ok: true };
      }
    }
  }

  private addEdge(task: TaskSpec, dependsOn: string): EditOutcome {
    if (!this.tasks.some((t) => t.id === dependsOn)) {
      return refuse('deps', `There is no task "${dependsOn}" in this plan to depend on. Nothing was changed.`, task.id);
    }
    if (task.dependencies.includes(dependsOn)) {
      return refuse('deps', `"${task.id}" already depends on "${dependsOn}".`, task.id);
    }
    const nodes = this.tasks.map((t) => ({ id: t.id, deps: t.dependencies }));
    const chain = wouldCreateCycle(nodes, task.id, dependsOn);
    if (chain) return refuse('deps', cycleReason(chain, task.id, dependsOn), task.id);
    task.dependencies.push(dependsOn);
    return { ok: true };
  }

  private delete(task: TaskSpec): EditOutcome {
    const dependents = this.tasks.filter((t) => t.dependencies.includes(task.id));
    this.tasks = this.tasks.filter((t) => t !== task);
    for (const t of dependents) t.dependencies = t.dependencies.filter((d) => d !== task.id);
    const names = dependents.map((t) => `"${t.id}"`).join(', ');
    return {
      ok: true,
      notice:
        dependents.length === 0
          ? `Deleted "${task.id}"; no task depended on it.`
          : `Deleted "${task.id}"; ${names} no longer ${dependents.length === 1 ? 'waits' : 'wait'} for it (that dependency went with it).`,
    };
  }
}

/** The plan field an issue's path names, as the page groups it. */
const FIELD_OF: Readonly<Record<string, PlanIssueField>> = {
  title: 'title',
  description: 'description',
  agent: 'agent',
  dependencies: 'deps',
  requiredCapabilities: 'capabilities',
};

function refuse(field: PlanIssueField, message: string, taskId?: string): EditOutcome {
  return { ok: false, issue: { ...(taskId !== undefined ? { taskId } : {}), field, message } };
}
