// The elements of the run tree. They hold ids only; the tree reads the current data from the
// RunsModel when it renders them. Kept in a cache so an element keeps its identity across
// updates, which lets the tree refresh a single run instead of the whole view.

/** A run. */
export interface RunNode {
  readonly kind: 'run';
  readonly runId: string;
}

/** A task of a run. */
export interface TaskNode {
  readonly kind: 'task';
  readonly runId: string;
  readonly taskId: string;
}

/** One attempt at a task (index into `TaskState.attempts`). */
export interface AttemptNode {
  readonly kind: 'attempt';
  readonly runId: string;
  readonly taskId: string;
  readonly index: number;
}

/** A finding (index into `RunState.findings`); under its task, or under the run when it has none. */
export interface FindingNode {
  readonly kind: 'finding';
  readonly runId: string;
  readonly index: number;
}

/** An edit or command approval of a task. */
export interface ApprovalNode {
  readonly kind: 'approval';
  readonly runId: string;
  readonly approvalId: string;
}

/** A line of text in place of children: loading, not read, no plan yet. */
export interface NoticeNode {
  readonly kind: 'notice';
  readonly runId: string;
  readonly key: string;
  readonly text: string;
  readonly icon: string;
}

/** Any element of the run tree. */
export type RunTreeNode = RunNode | TaskNode | AttemptNode | FindingNode | ApprovalNode | NoticeNode;

/** The stable id of an element (also its `TreeItem.id`, which keeps expansion state across refreshes). */
export function nodeId(node: RunTreeNode): string {
  switch (node.kind) {
    case 'run':
      return `run/${node.runId}`;
    case 'task':
      return `task/${node.runId}/${node.taskId}`;
    case 'attempt':
      return `attempt/${node.runId}/${node.taskId}/${node.index}`;
    case 'finding':
      return `finding/${node.runId}/${node.index}`;
    case 'approval':
      return `approval/${node.runId}/${node.approvalId}`;
    case 'notice':
      return `notice/${node.runId}/${node.key}`;
  }
}

/** Hands out one element object per id, and forgets the elements of runs that are gone. */
export class RunTreeNodes {
  private readonly nodes = new Map<string, RunTreeNode>();

  run(runId: string): RunNode {
    return this.intern({ kind: 'run', runId });
  }

  task(runId: string, taskId: string): TaskNode {
    return this.intern({ kind: 'task', runId, taskId });
  }

  attempt(runId: string, taskId: string, index: number): AttemptNode {
    return this.intern({ kind: 'attempt', runId, taskId, index });
  }

  finding(runId: string, index: number): FindingNode {
    return this.intern({ kind: 'finding', runId, index });
  }

  approval(runId: string, approvalId: string): ApprovalNode {
    return this.intern({ kind: 'approval', runId, approvalId });
  }

  notice(runId: string, key: string, text: string, icon: string): NoticeNode {
    const node = this.intern<NoticeNode>({ kind: 'notice', runId, key, text, icon });
    // A notice's text may change under the same id; the element keeps its identity.
    if (node.text !== text || node.icon !== icon) Object.assign(node, { text, icon });
    return node;
  }

  /** The cached run element, if the tree has shown the run. */
  existingRun(runId: string): RunNode | undefined {
    const node = this.nodes.get(`run/${runId}`);
    return node?.kind === 'run' ? node : undefined;
  }

  /** Drops every element of runs not in `keep`. */
  retainRuns(keep: ReadonlySet<string>): void {
    for (const [id, node] of this.nodes) if (!keep.has(node.runId)) this.nodes.delete(id);
  }

  private intern<T extends RunTreeNode>(node: T): T {
    const id = nodeId(node);
    const existing = this.nodes.get(id);
    if (existing) return existing as T;
    this.nodes.set(id, node);
    return node;
  }
}

/** Whether a command argument is a tree element. */
export function isRunTreeNode(value: unknown): value is RunTreeNode {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; runId?: unknown };
  return (
    typeof v.runId === 'string' && ['run', 'task', 'attempt', 'finding', 'approval', 'notice'].includes(String(v.kind))
  );
}
