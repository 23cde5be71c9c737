import type { JsonValue } from '../model/runEvents';

/** Deepest nesting kept in log fields and span attributes; deeper parts become a marker. */
const MAX_DEPTH = 6;
/** Longest string kept; logs are for people, not for file contents. */
const MAX_STRING = 4_000;
/** Field names whose values never reach a log (API keys must stay in SecretStorage). */
const SECRET_NAME =
  /api[-_]?key|secret|password|passwd|authorization|bearer|access[-_]?token|refresh[-_]?token|cookie/i;
/** Values shaped like provider API keys, wherever they appear. */
const SECRET_VALUE = /\b(sk-(?:ant-)?[A-Za-z0-9_-]{16,}|(?:ghp|gho|github_pat)_[A-Za-z0-9_]{16,}|AKIA[0-9A-Z]{16})\b/g;

/**
 * Turns arbitrary log fields into JSON that always fits the event log: functions and undefined
 * are dropped, Errors become their message, non-finite numbers and bigints become strings,
 * cycles and deep nesting are cut, and anything that looks like a secret is redacted. Never throws.
 */
export function sanitizeFields(fields: Readonly<Record<string, unknown>>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(fields)) {
    const clean = sanitize(k, v, 0, new Set());
    if (clean !== undefined) out[k] = clean;
  }
  return out;
}

function sanitize(name: string, value: unknown, depth: number, seen: Set<object>): JsonValue | undefined {
  if (SECRET_NAME.test(name) && value !== undefined && value !== null && typeof value !== 'function')
    return '[redacted]';
  switch (typeof value) {
    case 'string':
      return redactSecrets(
        value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} chars)` : value,
      );
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
  }
  if (value === null) return null;
  if (value instanceof Error) return redactSecrets(value.message || value.name);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(obj);
  try {
    if (Array.isArray(obj) || obj instanceof Set) {
      const items: JsonValue[] = [];
      for (const item of obj as Iterable<unknown>) items.push(sanitize('', item, depth + 1, seen) ?? null);
      return items;
    }
    const entries: Iterable<[unknown, unknown]> = obj instanceof Map ? obj.entries() : Object.entries(obj);
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of entries) {
      const key = String(k);
      const clean = sanitize(key, v, depth + 1, seen);
      if (clean !== undefined) out[key] = clean;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/** Replaces anything shaped like an API key in `s`. */
export function redactSecrets(s: string): string {
  return s.replace(SECRET_VALUE, '[redacted]');
}
