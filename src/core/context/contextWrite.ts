import { ContextScopeSchema, type ContextScope, type JsonValue } from '../model/runEvents';
import { contextRecordKey } from '../model/runState';
import { toJsonValue } from './jsonCopy';

/** Where a write goes and how long it lives. */
export interface ContextWriteOptions {
  scope: ContextScope;
  /** Lifetime of a `temporary` entry; required for that scope and refused for the others. */
  ttlMs?: number;
}

/** One validated change, ready to apply: a value to store, or `undefined` to delete. */
export interface ContextWrite {
  key: string;
  scope: ContextScope;
  agentId: string;
  value: JsonValue | undefined;
  ttlMs?: number;
}

/** Longest key accepted; keys show up in the UI and the event log. */
export const MAX_KEY_LENGTH = 256;

/** The lookup order of `get`: an agent's own entry first, then short-lived, then shared ones. */
export const READ_ORDER: readonly ContextScope[] = ['private', 'temporary', 'shared'];

/** The storage slot of `key` in `scope` as seen by `agentId` (matches `RunState.context`). */
export function slotOf(scope: ContextScope, agentId: string, key: string): string {
  return contextRecordKey(scope, agentId, key);
}

/** Checks a key and the id of the agent using it, with an actionable message. */
export function checkKey(key: unknown, agentId: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new TypeError(
      `A context key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters, got ${JSON.stringify(key)}.`,
    );
  }
  checkAgent(agentId, `Context access to "${key}"`);
}

/** Checks an agent id; `what` says what needed it. */
export function checkAgent(agentId: unknown, what: string): asserts agentId is string {
  if (typeof agentId !== 'string' || agentId.length === 0) {
    throw new TypeError(`${what} needs the id of the agent making it, got ${JSON.stringify(agentId)}.`);
  }
}

/** Checks a scope name. */
export function checkScope(scope: unknown): ContextScope {
  const parsed = ContextScopeSchema.safeParse(scope);
  if (!parsed.success) {
    throw new TypeError(`Unknown context scope ${JSON.stringify(scope)}; use "shared", "private" or "temporary".`);
  }
  return parsed.data;
}

/** Validates a set (value copied as JSON) and returns it as a write. */
export function checkSet(key: string, value: unknown, agentId: string, options: ContextWriteOptions): ContextWrite {
  checkKey(key, agentId);
  const scope = checkScope(options?.scope);
  const ttlMs = options.ttlMs;
  if (scope === 'temporary') {
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
      throw new RangeError(
        `Temporary context entry "${key}" needs ttlMs, a finite number of milliseconds above 0; got ${String(ttlMs)}.`,
      );
    }
  } else if (ttlMs !== undefined) {
    throw new TypeError(
      `ttlMs only applies to the "temporary" scope; "${key}" is being written to "${scope}". Drop ttlMs or use scope "temporary".`,
    );
  }
  if (value === undefined) {
    throw new TypeError(
      `Context value "${key}" is undefined. To remove an entry call delete(); to store "no value" use null.`,
    );
  }
  const write: ContextWrite = { key, scope, agentId, value: toJsonValue(value, `context value "${key}"`) };
  if (ttlMs !== undefined) write.ttlMs = ttlMs;
  return write;
}

/** Validates a delete and returns it as a write. */
export function checkDelete(key: string, agentId: string, scope: ContextScope): ContextWrite {
  checkKey(key, agentId);
  return { key, scope: checkScope(scope), agentId, value: undefined };
}
