import type { JsonValue } from '../model/runEvents';

/** Largest serialised value accepted by default; every value lands in the run's event log. */
export const MAX_JSON_CHARS = 1_000_000;
/** Deepest nesting accepted: deeper values are no data a task needs, and would exhaust the stack of every reader. */
export const MAX_JSON_DEPTH = 64;

/**
 * Deep-copies `value` as JSON, refusing anything that would not survive the event log:
 * undefined, functions, symbols, bigints, NaN/Infinity, class instances (Date, Map, ...) and
 * cycles. `what` names the value in the error, e.g. `context value "plan"`.
 */
export function toJsonValue(value: unknown, what: string, maxChars: number = MAX_JSON_CHARS): JsonValue {
  const copy = copyValue(value, what, '$', new Set(), 0);
  const size = JSON.stringify(copy).length;
  if (size > maxChars) {
    throw new RangeError(
      `The ${what} is ${size} characters of JSON; the limit is ${maxChars}. Store a summary or a file path instead.`,
    );
  }
  return copy;
}

/** Deep copy of a value already known to be JSON. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

function copyValue(value: unknown, what: string, path: string, seen: Set<object>, depth: number): JsonValue {
  const fail = (found: string, hint = ''): never => {
    throw new TypeError(
      `The ${what} is not JSON: ${path} is ${found}. Use only strings, finite numbers, booleans, null, arrays and plain objects${hint}.`,
    );
  };
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : fail(String(value));
    case 'undefined':
      return fail('undefined', ' (use null for "no value")');
    case 'function':
      return fail('a function');
    case 'symbol':
      return fail('a symbol');
    case 'bigint':
      return fail('a bigint', ' (convert it to a string)');
    case 'object':
      break;
  }
  if (value === null) return null;
  if (depth >= MAX_JSON_DEPTH)
    throw new RangeError(
      `The ${what} is nested more than ${MAX_JSON_DEPTH} levels deep; flatten it, or store a summary or a file path instead.`,
    );
  const obj = value as object;
  if (seen.has(obj)) return fail('a circular reference');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      return obj.map((item: unknown, i) => copyValue(item, what, `${path}[${i}]`, seen, depth + 1));
    }
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const name = (obj.constructor as { name?: string } | undefined)?.name ?? 'object';
      return fail(`a ${name}`, obj instanceof Date ? ' (store date.toISOString())' : '');
    }
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(obj)) {
      out[k] = copyValue(v, what, `${path}.${k}`, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}
