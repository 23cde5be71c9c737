import type { Clock } from '../common/clock';
import type { ContextScope, JsonValue, RunEventBody } from '../model/runEvents';
import type { ContextRecord } from '../model/runState';
import { ContextConflictError } from './contextConflictError';
import { ContextTransaction, type SeenVersion, type TransactionHost } from './contextTransaction';
import {
  checkAgent,
  checkDelete,
  checkKey,
  checkScope,
  checkSet,
  READ_ORDER,
  slotOf,
  type ContextWrite,
  type ContextWriteOptions,
} from './contextWrite';
import { cloneJson, toJsonValue } from './jsonCopy';

interface Entry {
  key: string;
  scope: ContextScope;
  /** Owner of a private entry; last writer of a shared or temporary one. */
  agentId: string | undefined;
  value: JsonValue;
  expiresAt?: number;
}

/** The shared context as one agent sees it; what agents are handed instead of the whole store. */
export interface ContextView {
  readonly agentId: string;
  /** The agent's private entry for `key`, else the temporary one, else the shared one (a copy). */
  get(key: string): JsonValue | undefined;
  /** Writes `key`; the scope defaults to `shared`. */
  set(key: string, value: JsonValue, options?: ContextWriteOptions): void;
  /** Deletes `key` from one scope; returns whether it existed. */
  delete(key: string, options?: { scope: ContextScope }): boolean;
  /** Keys this agent can see. */
  keys(): string[];
  /** Starts an optimistic transaction for this agent. */
  transaction(): ContextTransaction;
}

/**
 * The shared memory of a run: `shared` entries every agent sees, `private` entries only their
 * writer sees, and `temporary` entries that everyone sees until their TTL passes. Values are JSON,
 * copied in and out so no agent can change another's data behind its back; every change is a
 * `context.changed` event, so a recovered run can rebuild the context.
 */
export class SharedContext {
  private readonly entries = new Map<string, Entry>();
  /** Version of every slot ever touched, kept after deletes so a transaction sees delete-then-recreate. */
  private readonly versions = new Map<string, number>();
  private counter = 0;
  private readonly host: TransactionHost = {
    peek: (slot) => {
      this.sweep(slot);
      return { value: this.entries.get(slot)?.value, version: this.versions.get(slot) ?? 0 };
    },
    apply: (agentId, writes, seen) => this.applyAll(agentId, writes, seen),
  };

  constructor(
    private readonly clock: Clock,
    private readonly emit: (body: RunEventBody) => void,
  ) {}

  /** What `agentId` reads for `key` (a copy): its private entry first, then temporary, then shared. */
  get(key: string, agentId: string): JsonValue | undefined {
    checkKey(key, agentId);
    for (const scope of READ_ORDER) {
      const slot = slotOf(scope, agentId, key);
      this.sweep(slot);
      const entry = this.entries.get(slot);
      if (entry) return cloneJson(entry.value);
    }
    return undefined;
  }

  /** Stores a copy of `value` under `key` in one scope, written by `agentId`. */
  set(key: string, value: JsonValue, options: ContextWriteOptions & { agentId: string }): void {
    const write = checkSet(key, value, options?.agentId, options);
    this.sweepAll();
    const event = this.applyOne(write);
    if (event) this.emit(event);
  }

  /** Deletes `key` from one scope (a private entry only of `agentId`); returns whether it existed. */
  delete(key: string, options: { scope: ContextScope; agentId: string }): boolean {
    const event = this.applyOne(checkDelete(key, options?.agentId, checkScope(options?.scope)));
    if (event) this.emit(event);
    return event !== undefined;
  }

  /** Every key `agentId` can see, sorted. */
  keys(agentId: string): string[] {
    this.sweepAll();
    const out = new Set<string>();
    for (const e of this.entries.values()) {
      if (e.scope !== 'private' || e.agentId === agentId) out.add(e.key);
    }
    return [...out].sort();
  }

  /** Every live entry, as recorded in a run's state (copies). */
  records(): ContextRecord[] {
    this.sweepAll();
    return [...this.entries.values()].map((e) => toRecord(e));
  }

  /** Replaces the contents with entries of a recovered run; emits nothing (they are already in its log). */
  restore(records: readonly ContextRecord[]): void {
    const restored = new Map<string, Entry>();
    const now = this.clock.now();
    for (const r of records) {
      const scope = checkScope(r?.scope);
      if (typeof r.key !== 'string' || r.key.length === 0)
        throw new TypeError(`A restored context entry has no key: ${JSON.stringify(r)}.`);
      if (scope === 'private') checkAgent(r.agentId, `Restored private context entry "${r.key}"`);
      if (r.expiresAt !== undefined && r.expiresAt <= now) continue;
      const entry: Entry = {
        key: r.key,
        scope,
        agentId: r.agentId,
        value: toJsonValue(r.value, `restored context value "${r.key}"`),
      };
      if (r.expiresAt !== undefined) entry.expiresAt = r.expiresAt;
      restored.set(slotOf(scope, r.agentId ?? '', r.key), entry);
    }
    for (const slot of new Set([...this.entries.keys(), ...restored.keys()])) this.versions.set(slot, ++this.counter);
    this.entries.clear();
    for (const [slot, entry] of restored) this.entries.set(slot, entry);
  }

  /** Starts an optimistic transaction for `agentId`. */
  transaction(agentId: string): ContextTransaction {
    checkAgent(agentId, 'A context transaction');
    return new ContextTransaction(this.host, agentId);
  }

  /** The context bound to one agent. */
  view(agentId: string): ContextView {
    checkAgent(agentId, 'A context view');
    return {
      agentId,
      get: (key) => this.get(key, agentId),
      set: (key, value, options = { scope: 'shared' }) => this.set(key, value, { ...options, agentId }),
      delete: (key, options = { scope: 'shared' }) => this.delete(key, { scope: options.scope, agentId }),
      keys: () => this.keys(agentId),
      transaction: () => this.transaction(agentId),
    };
  }

  private applyAll(agentId: string, writes: readonly ContextWrite[], seen: ReadonlyMap<string, SeenVersion>): void {
    const changed: string[] = [];
    for (const [slot, s] of seen) {
      this.sweep(slot);
      if ((this.versions.get(slot) ?? 0) !== s.version) changed.push(s.key);
    }
    if (changed.length > 0) throw new ContextConflictError(agentId, [...new Set(changed)]);
    const events: RunEventBody[] = [];
    for (const w of writes) {
      const event = this.applyOne(w);
      if (event) events.push(event);
    }
    for (const event of events) this.emit(event);
  }

  /** Applies one validated write and returns its event (none for deleting what is not there). */
  private applyOne(w: ContextWrite): RunEventBody | undefined {
    const slot = slotOf(w.scope, w.agentId, w.key);
    this.sweep(slot);
    if (w.value === undefined) {
      if (!this.entries.delete(slot)) return undefined;
      this.versions.set(slot, ++this.counter);
      return { type: 'context.changed', key: w.key, scope: w.scope, agentId: w.agentId, deleted: true };
    }
    const entry: Entry = { key: w.key, scope: w.scope, agentId: w.agentId, value: w.value };
    if (w.ttlMs !== undefined) entry.expiresAt = this.clock.now() + w.ttlMs;
    this.entries.set(slot, entry);
    this.versions.set(slot, ++this.counter);
    return { type: 'context.changed', ...toRecord(entry) };
  }

  /** Drops `slot` if its TTL has passed; expiry counts as a change for transactions. */
  private sweep(slot: string): void {
    const e = this.entries.get(slot);
    if (e?.expiresAt !== undefined && e.expiresAt <= this.clock.now()) {
      this.entries.delete(slot);
      this.versions.set(slot, ++this.counter);
    }
  }

  private sweepAll(): void {
    for (const slot of [...this.entries.keys()]) this.sweep(slot);
  }
}

function toRecord(e: Entry): ContextRecord {
  const r: ContextRecord = { key: e.key, scope: e.scope, value: cloneJson(e.value) };
  if (e.agentId !== undefined) r.agentId = e.agentId;
  if (e.expiresAt !== undefined) r.expiresAt = e.expiresAt;
  return r;
}
