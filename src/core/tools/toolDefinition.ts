import { z } from 'zod';

/** What a tool hands back to the model: text, flagged when it reports a problem. */
export interface ToolResult {
  content: string;
  isError?: boolean;
  /** Structured facts for the agent loop (e.g. a verification verdict); never shown to the model. */
  data?: Record<string, unknown>;
}

/** A tool as the model sees it: name, description, JSON schema of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A tool: zod parameters (the single source of its JSON schema) and a body that gets a context `C`. */
export interface ToolDefinition<C, P = unknown> {
  name: string;
  description: string;
  parameters: z.ZodType<P>;
  /** The JSON schema the model is shown, when it does not come from `parameters` (an MCP server's tool). */
  jsonSchema?: Record<string, unknown>;
  run(args: P, ctx: C): Promise<ToolResult>;
}

/** Declares a tool with its argument type inferred from the schema. */
export function defineTool<C, S extends z.ZodType>(def: {
  name: string;
  description: string;
  parameters: S;
  run(args: z.output<S>, ctx: C): Promise<ToolResult>;
}): ToolDefinition<C, z.output<S>> {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(def.name))
    throw new Error(`Tool name "${def.name}" must be snake_case letters and digits.`);
  return def as ToolDefinition<C, z.output<S>>;
}

/** The model-facing spec of a tool; the JSON schema is generated from the zod schema. */
export function toolSpecOf<C>(def: ToolDefinition<C, unknown>): ToolSpec {
  if (def.jsonSchema !== undefined) return { name: def.name, description: def.description, parameters: def.jsonSchema };
  const schema = z.toJSONSchema(def.parameters, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: def.name, description: def.description, parameters: schema };
}
