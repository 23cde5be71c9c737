import { randomBytes } from 'node:crypto';

/** A sortable, collision-resistant id: time prefix (base36) plus random suffix. */
export function newId(prefix: string, now: number = Date.now()): string {
  return `${prefix}-${now.toString(36)}-${randomBytes(5).toString('hex')}`;
}
