import { z } from 'zod';
import { PlanSchema, type Plan } from '../model/planSchema';

/** How a plan file's name ends: the editor checks it against `media/plan.schema.json` and offers "Run This Plan". */
export const PLAN_FILE_SUFFIX = '.agent-plan.json';

/** A plan written for a person to read, edit and run: the validated plan and the dry run it came from. */
export interface PlanFile extends Plan {
  /** The dry run that produced it; running the file compares with it to record whether a person edited the plan. */
  fromRun?: string;
}

/** The plan file of a dry run's plan: `{ fromRun, goal, tasks }`. */
export function planFileOf(runId: string, plan: Plan): PlanFile {
  return { fromRun: runId, ...plan };
}

/** The text of a plan file: two-space JSON with a final newline. */
export function planFileText(runId: string, plan: Plan): string {
  return `${JSON.stringify(planFileOf(runId, plan), null, 2)}\n`;
}

/** The dry run a plan file names in `fromRun`, if it names one. */
export function fromRunOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const fromRun = (input as { fromRun?: unknown }).fromRun;
  return typeof fromRun === 'string' && fromRun !== '' ? fromRun : undefined;
}

/**
 * The JSON schema of a plan file, derived from the zod plan schema (what a plan may hand in, so
 * defaulted fields are optional) plus `fromRun`. `npm run sync-manifest` writes it to
 * `media/plan.schema.json`, which the manifest's `jsonValidation` gives the editor; a unit test
 * fails when the file falls behind the schema. Draft 7, which every JSON editor understands.
 */
export function planFileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(
    PlanSchema.extend({
      fromRun: z
        .string()
        .optional()
        .describe('The dry run that produced this plan; running it records whether the plan was edited since.'),
    }),
    {
      io: 'input',
      target: 'draft-7',
      // The descriptions are written for the planner model, whose strict schema turns optional fields
      // into nullable ones ("otherwise null"); a plan file refuses null, so such clauses are left out.
      override: ({ jsonSchema }) => {
        if (typeof jsonSchema.description === 'string') jsonSchema.description = withoutNull(jsonSchema.description);
      },
    },
  );
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'Agent Orchestrator plan',
    description:
      'A plan of tasks for Agent Orchestrator. Edit it, then run it with "Orchestrator: Run This Plan" (or `agent-orchestrator run --plan FILE`).',
    ...rest,
  };
}

/** A description without its clauses (`;`-separated) that mention null. */
function withoutNull(description: string): string {
  const clauses = description.replace(/\.$/, '').split(/\s*;\s*/);
  const kept = clauses.filter((clause) => !/\bnull\b/i.test(clause));
  return kept.length === clauses.length ? description : `${kept.join('; ')}.`;
}
