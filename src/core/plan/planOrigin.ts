import { canonicalJson } from '../llm/canonicalJson';
import type { Plan } from '../model/planSchema';
import type { PlanOrigin } from '../model/runEvents';
import { fromRunOf } from './planFile';

/**
 * The plan a run recorded when it was validated; `undefined` when it recorded none. Rejects when
 * the run cannot be read (unknown, deleted, in another state folder, not a run id).
 */
export type LoadPlan = (runId: string) => Promise<Plan | undefined>;

/** Where a plan handed to a run can come from (the planner's own plans are recorded by the orchestrator). */
export type GivenPlanSource = Exclude<PlanOrigin['source'], 'planner'>;

/**
 * Where a given plan came from: `source`, and — when the input names the dry run that produced it
 * (`fromRun`) and that run can be read — whether a person changed it since. Compared after
 * validation (`plan` is the validated input), so defaults and key order do not count as edits.
 * The CLI (`run --plan`) and the editor ("Run This Plan") both ask here.
 */
export async function planOriginOf(
  source: GivenPlanSource,
  input: unknown,
  plan: Plan,
  loadPlan: LoadPlan,
): Promise<PlanOrigin> {
  const fromRun = fromRunOf(input);
  if (fromRun === undefined) return { source };
  let produced: Plan | undefined;
  try {
    produced = await loadPlan(fromRun);
  } catch {
    // The dry run is gone (another state folder, deleted): the plan still runs, whether it was edited is unknown.
    return { source, fromRun };
  }
  if (!produced) return { source, fromRun };
  return { source, fromRun, edited: canonicalJson(produced) !== canonicalJson(plan) };
}
