import { z } from 'zod';
import { toStrictJsonSchema, type JsonSchemaObject } from '../llm/strictJsonSchema';
import { PlanSchema, TaskSpecSchema } from '../model/planSchema';

/** The closed lists a plan chooses from: what the registry holds at plan time. */
export interface PlanChoices {
  /** Capabilities of the registered agents, in registration order, without repeats. */
  capabilities: readonly string[];
  /** Ids of the registered agents, in registration order. */
  agents: readonly string[];
}

/** The choices of a list of agents, in their order. */
export function planChoicesOf(agents: ReadonlyArray<{ id: string; capabilities: readonly string[] }>): PlanChoices {
  return {
    capabilities: [...new Set(agents.flatMap((a) => a.capabilities))],
    agents: [...new Set(agents.map((a) => a.id))],
  };
}

/**
 * The plan schema with `requiredCapabilities` items and `agent` as enums of `choices` (left free
 * when there is nothing to choose from). Derived from `PlanSchema`, so every other field, default
 * and description stays as declared there.
 */
export function planSchemaFor(choices: PlanChoices): z.ZodType {
  const shape = TaskSpecSchema.shape;
  const [firstCap, ...otherCaps] = choices.capabilities;
  const [firstAgent, ...otherAgents] = choices.agents;
  const task = TaskSpecSchema.extend({
    requiredCapabilities:
      firstCap === undefined
        ? shape.requiredCapabilities
        : z
            .array(z.enum([firstCap, ...otherCaps]))
            .default([])
            .describe(shape.requiredCapabilities.description ?? ''),
    agent:
      firstAgent === undefined
        ? shape.agent
        : z
            .enum([firstAgent, ...otherAgents])
            .optional()
            .describe(shape.agent.description ?? ''),
  });
  return PlanSchema.extend({ tasks: z.array(task).describe(PlanSchema.shape.tasks.description ?? '') });
}

/** The JSON schemas of a plan for a planner model. */
export interface PlannerJsonSchema {
  /** What the model is sent: strict mode's shape (closed objects, every field required, optional ones nullable). */
  schema: JsonSchemaObject;
  /** The schema before strict shaping; `dropOptionalNulls` maps an answer back with it. */
  original: JsonSchemaObject;
}

/**
 * The JSON schema of a plan for the planner model, with the capabilities and agent ids of
 * `choices` as enums, in strict mode's shape. The same shape goes to providers without strict
 * mode: it costs them nothing, and an answer is mapped back the same way.
 */
export function plannerJsonSchema(choices: PlanChoices): PlannerJsonSchema {
  const original = z.toJSONSchema(planSchemaFor(choices), { io: 'input' }) as JsonSchemaObject;
  delete original['$schema'];
  return { schema: toStrictJsonSchema(original), original };
}
