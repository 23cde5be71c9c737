import type { JsonValue } from '../model/runEvents';
import {
  checkDelete,
  checkKey,
  checkScope,
  checkSet,
  READ_ORDER,
  slotOf,
  type ContextWrite,
  type ContextWriteOptions,
} from './contextWrite';
import { cloneJson } from './jsonCopy';

/** The version a transaction saw in one slot the first time it touched it. */
export interface SeenVersion {
  key: string;
  version: number;
}

/** What a transaction needs from its context; narrow, so a transaction cannot bypass validation. */
export interface TransactionHost {
  /** The live value of one slot (expired entries read as absent) and the slot's version. */
  peek(slot: string): { value: JsonValue | undefined; version: number };
  /** Applies `writes` all together if every slot in `seen` still has its version; else throws `ContextConflictError` and applies nothing. */
  apply(agentId: string, writes: readonly ContextWrite[], seen: ReadonlyMap<string, SeenVersion>): void;
}

type TxnState = 'open' | 'committed' | 'rolled back' | 'failed';

/**
 * An optimistic transaction over the shared context: reads see its own writes, nothing is
 * visible to others until `commit`, which applies everything or nothing and fails if any entry
 * it read or wrote was changed by someone else meanwhile.
 */
export class ContextTransaction {
  private readonly seen = new Map<string, SeenVersion>();
  private readonly writes = new Map<string, ContextWrite>();
  private state: TxnState = 'open';

  constructor(
    private readonly host: TransactionHost,
    /** The agent the transaction acts for. */
    readonly agentId: string,
  ) {}

  /** The value of `key` as this transaction sees it (a copy), or undefined. */
  get(key: string): JsonValue | undefined {
    this.ensureOpen('get');
    checkKey(key, this.agentId);
    for (const scope of READ_ORDER) {
      const slot = slotOf(scope, this.agentId, key);
      const mine = this.writes.get(slot);
      if (mine) {
        if (mine.value !== undefined) return cloneJson(mine.value);
        continue;
      }
      const value = this.touch(slot, key);
      if (value !== undefined) return cloneJson(value);
    }
    return undefined;
  }

  /** Stages a write, applied on commit. */
  set(key: string, value: JsonValue, options: ContextWriteOptions = { scope: 'shared' }): void {
    this.ensureOpen('set');
    const write = checkSet(key, value, this.agentId, options);
    this.stage(write);
  }

  /** Stages a delete, applied on commit. */
  delete(key: string, options: { scope: ContextWriteOptions['scope'] } = { scope: 'shared' }): void {
    this.ensureOpen('delete');
    this.stage(checkDelete(key, this.agentId, checkScope(options?.scope)));
  }

  /** Applies every staged write at once; throws `ContextConflictError` (applying nothing) on a conflict. */
  commit(): void {
    this.ensureOpen('commit');
    this.state = 'failed';
    this.host.apply(this.agentId, [...this.writes.values()], this.seen);
    this.state = 'committed';
  }

  /** Discards every staged write. */
  rollback(): void {
    this.ensureOpen('roll back');
    this.state = 'rolled back';
    this.writes.clear();
  }

  private stage(write: ContextWrite): void {
    const slot = slotOf(write.scope, this.agentId, write.key);
    this.touch(slot, write.key);
    this.writes.set(slot, write);
  }

  /** Remembers the version of `slot` the first time it is touched, and returns its committed value. */
  private touch(slot: string, key: string): JsonValue | undefined {
    const { value, version } = this.host.peek(slot);
    if (!this.seen.has(slot)) this.seen.set(slot, { key, version });
    return value;
  }

  private ensureOpen(action: string): void {
    if (this.state !== 'open') {
      throw new Error(
        `Cannot ${action} in a context transaction of agent "${this.agentId}" that was already ${this.state}. Start a new transaction.`,
      );
    }
  }
}
