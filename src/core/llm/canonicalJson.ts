import { isDeeplyFrozen } from '../common/deepFreeze';

/**
 * The canonical JSON of deeply frozen objects (tool specs, sent on every turn of every task), made once:
 * such an object cannot change, so neither can its text.
 */
const frozenTexts = new WeakMap<object, string>();

/**
 * JSON with object keys sorted at every depth and `undefined` properties dropped, so two equal
 * values always give the same string (and the same hash), whatever order their keys were built in.
 * Throws a `TypeError` on what JSON cannot represent (functions, bigints, non-finite numbers, cycles).
 */
export function canonicalJson(value: unknown): string {
  const writer = new CanonicalWriter();
  try {
    writer.write(value);
  } catch (err) {
    if (err instanceof NotJson)
      throw new TypeError(`canonicalJson: ${err.pathOf(writer.keys)} ${err.what}.`, { cause: err });
    throw err;
  }
  return writer.parts.join('');
}

/** Thrown inside the walk; the path is spelled out only then (the response cache hashes every request). */
class NotJson {
  constructor(readonly what: string) {}

  pathOf(keys: readonly (string | number)[]): string {
    return keys.reduce<string>((path, k) => (typeof k === 'number' ? `${path}[${k}]` : `${path}.${k}`), '$');
  }
}

class CanonicalWriter {
  readonly parts: string[] = [];
  /** The keys from the root to the value being written. */
  readonly keys: (string | number)[] = [];
  private readonly open = new Set<object>();
  /** Inside a deeply frozen object whose text is being made. */
  private inFrozen = false;

  write(value: unknown): void {
    if (value === null || typeof value === 'boolean' || typeof value === 'string') {
      this.parts.push(JSON.stringify(value));
      return;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new NotJson(`is ${value}, which JSON cannot represent`);
      this.parts.push(JSON.stringify(value));
      return;
    }
    if (typeof value !== 'object') throw new NotJson(`is a ${typeof value}, which JSON cannot represent`);
    if (this.open.has(value)) throw new NotJson('is a circular reference');
    // Only the outermost frozen object is kept: what it holds is part of its text.
    if (!this.inFrozen && isDeeplyFrozen(value)) {
      let text = frozenTexts.get(value);
      if (text === undefined) {
        const start = this.parts.length;
        this.inFrozen = true;
        try {
          this.writeObject(value);
        } finally {
          this.inFrozen = false;
        }
        text = this.parts.splice(start).join('');
        frozenTexts.set(value, text);
      }
      this.parts.push(text);
      return;
    }
    this.writeObject(value);
  }

  private writeObject(value: object): void {
    this.open.add(value);
    if (Array.isArray(value)) {
      this.parts.push('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.parts.push(',');
        const item: unknown = value[i];
        if (item === undefined) this.parts.push('null');
        else {
          this.keys.push(i);
          this.write(item);
          this.keys.pop();
        }
      }
      this.parts.push(']');
    } else {
      const rec = value as Record<string, unknown>;
      this.parts.push('{');
      let first = true;
      for (const k of Object.keys(rec).sort()) {
        const v = rec[k];
        if (v === undefined) continue;
        this.parts.push(`${first ? '' : ','}${JSON.stringify(k)}:`);
        first = false;
        this.keys.push(k);
        this.write(v);
        this.keys.pop();
      }
      this.parts.push('}');
    }
    this.open.delete(value);
  }
}
