/** A JSON schema object, as `z.toJSONSchema` writes it. */
export type JsonSchemaObject = Record<string, unknown>;

/**
 * The keywords kept for strict structured output (OpenAI `strict: true`, Anthropic strict tools).
 * Everything else — lengths, patterns, formats, ranges, defaults, `$schema` — is dropped: one
 * provider or the other refuses each of them, and the validation after the answer checks them anyway.
 */
const KEPT = new Set(['type', 'enum', 'const', 'description', '$ref']);

/**
 * Rewrites a JSON schema to the rules of strict mode: every object closed
 * (`additionalProperties: false`) with every property required, a property that was optional
 * made nullable instead (`type: [..., "null"]`, or `anyOf` with `{type: "null"}` for enums and
 * unions), `oneOf` as `anyOf`, and only the keywords both providers accept. Map an answer back
 * with `dropOptionalNulls` and the original schema. Throws a `TypeError` naming the place for
 * what strict mode cannot express: a node without a type, a map with free keys, tuple items.
 */
export function toStrictJsonSchema(schema: JsonSchemaObject): JsonSchemaObject {
  return strictNode(schema, '#');
}

function strictNode(node: unknown, where: string): JsonSchemaObject {
  if (!isObject(node)) throw new TypeError(`${where}: strict structured output needs a schema object here.`);
  const out: JsonSchemaObject = {};
  for (const key of KEPT) if (node[key] !== undefined) out[key] = node[key];
  const union = node['anyOf'] ?? node['oneOf'];
  if (Array.isArray(union)) out['anyOf'] = union.map((n, i) => strictNode(n, `${where}/anyOf/${i}`));
  if (isObject(node['$defs'])) {
    out['$defs'] = Object.fromEntries(
      Object.entries(node['$defs']).map(([name, def]) => [name, strictNode(def, `${where}/$defs/${name}`)]),
    );
  }
  const isObjectType = node['type'] === 'object' || node['properties'] !== undefined;
  if (isObjectType) {
    const properties = isObject(node['properties']) ? node['properties'] : {};
    if (Object.keys(properties).length === 0 && node['additionalProperties'] !== false) {
      throw new TypeError(`${where}: an object with free keys cannot be expressed in strict structured output.`);
    }
    const required = new Set(Array.isArray(node['required']) ? (node['required'] as unknown[]) : []);
    out['type'] = 'object';
    out['properties'] = Object.fromEntries(
      Object.entries(properties).map(([name, prop]) => {
        const strict = strictNode(prop, `${where}/properties/${name}`);
        return [name, required.has(name) ? strict : nullable(strict)];
      }),
    );
    out['required'] = Object.keys(properties);
    out['additionalProperties'] = false;
  }
  if (node['items'] !== undefined) {
    if (Array.isArray(node['items']) || node['prefixItems'] !== undefined)
      throw new TypeError(`${where}: tuples cannot be expressed in strict structured output.`);
    out['items'] = strictNode(node['items'], `${where}/items`);
  }
  if (out['type'] === undefined && out['enum'] === undefined && out['const'] === undefined) {
    if (out['anyOf'] === undefined && out['$ref'] === undefined)
      throw new TypeError(
        `${where}: strict structured output needs a type here (a value of any type cannot be expressed).`,
      );
  }
  return out;
}

/** The same schema, also accepting `null`. */
function nullable(node: JsonSchemaObject): JsonSchemaObject {
  const type = node['type'];
  const closed = node['enum'] !== undefined || node['const'] !== undefined;
  if (typeof type === 'string' && !closed) return { ...node, type: [type, 'null'] };
  if (Array.isArray(type) && !closed) return type.includes('null') ? node : { ...node, type: [...type, 'null'] };
  if (Array.isArray(node['anyOf'])) {
    const anyOf = node['anyOf'] as JsonSchemaObject[];
    return anyOf.some((n) => n['type'] === 'null') ? node : { ...node, anyOf: [...anyOf, { type: 'null' }] };
  }
  const { description, ...rest } = node;
  return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
}

/**
 * Maps an answer given under `toStrictJsonSchema(original)` back to `original`: a `null` where
 * `original` had an optional property is removed, so defaults apply again. Walks properties,
 * items and local `#/$defs/…` references; everything else is returned as it is (not copied).
 */
export function dropOptionalNulls(value: unknown, original: JsonSchemaObject): unknown {
  return drop(value, original, original, 0);
}

function drop(value: unknown, node: JsonSchemaObject, root: JsonSchemaObject, depth: number): unknown {
  if (depth > 64) return value;
  const ref = node['$ref'];
  if (typeof ref === 'string' && ref.startsWith('#/$defs/') && isObject(root['$defs'])) {
    const target = root['$defs'][ref.slice('#/$defs/'.length)];
    return isObject(target) ? drop(value, target, root, depth + 1) : value;
  }
  if (Array.isArray(value)) {
    const items = node['items'];
    return isObject(items) ? value.map((v) => drop(v, items, root, depth + 1)) : value;
  }
  if (!isObject(value) || !isObject(node['properties'])) return value;
  const properties = node['properties'];
  const required = new Set(Array.isArray(node['required']) ? (node['required'] as unknown[]) : []);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const prop = properties[key];
    if (v === null && prop !== undefined && !required.has(key)) continue;
    out[key] = isObject(prop) ? drop(v, prop, root, depth + 1) : v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
