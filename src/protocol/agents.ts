// The registered agents as the Agents tab lists them, and the one thing a person can do there:
// open the file an agent was defined in. The webview names the agent; the host knows the file.
import * as z from 'zod/mini';
import { AgentIdSchema } from './ids';

/** One registered agent. */
export const AgentViewSchema = z.strictObject({
  id: AgentIdSchema,
  description: z.string(),
  capabilities: z.array(z.string()),
  /** `provider/model` the agent tries first, or "default" when it uses the run's model. */
  model: z.string(),
  /** Tasks it runs now, across this window's runs. */
  running: z.number().check(z.int(), z.nonnegative()),
  maxLoad: z.number().check(z.int(), z.positive()),
  /** Attempts counted in its statistics (the agent statistics file plus this window's attempts). */
  attempts: z.number().check(z.int(), z.nonnegative()),
  /** Successes per attempt, 0 to 1; absent before its first attempt. */
  successRate: z.optional(z.number().check(z.gte(0), z.lte(1))),
  averageCostUsd: z.optional(z.number().check(z.nonnegative())),
  averageDurationMs: z.optional(z.number().check(z.nonnegative())),
  /** Where it was defined: built in, an agent file (which the host can open), or another extension. */
  source: z.enum(['builtin', 'file', 'extension']),
  /** For a file: its path relative to the workspace folder, for display only; never sent back. */
  sourceLabel: z.optional(z.string()),
});
export type AgentView = z.infer<typeof AgentViewSchema>;

/** Host → webview: the registered agents (the whole list). */
export const AgentsMessageSchema = z.strictObject({
  type: z.literal('agents'),
  agents: z.array(AgentViewSchema),
});

/** Webview → host: open the file agent `agentId` was defined in. The host looks the file up by id. */
export const OpenAgentFileMessageSchema = z.strictObject({
  type: z.literal('openAgentFile'),
  agentId: AgentIdSchema,
});
