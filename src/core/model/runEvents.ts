import { z } from 'zod';
import { PlanSchema, TaskSpecSchema } from './planSchema';
import { FindingSchema } from './finding';
import { BaselineCheckSchema, CheckOutcomeSchema, GateCheckResultSchema } from './verificationBaseline';
import { UsageSchema } from './usageSchema';
import { lazySchema } from '../common/lazySchema';

/** The phases of a run, in the order the orchestrator moves through them. */
/** Where a run's plan came from: its planner, or a plan given to it (a file, the editor, the API), possibly edited by a person. */
export const PlanOriginSchema = lazySchema(() =>
  z.object({
    source: z.enum(['planner', 'file', 'editor', 'api']),
    /** The dry run that produced the plan, when it came from one. */
    fromRun: z.string().optional(),
    /** True when the plan differs from what that dry run's planner produced. */
    edited: z.boolean().optional(),
  }),
);

/** Where a run's plan came from. */
export type PlanOrigin = z.infer<typeof PlanOriginSchema>;

export const RunPhaseSchema = lazySchema(() =>
  z.enum(['initialise', 'plan', 'validate', 'execute', 'monitor', 'complete']),
);
/** Where a run stands. `planned` is the end of a dry run. */
export const RunStatusSchema = lazySchema(() =>
  z.enum(['running', 'planned', 'paused', 'succeeded', 'failed', 'cancelled']),
);
/** Where a task stands. */
export const TaskStatusSchema = lazySchema(() =>
  z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']),
);
/** What a person can do to one task from the run panel, the Runs view or the API. */
export const TaskActionKindSchema = lazySchema(() => z.enum(['cancel', 'retry', 'skip', 'reassign']));
/** See `FailureClass`. */
export const FailureClassSchema = lazySchema(() => z.enum(['retryable', 'reassign', 'needs-human', 'fatal']));
/** Log levels, lowest first. */
export const LogLevelSchema = lazySchema(() => z.enum(['debug', 'info', 'warn', 'error']));
/** What a task waited for: a file lock, the shared rate limits, a person's approval, or more budget. */
export const WaitKindSchema = lazySchema(() => z.enum(['lock', 'rateLimit', 'approval', 'budget']));
/** Scopes of shared-context entries. */
export const ContextScopeSchema = lazySchema(() => z.enum(['shared', 'private', 'temporary']));

/** Any JSON value; task outputs and step results must survive a round trip through the log. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

/** A plan problem found during validation. */
export const PlanIssueSchema = lazySchema(() =>
  z.object({
    code: z.enum([
      'empty',
      'too-many-tasks',
      'duplicate-id',
      'unknown-dependency',
      'self-dependency',
      'cycle',
      'unknown-capability',
      'unknown-agent',
      'agent-lacks-capability',
      'schema',
    ]),
    /** For people and for the planner model's repair round: names the field, the value and what is allowed. */
    message: z.string(),
    taskId: z.string().optional(),
    /** Where in the plan, e.g. `tasks[2].requiredCapabilities[0]`. */
    field: z.string().optional(),
    /** The refused value, as written (JSON for anything but a string, clipped). */
    value: z.string().optional(),
    /** The values that would have been accepted there, when they are a closed list. */
    allowed: z.array(z.string()).optional(),
  }),
);

const envelope = {
  /** Position in the run's log, from 1, without gaps. */
  seq: z.number().int().positive(),
  /** Milliseconds since the epoch. */
  at: z.number(),
  runId: z.string(),
};

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ ...envelope, type: z.literal(type), ...shape });

/** A SHA-256 digest in lower-case hex. */
export const SettingsDigestSchema = lazySchema(() => z.string().regex(/^[0-9a-f]{64}$/));

/** Every run event, one schema; the store validates each line it reads back against it. */
export const RunEventSchema = lazySchema(() =>
  z.discriminatedUnion('type', [
    ev('run.created', {
      goal: z.string(),
      dryRun: z.boolean(),
      budget: z.object({ maxTokens: z.number().optional(), maxCostUsd: z.number().optional() }).default({}),
      /** SHA-256 (hex) of the settings the front end saved for resume; resume refuses settings that differ. */
      settingsDigest: SettingsDigestSchema.optional(),
    }),
    ev('run.phase', { phase: RunPhaseSchema }),
    ev('plan.ready', { plan: PlanSchema, origin: PlanOriginSchema.optional() }),
    ev('plan.rejected', { issues: z.array(PlanIssueSchema) }),
    /** A task added to a running plan: the repair task after a failed end-of-run gate. */
    ev('plan.task.added', { task: TaskSpecSchema, kind: z.enum(['repair']), reason: z.string() }),
    ev('task.assigned', { taskId: z.string(), agentId: z.string() }),
    /** The user asked for another go at a failed, skipped or cancelled task. */
    ev('task.reset', { taskId: z.string(), reason: z.string() }),
    /**
     * A person acted on one task of a run (live or ended), recorded before the action takes effect:
     * cancel its attempt, retry it (with a note for its next brief), skip it (its dependents treat it
     * as done), or reassign it to another agent.
     */
    ev('task.action', {
      taskId: z.string(),
      action: TaskActionKindSchema,
      /** For a retry: added to the task's next brief. */
      note: z.string().optional(),
      /** For a skip or a cancel: why, in the person's words. */
      reason: z.string().optional(),
      /** For a reassignment: the agent of the next attempt. */
      agentId: z.string().optional(),
    }),
    ev('task.started', {
      taskId: z.string(),
      agentId: z.string(),
      attempt: z.number().int().positive(),
      /** The attempt's `task` span, which this event opens and the attempt's outcome ends; absent in older logs. */
      spanId: z.string().optional(),
      /** The span it runs under (`run.execute`). */
      parentSpanId: z.string().optional(),
    }),
    ev('task.step.started', { taskId: z.string(), attempt: z.number().int().positive(), key: z.string() }),
    ev('task.step.completed', {
      taskId: z.string(),
      attempt: z.number().int().positive(),
      key: z.string(),
      result: JsonValueSchema,
    }),
    ev('task.succeeded', {
      taskId: z.string(),
      agentId: z.string(),
      attempt: z.number().int().positive(),
      durationMs: z.number().nonnegative(),
      output: JsonValueSchema.optional(),
      summary: z.string().optional(),
    }),
    ev('task.attempt.failed', {
      taskId: z.string(),
      agentId: z.string(),
      attempt: z.number().int().positive(),
      durationMs: z.number().nonnegative(),
      failureClass: FailureClassSchema,
      message: z.string(),
      /** What the executor does next. */
      next: z.enum(['retry', 'reassign', 'pause', 'fail']),
      retryInMs: z.number().nonnegative().optional(),
    }),
    /**
     * A wait of a task that has ended (informational: the fold keeps it for the timeline, nothing is
     * replayed from it). `lock` and `budget` end when `attempt` starts; `rateLimit` and `approval`
     * happen inside it. Only waits of at least `MIN_RECORDED_WAIT_MS` are recorded.
     */
    ev('task.waited', {
      taskId: z.string(),
      attempt: z.number().int().positive(),
      kind: WaitKindSchema,
      startedAt: z.number(),
      durationMs: z.number().nonnegative(),
      /** What was waited for: the model of a rate limit, the file of an approval. */
      detail: z.string().optional(),
    }),
    ev('task.failed', { taskId: z.string(), message: z.string() }),
    ev('task.skipped', { taskId: z.string(), blockedBy: z.string(), reason: z.string() }),
    ev('task.cancelled', { taskId: z.string(), attempt: z.number().int().positive() }),
    ev('usage.recorded', {
      taskId: z.string().optional(),
      agentId: z.string().optional(),
      provider: z.string(),
      model: z.string(),
      usage: UsageSchema,
    }),
    ev('finding.reported', { finding: FindingSchema }),
    ev('budget.exceeded', {
      taskId: z.string().optional(),
      limit: z.enum(['tokens', 'cost']),
      max: z.number(),
      used: z.number(),
      requested: z.number(),
    }),
    ev('run.paused', { reason: z.string() }),
    ev('run.resumed', {
      budget: z.object({ maxTokens: z.number().optional(), maxCostUsd: z.number().optional() }).optional(),
    }),
    ev('run.completed', {
      status: z.enum(['planned', 'succeeded', 'failed', 'paused', 'cancelled']),
      counts: z.record(TaskStatusSchema, z.number().int().nonnegative()),
    }),
    ev('approval.requested', {
      taskId: z.string(),
      approvalId: z.string(),
      kind: z.enum(['edit', 'command']),
      path: z.string().optional(),
      command: z.string().optional(),
      summary: z.string(),
      /** A protected path or command: needs a fresh human decision, even in auto-approve mode. */
      protected: z.boolean(),
    }),
    ev('approval.decided', {
      taskId: z.string(),
      approvalId: z.string(),
      decision: z.enum(['accepted', 'rejected']),
      by: z.enum(['user', 'auto', 'policy']),
      reason: z.string().optional(),
    }),
    ev('edit.applied', {
      taskId: z.string(),
      approvalId: z.string(),
      path: z.string(),
      deleted: z.boolean().optional(),
    }),
    ev('verification.completed', {
      taskId: z.string().optional(),
      name: z.string(),
      exitCode: z.number().int(),
      verdict: z.enum(['pass', 'warn', 'fail']),
      counts: z.object({ major: z.number().int(), medium: z.number().int(), minor: z.number().int() }),
      durationMs: z.number().nonnegative(),
      /** Set when the verdict compared the outcome with the run's baseline (a configured check in a task's gate). */
      baseline: z
        .object({
          /** Findings not in the baseline. */
          new: z.number().int().nonnegative(),
          /** Findings already in the baseline. */
          preExisting: z.number().int().nonnegative(),
          /** New findings not attributed to the task, left to the end-of-run gate. */
          deferred: z.number().int().nonnegative(),
        })
        .optional(),
      /**
       * Set for a run-level check (the baseline, a round of the end-of-run gate): its idempotency key,
       * unique per check and attempt. A resume reuses the outcome recorded under it instead of running
       * the check again.
       */
      key: z.string().optional(),
      /** The run-level check's whole outcome, recorded with `key`. */
      outcome: CheckOutcomeSchema.optional(),
    }),
    /** Every configured check, run once before the first task: what later gates compare with. */
    ev('verification.baseline', { checks: z.array(BaselineCheckSchema) }),
    /** The end-of-run gate: each configured check against the baseline and the thresholds. */
    ev('run.gate', { round: z.number().int().positive(), passed: z.boolean(), checks: z.array(GateCheckResultSchema) }),
    ev('checkpoint.taken', { taskId: z.string(), checkpointId: z.string(), ref: z.string() }),
    /** A person kept one hunk of the run's changes in the whole-run review (the file is not touched). */
    ev('review.accepted', { path: z.string(), hunkId: z.string() }),
    /** A person reverted one hunk (`hunkId`) or a whole file (no `hunkId`) to its content before the run. */
    ev('review.reverted', { path: z.string(), hunkId: z.string().optional() }),
    ev('context.changed', {
      key: z.string(),
      scope: ContextScopeSchema,
      agentId: z.string().optional(),
      value: JsonValueSchema.optional(),
      deleted: z.boolean().optional(),
      expiresAt: z.number().optional(),
    }),
    ev('message.sent', {
      id: z.string(),
      from: z.string(),
      to: z.string(),
      topic: z.string(),
      body: JsonValueSchema,
      /** The inboxes it was put in (a broadcast's are those the bus knew then); absent in older logs. */
      recipients: z.array(z.string()).optional(),
    }),
    /** An agent took messages out of its inbox (read them, or had them in the brief of a task it finished). */
    ev('message.read', { agentId: z.string(), ids: z.array(z.string()) }),
    ev('log', {
      level: LogLevelSchema,
      message: z.string(),
      taskId: z.string().optional(),
      fields: z.record(z.string(), JsonValueSchema).optional(),
    }),
    ev('span.started', {
      spanId: z.string(),
      parentId: z.string().optional(),
      name: z.string(),
      attributes: z.record(z.string(), JsonValueSchema).optional(),
    }),
    ev('span.ended', {
      spanId: z.string(),
      name: z.string(),
      durationMs: z.number().nonnegative(),
      status: z.enum(['ok', 'error', 'cancelled']),
      /** Attributes known only at the end (usage, finish reasons, error type); absent in older logs. */
      attributes: z.record(z.string(), JsonValueSchema).optional(),
    }),
    ev('metrics', {
      counters: z.record(z.string(), z.number()),
      histograms: z.record(
        z.string(),
        z.object({ count: z.number(), sum: z.number(), min: z.number(), max: z.number() }),
      ),
    }),
  ]),
);

export type RunEvent = z.infer<typeof RunEventSchema>;
export type RunEventType = RunEvent['type'];
/** The event of one type. */
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
/** An event before the recorder stamps `seq`, `at` and `runId` on it. */
export type RunEventBody = RunEvent extends infer E
  ? E extends RunEvent
    ? Omit<E, 'seq' | 'at' | 'runId'>
    : never
  : never;
export type RunPhase = z.infer<typeof RunPhaseSchema>;
export type RunStatus = z.infer<typeof RunStatusSchema>;
export type TaskStatus = z.infer<typeof TaskStatusSchema>;
export type PlanIssue = z.infer<typeof PlanIssueSchema>;
export type LogLevel = z.infer<typeof LogLevelSchema>;
export type TaskActionKind = z.infer<typeof TaskActionKindSchema>;
export type ContextScope = z.infer<typeof ContextScopeSchema>;
export type WaitKind = z.infer<typeof WaitKindSchema>;
