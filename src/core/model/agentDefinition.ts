import { z } from 'zod';
import { lazySchema } from '../common/lazySchema';

/** What the registry knows about an agent, apart from how it runs. */
export const AgentDefinitionSchema = lazySchema(() =>
  z.object({
    /** Unique id, used in plans for manual assignment. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an agent id uses letters, digits, ".", "_" or "-" (at most 64)'),
    description: z.string().default(''),
    /** What the agent can do; a task's required capabilities must all be here. */
    capabilities: z.array(z.string().min(1)).min(1, 'an agent needs at least one capability'),
    /**
     * Other words a planner model may use for this agent (e.g. `code_generation` for a coder); a
     * plan naming one as a capability gets this agent's capabilities instead, with a warning.
     */
    synonyms: z.array(z.string().min(1)).default([]),
    /** Tool names the agent may call. */
    tools: z.array(z.string().min(1)).default([]),
    /** Models to try, best first, as `provider/model`. */
    preferredModels: z.array(z.string().min(1)).default([]),
    /** How many tasks it may run at once. */
    maxLoad: z.number().int().min(1).max(256).default(1),
    /** Tie-breaker between equally scored agents; higher wins. */
    priority: z.number().int().min(0).max(100).default(50),
    /** Sampling temperature of its model turns (0–2); unset means 0, so identical turns of a run are cacheable. */
    temperature: z.number().min(0).max(2).optional(),
  }),
);

export type AgentDefinition = z.output<typeof AgentDefinitionSchema>;
export type AgentDefinitionInput = z.input<typeof AgentDefinitionSchema>;

/** Healthy agents are preferred, degraded ones are used at half weight, unhealthy ones are not used. */
export type AgentHealth = 'healthy' | 'degraded' | 'unhealthy';
