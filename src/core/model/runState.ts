import type { Plan } from './planSchema';
import type { Finding } from './finding';
import type { BaselineCheck, CheckOutcome } from './verificationBaseline';
import { addUsage, ZERO_USAGE, type Usage } from './usage';
import { applyTaskAction, type PersonAction } from './taskActionFold';
import type { ApprovalRecord, ContextRecord, MessageRecord, WaitRecord } from './runRecords';
import { appendWait } from './taskWaits';
import type {
  ContextScope,
  FailureClassSchema,
  JsonValue,
  PlanIssue,
  PlanOrigin,
  RunEvent,
  RunPhase,
  RunStatus,
  TaskStatus,
} from './runEvents';
import type { z } from 'zod';

/** One attempt at a task, as recorded. */
export interface AttemptRecord {
  attempt: number;
  agentId: string;
  startedAt: number;
  endedAt?: number;
  outcome?: 'succeeded' | 'failed' | 'cancelled';
  failureClass?: z.infer<typeof FailureClassSchema>;
  message?: string;
  /** Positions in `RunState.findings` of the findings reported against the task since this attempt started. */
  findings?: number[];
}

/** Everything known about one task of a run. */
export interface TaskState {
  id: string;
  status: TaskStatus;
  /** The agent of the latest attempt. */
  agentId?: string;
  /** Manual assignment by the user, overriding selection. */
  assignedAgent?: string;
  attempts: AttemptRecord[];
  /** Agents that failed this task for a reason of their own; selection skips them. */
  excludedAgents: string[];
  /** Results of completed side-effect steps, by idempotency key; replayed instead of repeated on resume. */
  steps: Record<string, JsonValue>;
  output?: JsonValue;
  summary?: string;
  failure?: string;
  /** Paths its applied edits changed (or deleted), across all attempts, in the order first changed. */
  changedPaths: string[];
  usage: Usage;
  /** A person's cancel or skip still in force: the task stays so across a resume. */
  personAction?: PersonAction;
  /** A person's note for the task's next attempts, given with a retry. */
  retryNote?: string;
  /** Reassigned while running: the cancelled attempt is followed by one on `assignedAgent`. */
  restartOnAssigned?: boolean;
  /** Attempts made before a person's retry; they do not count against the retry policy. */
  attemptsBeforeRetry?: number;
  /** Its recorded waits, oldest first (the latest `MAX_WAITS_PER_TASK`); absent until it waited. */
  waits?: WaitRecord[];
  /** `provider/model` of its latest model call. */
  model?: string;
  /** When a request of this task was refused by the budget; its next start ends that wait. */
  budgetBlockedAt?: number;
}

export type { ApprovalRecord, ContextRecord, MessageRecord, WaitRecord } from './runRecords';

/** The state of a run: a pure fold of its events, and what a snapshot holds. */
export interface RunState {
  runId: string;
  goal: string;
  dryRun: boolean;
  createdAt: number;
  updatedAt: number;
  phase: RunPhase;
  status: RunStatus;
  budget: { maxTokens?: number; maxCostUsd?: number };
  plan?: Plan;
  /** Where the plan came from (absent: the run's own planner). */
  planOrigin?: PlanOrigin;
  /** SHA-256 of the front end's saved run settings, from `run.created`; absent when none were saved. */
  settingsDigest?: string;
  planIssues?: PlanIssue[];
  tasks: Record<string, TaskState>;
  usage: Usage;
  /** Usage per `provider/model`. */
  usageByModel: Record<string, Usage>;
  findings: Finding[];
  /** Approvals by id, in the order asked. */
  approvals: Record<string, ApprovalRecord>;
  /** Git checkpoints taken before tasks that edit, by task id (latest). */
  checkpoints: Record<string, { checkpointId: string; ref: string }>;
  /** Hunks a person kept in the whole-run review: hunk id → workspace-relative path. */
  reviewAccepted?: Record<string, string>;
  pauseReason?: string;
  /** Context entries by `scope/agent/key`, least recently written first. */
  context: Record<string, ContextRecord>;
  messageCount: number;
  /** Unread messages by recipient, oldest first; an agent the bus knows has an inbox, maybe empty. */
  inboxes: Record<string, MessageRecord[]>;
  /** The `seq` of the last event folded in. */
  lastSeq: number;
  /** Every configured check as it stood before the first task; absent until recorded (or without checks). */
  baseline?: BaselineCheck[];
  /** The latest end-of-run gate: its round (1, then one more after each repair) and verdict. */
  gate?: { round: number; passed: boolean };
  /** Ids of the repair tasks added after failed end-of-run gates, in order. */
  repairTasks?: string[];
  /** Outcomes of finished run-level checks by idempotency key (`verification.completed` with `key`). */
  checkOutcomes?: Record<string, CheckOutcome>;
}

/** The state before the first event. */
export function emptyRunState(runId: string): RunState {
  return {
    runId,
    goal: '',
    dryRun: false,
    createdAt: 0,
    updatedAt: 0,
    phase: 'initialise',
    status: 'running',
    budget: {},
    tasks: {},
    usage: { ...ZERO_USAGE },
    usageByModel: {},
    findings: [],
    approvals: {},
    checkpoints: {},
    context: {},
    messageCount: 0,
    inboxes: {},
    lastSeq: 0,
  };
}

/** The key of a context entry in `RunState.context`. */
export function contextRecordKey(scope: ContextScope, agentId: string | undefined, key: string): string {
  return `${scope}/${scope === 'private' ? (agentId ?? '') : ''}/${key}`;
}

function newTask(id: string): TaskState {
  return {
    id,
    status: 'pending',
    attempts: [],
    excludedAgents: [],
    steps: {},
    changedPaths: [],
    usage: { ...ZERO_USAGE },
  };
}

/** The task's state, created on first mention; a plain function, so folding an event allocates no closure. */
function taskOf(state: RunState, id: string): TaskState {
  return (state.tasks[id] ??= newTask(id));
}

function lastAttempt(task: TaskState, attempt: number): AttemptRecord | undefined {
  for (let i = task.attempts.length - 1; i >= 0; i--) {
    const a = task.attempts[i];
    if (a?.attempt === attempt) return a;
  }
  return undefined;
}

/**
 * Folds one event into the state, in place, and returns it. Events at or below `lastSeq` are
 * ignored, so folding a log on top of a snapshot is safe.
 */
export function applyRunEvent(state: RunState, e: RunEvent): RunState {
  if (e.seq <= state.lastSeq) return state;
  state.lastSeq = e.seq;
  state.updatedAt = e.at;
  switch (e.type) {
    case 'run.created':
      state.goal = e.goal;
      state.dryRun = e.dryRun;
      state.createdAt = e.at;
      state.budget = { ...e.budget };
      if (e.settingsDigest !== undefined) state.settingsDigest = e.settingsDigest;
      break;
    case 'run.phase':
      state.phase = e.phase;
      break;
    case 'plan.ready':
      state.plan = e.plan;
      if (e.origin) state.planOrigin = e.origin;
      if (!state.goal) state.goal = e.plan.goal;
      for (const t of e.plan.tasks) taskOf(state, t.id);
      break;
    case 'plan.rejected':
      state.planIssues = e.issues;
      state.status = 'failed';
      break;
    case 'plan.task.added':
      // A new plan object: the old one may still be the one a logged `plan.ready` event holds.
      if (state.plan) state.plan = { ...state.plan, tasks: [...state.plan.tasks, e.task] };
      taskOf(state, e.task.id);
      if (e.kind === 'repair') state.repairTasks = [...(state.repairTasks ?? []), e.task.id];
      break;
    case 'task.assigned':
      taskOf(state, e.taskId).assignedAgent = e.agentId;
      break;
    case 'task.reset': {
      const t = taskOf(state, e.taskId);
      t.status = 'pending';
      delete t.failure;
      delete t.personAction;
      delete t.budgetBlockedAt;
      t.excludedAgents = [];
      break;
    }
    case 'task.action':
      applyTaskAction(state, taskOf(state, e.taskId), e);
      break;
    case 'task.started': {
      const t = taskOf(state, e.taskId);
      t.status = 'running';
      t.agentId = e.agentId;
      t.attempts.push({ attempt: e.attempt, agentId: e.agentId, startedAt: e.at });
      delete t.budgetBlockedAt;
      break;
    }
    case 'task.waited':
      appendWait((taskOf(state, e.taskId).waits ??= []), e);
      break;
    case 'task.step.started':
      break;
    case 'task.step.completed':
      taskOf(state, e.taskId).steps[e.key] = e.result;
      break;
    case 'task.succeeded': {
      const t = taskOf(state, e.taskId);
      t.status = 'succeeded';
      t.agentId = e.agentId;
      delete t.personAction;
      delete t.restartOnAssigned;
      if (e.output !== undefined) t.output = e.output;
      if (e.summary !== undefined) t.summary = e.summary;
      const a = lastAttempt(t, e.attempt);
      if (a) Object.assign(a, { endedAt: e.at, outcome: 'succeeded' });
      break;
    }
    case 'task.attempt.failed': {
      const t = taskOf(state, e.taskId);
      t.status = 'pending';
      const a = lastAttempt(t, e.attempt);
      if (a) Object.assign(a, { endedAt: e.at, outcome: 'failed', failureClass: e.failureClass, message: e.message });
      if (e.next === 'reassign' && !t.excludedAgents.includes(e.agentId)) t.excludedAgents.push(e.agentId);
      break;
    }
    case 'task.failed': {
      const t = taskOf(state, e.taskId);
      t.status = 'failed';
      t.failure = e.message;
      break;
    }
    case 'task.skipped': {
      const t = taskOf(state, e.taskId);
      t.status = 'skipped';
      t.failure = e.reason;
      break;
    }
    case 'task.cancelled': {
      const t = taskOf(state, e.taskId);
      t.status = t.restartOnAssigned ? 'pending' : 'cancelled';
      delete t.restartOnAssigned;
      const a = lastAttempt(t, e.attempt);
      if (a) Object.assign(a, { endedAt: e.at, outcome: 'cancelled' });
      break;
    }
    case 'usage.recorded': {
      state.usage = addUsage(state.usage, e.usage);
      const key = `${e.provider}/${e.model}`;
      state.usageByModel[key] = addUsage(state.usageByModel[key] ?? ZERO_USAGE, e.usage);
      if (e.taskId) {
        const t = taskOf(state, e.taskId);
        t.usage = addUsage(t.usage, e.usage);
        t.model = key;
      }
      break;
    }
    case 'finding.reported': {
      state.findings.push(e.finding);
      const attempts = e.finding.taskId === undefined ? undefined : state.tasks[e.finding.taskId]?.attempts;
      const latest = attempts?.[attempts.length - 1];
      if (latest) (latest.findings ??= []).push(state.findings.length - 1);
      break;
    }
    case 'budget.exceeded':
      if (e.taskId !== undefined) taskOf(state, e.taskId).budgetBlockedAt ??= e.at;
      break;
    case 'run.paused':
      state.status = 'paused';
      state.pauseReason = e.reason;
      break;
    case 'run.resumed':
      state.status = 'running';
      delete state.pauseReason;
      if (e.budget) state.budget = { ...e.budget };
      break;
    case 'run.completed':
      state.status = e.status;
      break;
    case 'approval.requested': {
      const rec: ApprovalRecord = {
        approvalId: e.approvalId,
        taskId: e.taskId,
        kind: e.kind,
        summary: e.summary,
        protected: e.protected,
        status: 'pending',
      };
      if (e.path !== undefined) rec.path = e.path;
      if (e.command !== undefined) rec.command = e.command;
      state.approvals[e.approvalId] = rec;
      break;
    }
    case 'approval.decided': {
      const rec = state.approvals[e.approvalId];
      if (rec)
        Object.assign(rec, { status: e.decision, by: e.by, ...(e.reason !== undefined ? { reason: e.reason } : {}) });
      break;
    }
    case 'edit.applied': {
      const rec = state.approvals[e.approvalId];
      if (rec) rec.status = 'applied';
      const changed = taskOf(state, e.taskId).changedPaths;
      if (!changed.includes(e.path)) changed.push(e.path);
      break;
    }
    case 'verification.completed':
      if (e.key !== undefined && e.outcome !== undefined) (state.checkOutcomes ??= {})[e.key] = e.outcome;
      break;
    case 'verification.baseline':
      state.baseline = e.checks;
      break;
    case 'run.gate':
      state.gate = { round: e.round, passed: e.passed };
      break;
    case 'checkpoint.taken':
      state.checkpoints[e.taskId] = { checkpointId: e.checkpointId, ref: e.ref };
      break;
    case 'review.accepted':
      (state.reviewAccepted ??= {})[e.hunkId] = e.path;
      break;
    case 'review.reverted':
      break;
    case 'context.changed': {
      const key = contextRecordKey(e.scope, e.agentId, e.key);
      // Removed before it is set again, so the record's key order is the order of last writes.
      delete state.context[key];
      if (!e.deleted && e.value !== undefined) {
        const rec: ContextRecord = { key: e.key, scope: e.scope, value: e.value };
        if (e.agentId !== undefined) rec.agentId = e.agentId;
        if (e.expiresAt !== undefined) rec.expiresAt = e.expiresAt;
        state.context[key] = rec;
      }
      break;
    }
    case 'message.sent': {
      state.messageCount++;
      state.inboxes[e.from] ??= [];
      const recipients =
        e.recipients ?? (e.to === '*' ? Object.keys(state.inboxes).filter((id) => id !== e.from) : [e.to]);
      for (const id of recipients)
        (state.inboxes[id] ??= []).push({ id: e.id, from: e.from, to: e.to, topic: e.topic, body: e.body });
      break;
    }
    case 'message.read': {
      const read = new Set(e.ids);
      const inbox = state.inboxes[e.agentId];
      if (inbox) state.inboxes[e.agentId] = inbox.filter((m) => !read.has(m.id));
      break;
    }
    case 'log':
    case 'span.started':
    case 'span.ended':
    case 'metrics':
      break;
  }
  return state;
}

export { countTasks, retryableTaskIds, unfinishedTasks } from './runStateQueries';
