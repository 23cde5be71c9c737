import { readFile } from 'node:fs/promises';
import { errorMessage } from '../core/common/errors';
import { canonicalJson } from '../core/llm/canonicalJson';
import type { PlanOrigin } from '../core/model/runEvents';
import type { Plan } from '../core/model/planSchema';
import type { PlanValidation } from '../core/plan/validatePlan';
import { writeFileAtomic } from '../core/store/atomicFile';
import { isSafeRunId } from '../core/store/runLayout';
import type { RunStore } from '../core/store/runStore';
import { UsageError } from './usageError';

/** Plans larger than this are not read: a plan is a few kilobytes. */
const MAX_PLAN_FILE_BYTES = 4 * 1024 * 1024;

/** What `plan --out` writes: the validated plan and the dry run it came from. */
export interface PlanFile extends Plan {
  /** The dry run that produced it; `run --plan` compares with it to record whether a person edited the plan. */
  fromRun?: string;
}

/** Reads a plan file as JSON; a missing, huge or malformed file is a `UsageError` that names it. */
export async function readPlanFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const buffer = await readFile(file);
    if (buffer.byteLength > MAX_PLAN_FILE_BYTES) {
      throw new UsageError(`The plan ${file} is ${buffer.byteLength} bytes; a plan file is at most 4 MiB.`);
    }
    text = buffer.toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`The plan ${file} cannot be read (${errorMessage(err)}); give the file \`plan --out\` wrote.`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(`The plan ${file} is not valid JSON: ${errorMessage(err)}.`);
  }
}

/** The refusal of an invalid plan file: every problem, one per line, and nothing started. */
export function invalidPlanError(file: string, validation: Extract<PlanValidation, { ok: false }>): UsageError {
  const lines = validation.issues.map((issue) => `  - ${issue.message}`);
  return new UsageError(`The plan ${file} cannot run; fix it and run it again:\n${lines.join('\n')}`);
}

/** Writes the validated plan (atomically) with the dry run it came from, for a person to read, edit and run. */
export async function writePlanFile(file: string, runId: string, plan: Plan): Promise<void> {
  const content: PlanFile = { fromRun: runId, ...plan };
  try {
    await writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
  } catch (err) {
    throw new UsageError(`The plan could not be written to ${file} (${errorMessage(err)}); choose another --out.`);
  }
}

/**
 * Where a plan from a file came from: `file`, and — when it names the dry run that produced it and
 * that run is in the store — whether a person changed it since (compared after validation, so
 * defaults and key order do not count as edits).
 */
export async function planFileOrigin(input: unknown, plan: Plan, store: Pick<RunStore, 'load'>): Promise<PlanOrigin> {
  const fromRun =
    input && typeof input === 'object' && typeof (input as { fromRun?: unknown }).fromRun === 'string'
      ? (input as { fromRun: string }).fromRun
      : undefined;
  if (fromRun === undefined || !isSafeRunId(fromRun)) return { source: 'file' };
  try {
    const produced = (await store.load(fromRun)).state.plan;
    if (!produced) return { source: 'file', fromRun };
    return { source: 'file', fromRun, edited: canonicalJson(produced) !== canonicalJson(plan) };
  } catch {
    // The dry run is gone (another state folder, deleted): the plan still runs, origin unknown.
    return { source: 'file', fromRun };
  }
}
