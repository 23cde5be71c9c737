import { readFile } from 'node:fs/promises';
import { errorMessage } from '../core/common/errors';
import type { Plan } from '../core/model/planSchema';
import { planFileText } from '../core/plan/planFile';
import type { PlanValidation } from '../core/plan/validatePlan';
import { writeFileAtomic } from '../core/store/atomicFile';
import { UsageError } from './usageError';

/** Plans larger than this are not read: a plan is a few kilobytes. */
const MAX_PLAN_FILE_BYTES = 4 * 1024 * 1024;

/** Reads a plan file as JSON; a missing, huge or malformed file is a `UsageError` that names it. */
export async function readPlanFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const buffer = await readFile(file);
    if (buffer.byteLength > MAX_PLAN_FILE_BYTES) {
      throw new UsageError(
        `The plan ${file} is ${buffer.byteLength} bytes; a plan file is at most 4 MiB; split the goal into smaller plans.`,
      );
    }
    text = buffer.toString('utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`The plan ${file} cannot be read (${errorMessage(err)}); give the file \`plan --out\` wrote.`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(
      `The plan ${file} is not valid JSON: ${errorMessage(err)}. Fix it, or write a new one with \`agent-orchestrator plan "<goal>" --out FILE\`.`,
    );
  }
}

/** The refusal of an invalid plan file: every problem, one per line, and nothing started. */
export function invalidPlanError(file: string, validation: Extract<PlanValidation, { ok: false }>): UsageError {
  const lines = validation.issues.map((issue) => `  - ${issue.message}`);
  return new UsageError(`The plan ${file} cannot run; fix it and run it again:\n${lines.join('\n')}`);
}

/** Writes the validated plan (atomically) with the dry run it came from, for a person to read, edit and run. */
export async function writePlanFile(file: string, runId: string, plan: Plan): Promise<void> {
  try {
    await writeFileAtomic(file, planFileText(runId, plan));
  } catch (err) {
    throw new UsageError(`The plan could not be written to ${file} (${errorMessage(err)}); choose another --out.`);
  }
}
