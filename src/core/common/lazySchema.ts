import * as z from 'zod';

/**
 * Schema types whose JSON-schema processor finds its own entry by the schema's identity (the real
 * schema, never the stand-in), so a stand-in for one would break `z.toJSONSchema`.
 */
const WRAPPER_TYPES: ReadonlySet<string> = new Set([
  'optional',
  'nullable',
  'nonoptional',
  'default',
  'prefault',
  'catch',
  'pipe',
  'readonly',
  'promise',
  'lazy',
]);

/**
 * A schema built on first use instead of when its module loads. Building zod schemas is most of
 * the time it takes to load the extension, and most schemas are not needed at activation. The
 * stand-in behaves as the schema: every property read, method call, `instanceof` and key listing
 * goes to the schema `build` returns, so validation is exactly the same. The schema itself must not
 * be a wrapper (`.optional()`, `.default()`, `.transform()`, `z.lazy`, …): the first use throws. Its metadata (`.describe()`)
 * is registered for the stand-in too, so JSON schemas made from it keep their descriptions.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let schema: T | undefined;
  const real = (): T => {
    if (schema === undefined) {
      const built = build();
      const type = (built as { _zod?: { def?: { type?: string } } })._zod?.def?.type;
      if (type !== undefined && WRAPPER_TYPES.has(type)) {
        throw new Error(
          `lazySchema cannot stand in for a "${type}" schema: zod's JSON schema output looks such schemas up by identity. Build it eagerly, or make only the schema inside it lazy.`,
        );
      }
      schema = built;
      const meta = z.globalRegistry.get(schema as unknown as z.ZodType);
      if (meta !== undefined) z.globalRegistry.add(standIn as unknown as z.ZodType, meta);
    }
    return schema;
  };
  const standIn: T = new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // The empty target has no such property, so a proxy may only report it as configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
  return standIn;
}
