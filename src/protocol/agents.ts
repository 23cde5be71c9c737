// The registered agents as the Agents tab lists them, and the one thing a person can do there:
// open the file an agent was defined in. The webview names the agent; the host knows the file.
import * as z from 'zod';
import { AgentIdSchema } from './ids';
import { lazySchema } from './lazySchema';

/** One registered agent. */
export const AgentViewSchema = lazySchema(() =>
  z.strictObject({
    id: AgentIdSchema,
    description: z.string(),
    capabilities: z.array(z.string()),
    /** `provider/model` the agent tries first, or "default" when it uses the run's model. */
    model: z.string(),
    /** Tasks it runs now, across this window's runs. */
    running: z.number().int().nonnegative(),
    maxLoad: z.number().int().positive(),
    /** Attempts counted in its statistics (the agent statistics file plus this window's attempts). */
    attempts: z.number().int().nonnegative(),
    /** Successes per attempt, 0 to 1; absent before its first attempt. */
    successRate: z.number().min(0).max(1).optional(),
    averageCostUsd: z.number().nonnegative().optional(),
    averageDurationMs: z.number().nonnegative().optional(),
    /** Where it was defined: built in, an agent file (which the host can open), or another extension. */
    source: z.enum(['builtin', 'file', 'extension']),
    /** For a file: its path relative to the workspace folder, for display only; never sent back. */
    sourceLabel: z.string().optional(),
  }),
);
export type AgentView = z.infer<typeof AgentViewSchema>;

/** Host → webview: the registered agents (the whole list). */
export const AgentsMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('agents'),
    agents: z.array(AgentViewSchema),
  }),
);

/** Webview → host: open the file agent `agentId` was defined in. The host looks the file up by id. */
export const OpenAgentFileMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('openAgentFile'),
    agentId: AgentIdSchema,
  }),
);
