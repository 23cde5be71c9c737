import type { RecordedRequest } from './fakeModelServer';
import { jsonReply, textReply, toolCallReply, type FakeReply } from './fakeReply';

/** A JSON schema node. */
export type JsonSchema = Record<string, unknown>;

/** Where a value is being filled: its path in the answer and its schema node. */
export interface FillContext {
  path: ReadonlyArray<string | number>;
  schema: JsonSchema;
}

/** How a schema is filled; the defaults give one deterministic answer per schema. */
export interface SchemaFillOptions {
  /** Which value of an `enum` to take: the first (default), the last, or a pick of your own. */
  choose?: 'first' | 'last' | ((values: readonly unknown[], ctx: FillContext) => unknown);
  /**
   * When a value may be null: `choices` (default) fills it only when it is a closed choice (an
   * enum or const, or an array of them) and leaves free values null; `null` always null; `all`
   * always fills. The same rule decides whether an optional property of a non-strict schema is written.
   */
  nullable?: 'choices' | 'null' | 'all';
  /** Items of an array that is filled; default `max(minItems, 1)`. */
  items?: (ctx: FillContext) => number;
  /** A free string; default `<key>-<n>`, unique within one answer (so ids never clash). */
  text?: (ctx: FillContext, n: number) => string;
  /** Any value you want to decide yourself; `undefined` fills as usual. */
  override?: (ctx: FillContext) => unknown;
}

/**
 * An answer a model would give that follows the schema and nothing else — it never reads the
 * prompt: enums take the chosen value, free values the least the schema allows (see the options;
 * a number is its `minimum`, else 1; a boolean false). Deterministic for a schema and options.
 * Follows local `#/$defs/…` references.
 */
export function fillSchema(schema: JsonSchema, options: SchemaFillOptions = {}): unknown {
  let counter = 0;
  const choose = (values: readonly unknown[], ctx: FillContext): unknown => {
    const pick = options.choose ?? 'first';
    if (typeof pick === 'function') return pick(values, ctx);
    return pick === 'first' ? values[0] : values[values.length - 1];
  };
  const resolve = (node: JsonSchema): JsonSchema => {
    const ref = node['$ref'];
    if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) return node;
    const defs = (schema['$defs'] ?? {}) as Record<string, JsonSchema>;
    const target = defs[ref.slice('#/$defs/'.length)];
    if (target === undefined) throw new Error(`schemaFiller: unresolved reference ${ref}`);
    return resolve(target);
  };
  const wantsValue = (node: JsonSchema): boolean => {
    const policy = options.nullable ?? 'choices';
    return policy === 'all' || (policy === 'choices' && isClosed(resolve(node), resolve));
  };
  const fill = (raw: JsonSchema, path: ReadonlyArray<string | number>): unknown => {
    const node = resolve(raw);
    const ctx: FillContext = { path, schema: node };
    const own = options.override?.(ctx);
    if (own !== undefined) return own;
    if ('const' in node) return node['const'];
    if (Array.isArray(node['enum'])) {
      const values = node['enum'].filter((v) => v !== null);
      if (values.length === 0 || (node['enum'].includes(null) && !wantsValue({ ...node, enum: values }))) return null;
      return choose(values, ctx);
    }
    const union = (node['anyOf'] ?? node['oneOf']) as JsonSchema[] | undefined;
    if (Array.isArray(union)) {
      const real = union.filter((n) => resolve(n)['type'] !== 'null');
      const first = real[0];
      if (first === undefined || (real.length < union.length && !wantsValue(first))) return null;
      return fill(first, path);
    }
    const types = Array.isArray(node['type']) ? (node['type'] as string[]) : [node['type'] as string | undefined];
    const type = types.find((t) => t !== 'null');
    if (type === undefined) return null;
    if (types.includes('null') && !wantsValue({ ...node, type })) return null;
    switch (type) {
      case 'object': {
        const properties = (node['properties'] ?? {}) as Record<string, JsonSchema>;
        const required = new Set((node['required'] ?? []) as string[]);
        const out: Record<string, unknown> = {};
        for (const [key, prop] of Object.entries(properties)) {
          if (!required.has(key) && !wantsValue(prop)) continue;
          out[key] = fill(prop, [...path, key]);
        }
        return out;
      }
      case 'array': {
        const items = (node['items'] ?? {}) as JsonSchema;
        const count = options.items?.(ctx) ?? Math.max(Number(node['minItems'] ?? 0), 1);
        return Array.from({ length: count }, (_, i) => fill(items, [...path, i]));
      }
      case 'string': {
        counter++;
        const key = [...path].reverse().find((p): p is string => typeof p === 'string') ?? 'text';
        return options.text?.(ctx, counter) ?? `${key}-${counter}`;
      }
      case 'integer':
      case 'number': {
        if (typeof node['minimum'] === 'number') return node['minimum'];
        if (typeof node['exclusiveMinimum'] === 'number') return node['exclusiveMinimum'] + 1;
        return 1;
      }
      case 'boolean':
        return false;
      default:
        return null;
    }
  };
  return fill(schema, []);
}

/** A closed choice: an enum or const, an array of them, or a union of them. */
function isClosed(node: JsonSchema, resolve: (n: JsonSchema) => JsonSchema): boolean {
  if ('const' in node || Array.isArray(node['enum'])) return true;
  const union = (node['anyOf'] ?? node['oneOf']) as JsonSchema[] | undefined;
  if (Array.isArray(union)) {
    const real = union.map(resolve).filter((n) => n['type'] !== 'null');
    return real.length > 0 && real.every((n) => isClosed(n, resolve));
  }
  const type = Array.isArray(node['type']) ? (node['type'] as string[]).find((t) => t !== 'null') : node['type'];
  return (
    type === 'array' && typeof node['items'] === 'object' && isClosed(resolve(node['items'] as JsonSchema), resolve)
  );
}

/** The schema a request asks the answer to follow, and how: a response format, or a tool's parameters. */
export type RequestedSchema =
  | { kind: 'response_format'; schema: JsonSchema; strict: boolean }
  | { kind: 'tool'; name: string; schema: JsonSchema; strict: boolean };

/**
 * Finds the schema in an OpenAI (`response_format.json_schema`, `tools[].function.parameters`) or
 * Anthropic (`output_config.format`, `tools[].input_schema`) request body. A response format wins
 * over tools; among tools, `tool` picks one by name (default: the first).
 */
export function requestedSchema(body: unknown, tool?: string): RequestedSchema | undefined {
  const b = (body ?? {}) as Record<string, unknown>;
  const rf = b['response_format'] as { json_schema?: { schema?: JsonSchema; strict?: boolean } } | undefined;
  if (rf?.json_schema?.schema) {
    return { kind: 'response_format', schema: rf.json_schema.schema, strict: rf.json_schema.strict === true };
  }
  const format = (b['output_config'] as { format?: { schema?: JsonSchema } } | undefined)?.format;
  if (format?.schema) return { kind: 'response_format', schema: format.schema, strict: true };
  const tools = (Array.isArray(b['tools']) ? b['tools'] : []) as Array<Record<string, unknown>>;
  const specs = tools.map((t) => {
    const fn = t['function'] as Record<string, unknown> | undefined;
    return {
      name: String(fn?.['name'] ?? t['name']),
      schema: (fn?.['parameters'] ?? t['input_schema']) as JsonSchema,
      strict: (fn?.['strict'] ?? t['strict']) === true,
    };
  });
  const spec = tool === undefined ? specs[0] : specs.find((s) => s.name === tool);
  return spec && { kind: 'tool', ...spec };
}

/**
 * A `respond` function for the fake server: a model that answers every request by filling the
 * schema the request carries (as JSON text for a response format, as a call for a tool) and
 * never reads the prompt. A request without a schema gets an empty text answer.
 */
export function schemaFillingResponder(
  options: SchemaFillOptions & { tool?: string } = {},
): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const found = requestedSchema(request.body, options.tool);
    if (found === undefined) return textReply('');
    const value = fillSchema(found.schema, options);
    return found.kind === 'tool' ? toolCallReply(found.name, value) : jsonReply(value);
  };
}
