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
import type { RunState } from '../model/runState';
import { PlanSchema } from '../model/planSchema';
import { FindingSchema } from '../model/finding';
import { UsageSchema } from '../model/usageSchema';
import { readJsonFile } from './jsonFile';
import { writeFileAtomic } from './atomicFile';
import { lazySchema } from '../common/lazySchema';

/** Name of the snapshot inside a run folder. */
export const SNAPSHOT_FILE = 'snapshot.json';
/** Bumped when the envelope or the state changes incompatibly. */
export const SNAPSHOT_FORMAT_VERSION = 1;

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

const SnapshotEnvelopeSchema = lazySchema(() =>
  z.object({
    formatVersion: z.literal(SNAPSHOT_FORMAT_VERSION, {
      error: (issue) =>
        typeof issue.input === 'number'
          ? `it has format version ${issue.input}, which this version of Agent Orchestrator cannot read (it reads format ${SNAPSHOT_FORMAT_VERSION}; a newer version may have written it)`
          : `its format version is ${JSON.stringify(issue.input) ?? 'missing'}, not a number; Agent Orchestrator did not write it`,
    }),
    savedAt: z.number(),
    logOffset: z.number().int().nonnegative().optional(),
    state: RunStateSchema,
  }),
);

/** What `snapshot.json` holds. */
export interface SnapshotEnvelope {
  formatVersion: typeof SNAPSHOT_FORMAT_VERSION;
  /** When it was written, ms since the epoch. */
  savedAt: number;
  /** A line boundary in the log at or before the last event folded in; recovery reads the log from here. */
  logOffset?: number;
  /** The run state up to `state.lastSeq`. */
  state: RunState;
}

/** The outcome of reading a snapshot: usable, absent (normal before the first one), or invalid with a reason. */
export type SnapshotReadResult =
  { status: 'ok'; snapshot: SnapshotEnvelope } | { status: 'missing' } | { status: 'invalid'; reason: string };

/**
 * The JSON of each plan already serialised. A plan is never changed in place (adding a task makes a
 * new plan object), so every periodic snapshot of a run reuses the text of its, often largest, part.
 */
const planTexts = new WeakMap<object, string>();

/** Serialises a snapshot now, so later changes to the live state cannot leak into it. */
export function serializeSnapshot(state: RunState, logOffset?: number, savedAt: number = Date.now()): string {
  const { plan, ...rest } = state;
  const envelope = {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    savedAt,
    ...(logOffset !== undefined ? { logOffset } : {}),
  };
  if (plan === undefined) return JSON.stringify({ ...envelope, state });
  let planText = planTexts.get(plan);
  if (planText === undefined) {
    planText = JSON.stringify(plan);
    planTexts.set(plan, planText);
  }
  // `{..., "state": {...rest}}` with the plan's text spliced in as the state's last field.
  const text = JSON.stringify({ ...envelope, state: rest });
  return `${text.slice(0, -2)},"plan":${planText}}}`;
}

/** Writes the snapshot atomically: a crash leaves the previous snapshot or this one. */
export async function writeSnapshot(path: string, state: RunState, logOffset?: number): Promise<void> {
  await writeFileAtomic(path, serializeSnapshot(state, logOffset));
}

/** Reads and validates a snapshot of run `runId`. I/O errors other than a missing file are thrown. */
export async function readSnapshot(path: string, runId: string): Promise<SnapshotReadResult> {
  const read = await readJsonFile(path, SnapshotEnvelopeSchema);
  if (read.status !== 'ok') return read;
  if (read.data.state.runId !== runId) {
    return { status: 'invalid', reason: `it belongs to run "${read.data.state.runId}", not "${runId}"` };
  }
  const snapshot: SnapshotEnvelope = read.data;
  return { status: 'ok', snapshot };
}
