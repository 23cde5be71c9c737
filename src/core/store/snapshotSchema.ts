import { z } from 'zod';
import {
  PlanIssueSchema,
  FailureClassSchema,
  RunPhaseSchema,
  RunStatusSchema,
  TaskStatusSchema,
  ContextScopeSchema,
  SettingsDigestSchema,
} from '../model/runEvents';
import type { JsonValue } from '../model/runEvents';
import { PlanSchema } from '../model/planSchema';
import { FindingSchema } from '../model/finding';
import { UsageSchema } from '../model/usageSchema';
import { lazySchema } from '../common/lazySchema';
import { SNAPSHOT_FORMAT_VERSION } from './snapshotSerializer';

// Values come from JSON.parse, so they are JSON by construction; walking big outputs again would only cost time.
const JsonFromFile = lazySchema(() => z.custom<JsonValue>((value) => value !== undefined));

const AttemptSchema = lazySchema(() =>
  z.looseObject({
    attempt: z.number(),
    agentId: z.string(),
    startedAt: z.number(),
    endedAt: z.number().optional(),
    outcome: z.enum(['succeeded', 'failed', 'cancelled']).optional(),
    failureClass: FailureClassSchema.optional(),
    message: z.string().optional(),
    findings: z.array(z.number().int().nonnegative()).optional(),
  }),
);

const TaskStateSchema = lazySchema(() =>
  z.looseObject({
    id: z.string(),
    status: TaskStatusSchema,
    agentId: z.string().optional(),
    assignedAgent: z.string().optional(),
    attempts: z.array(AttemptSchema),
    excludedAgents: z.array(z.string()),
    steps: z.record(z.string(), JsonFromFile),
    output: JsonFromFile.optional(),
    summary: z.string().optional(),
    failure: z.string().optional(),
    // Added later, like the fields below with defaults: older snapshots read as empty.
    changedPaths: z.array(z.string()).default([]),
    usage: UsageSchema,
  }),
);

// Loose objects keep fields added to RunState later, so a snapshot round trip never drops them.
const RunStateSchema = lazySchema(() =>
  z.looseObject({
    runId: z.string(),
    goal: z.string(),
    dryRun: z.boolean(),
    createdAt: z.number(),
    updatedAt: z.number(),
    phase: RunPhaseSchema,
    status: RunStatusSchema,
    budget: z.object({ maxTokens: z.number().optional(), maxCostUsd: z.number().optional() }),
    plan: PlanSchema.optional(),
    planIssues: z.array(PlanIssueSchema).optional(),
    settingsDigest: SettingsDigestSchema.optional(),
    tasks: z.record(z.string(), TaskStateSchema),
    usage: UsageSchema,
    usageByModel: z.record(z.string(), UsageSchema),
    findings: z.array(FindingSchema),
    // Added after the first snapshots were written: older snapshots read as empty.
    approvals: z
      .record(
        z.string(),
        z.looseObject({
          approvalId: z.string(),
          taskId: z.string(),
          kind: z.enum(['edit', 'command']),
          path: z.string().optional(),
          command: z.string().optional(),
          summary: z.string(),
          protected: z.boolean(),
          status: z.enum(['pending', 'accepted', 'rejected', 'applied']),
          by: z.enum(['user', 'auto', 'policy']).optional(),
          reason: z.string().optional(),
        }),
      )
      .default({}),
    checkpoints: z.record(z.string(), z.object({ checkpointId: z.string(), ref: z.string() })).default({}),
    pauseReason: z.string().optional(),
    context: z.record(
      z.string(),
      z.looseObject({
        key: z.string(),
        scope: ContextScopeSchema,
        agentId: z.string().optional(),
        value: JsonFromFile,
        expiresAt: z.number().optional(),
      }),
    ),
    messageCount: z.number(),
    inboxes: z
      .record(
        z.string(),
        z.array(
          z.looseObject({ id: z.string(), from: z.string(), to: z.string(), topic: z.string(), body: JsonFromFile }),
        ),
      )
      .default({}),
    lastSeq: z.number().int().nonnegative(),
  }),
);

/** A snapshot validated field by field: one without a checksum (format 1, or written by hand). */
export const SnapshotEnvelopeSchema = lazySchema(() =>
  z.object({
    formatVersion: z.literal([1, 2, SNAPSHOT_FORMAT_VERSION], {
      error: (issue) =>
        typeof issue.input === 'number'
          ? `it has format version ${issue.input}, which this version of Agent Orchestrator cannot read (it reads formats 1 to ${SNAPSHOT_FORMAT_VERSION}; a newer version may have written it)`
          : `its format version is ${JSON.stringify(issue.input) ?? 'missing'}, not a number; Agent Orchestrator did not write it`,
    }),
    savedAt: z.number(),
    logOffset: z.number().int().nonnegative().optional(),
    state: RunStateSchema,
    planRecord: z.object({ offset: z.number().int().nonnegative(), bytes: z.number().int().positive() }).optional(),
  }),
);
