/** Objects frozen all the way down by `deepFreeze`: nothing in them can change, so what is derived from them may be kept. */
const deeplyFrozen = new WeakSet<object>();

/**
 * Freezes `value` and everything it holds (plain objects and arrays, such as a JSON schema) and
 * marks each object as deeply frozen, so `isDeeplyFrozen` lets readers keep what they derive from it.
 */
export function deepFreeze<T>(value: T): T {
  freezeAll(value, new Set());
  return value;
}

/** True for an object `deepFreeze` froze, itself and everything under it. */
export function isDeeplyFrozen(value: object): boolean {
  return deeplyFrozen.has(value);
}

function freezeAll(value: unknown, open: Set<object>): void {
  if (value === null || typeof value !== 'object' || deeplyFrozen.has(value) || open.has(value)) return;
  open.add(value);
  Object.freeze(value);
  for (const child of Object.values(value)) freezeAll(child, open);
  open.delete(value);
  deeplyFrozen.add(value);
}
