import { createHash } from 'node:crypto';

/** Every MCP tool's name starts with this; the policy asks for such tools unless a rule says otherwise. */
export const MCP_TOOL_PREFIX = 'mcp__';

/** Largest JSON schema (serialised) offered to a model; a bigger one is skipped. */
const MAX_SCHEMA_CHARS = 32_000;

/** What the provider tool-name rules allow: 1–64 of [A-Za-z0-9_-]. */
function safePart(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** `mcp__<server>__<tool>`, sanitised; a name past 64 characters keeps its head and a hash of the whole. */
export function mcpToolName(server: string, tool: string): string {
  const full = `${MCP_TOOL_PREFIX}${safePart(server)}__${safePart(tool)}`;
  if (full.length <= 64) return full;
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${full.slice(0, 55)}_${hash}`;
}

/** The prefix every tool of `server` has: what `mcp__<server>__*` in an agent's tool list matches. */
export function mcpServerPrefix(server: string): string {
  return `${MCP_TOOL_PREFIX}${safePart(server)}__`;
}

/** Whether `name` is the name of an MCP tool. */
export function isMcpToolName(name: string): boolean {
  return name.startsWith(MCP_TOOL_PREFIX);
}

/** Whether an agent's tool-list entry (a name, or a name ending in `*`) covers `name`. */
export function toolPatternMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * An MCP tool's input schema as an object schema a provider accepts, or why it cannot be used.
 * `$schema` is dropped; `properties` must be an object when present.
 */
export function normaliseMcpSchema(
  schema: unknown,
): { ok: true; schema: Record<string, unknown> } | { ok: false; why: string } {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    return { ok: false, why: 'its input schema is not an object' };
  const copy = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  if (copy.type !== undefined && copy.type !== 'object')
    return { ok: false, why: `its input schema has type ${JSON.stringify(copy.type)}, not "object"` };
  const props = copy.properties;
  if (props !== undefined && (props === null || typeof props !== 'object' || Array.isArray(props)))
    return { ok: false, why: 'its input schema\'s "properties" is not an object' };
  if (
    copy.required !== undefined &&
    !(Array.isArray(copy.required) && copy.required.every((r) => typeof r === 'string'))
  )
    return { ok: false, why: 'its input schema\'s "required" is not a list of names' };
  delete copy.$schema;
  const out = { ...copy, type: 'object', properties: props ?? {} };
  if (JSON.stringify(out).length > MAX_SCHEMA_CHARS)
    return { ok: false, why: `its input schema is over ${MAX_SCHEMA_CHARS} characters` };
  return { ok: true, schema: out };
}
