/**
 * JSON with object keys sorted at every depth and `undefined` properties dropped, so two equal
 * values always give the same string (and the same hash), whatever order their keys were built in.
 * Throws a `TypeError` on what JSON cannot represent (functions, bigints, non-finite numbers, cycles).
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set(), '$');
}

function write(value: unknown, seen: Set<object>, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot represent.`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object')
    throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot represent.`);
  if (seen.has(value)) throw new TypeError(`canonicalJson: ${path} is a circular reference.`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((v, i) => (v === undefined ? 'null' : write(v, seen, `${path}[${i}]`))).join(',')}]`;
    }
    const rec = value as Record<string, unknown>;
    const parts = Object.keys(rec)
      .filter((k) => rec[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${write(rec[k], seen, `${path}.${k}`)}`);
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
