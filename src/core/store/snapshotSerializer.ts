import type { RunEvent } from '../model/runEvents';
import type { RunState, TaskState } from '../model/runState';
import { ALL_TASKS, tasksTouchedBy } from './knownEventTypes';
import { checksumOf, writeChecksumHex } from './recordChecksum';

/**
 * Bumped when the envelope or the state changes incompatibly; 2 added the checksum header, 3 the
 * `planRecord` that may stand for the state's plan (a version that reads only 2 must not take such
 * a snapshot for a run without a plan: it refuses it and folds the log instead).
 */
export const SNAPSHOT_FORMAT_VERSION = 3;

/**
 * Where the `plan.ready` record whose plan a snapshot leaves out sits in the event log: its byte
 * offset and length, newline included.
 */
export interface PlanRecordRef {
  offset: number;
  bytes: number;
}

/**
 * A plan record at least this long is referred to instead of copied. A smaller plan costs little to
 * copy, and keeping it in the snapshot lets the snapshot alone give back a run whose log was lost.
 */
export const PLAN_RECORD_MIN_BYTES = 64 * 1024;

/** A plan and the log record that holds it, as the writer knows it. */
export interface PlanRecord extends PlanRecordRef {
  /** The plan object the record was written from (the state holds this very object until the plan changes). */
  plan: object;
}

/**
 * How every snapshot of format 2 begins: a fixed-length header whose checksum covers every byte
 * after it, so a reader can tell an intact snapshot from a damaged one before trusting it.
 */
export const SNAPSHOT_HEADER_START = `{"formatVersion":${SNAPSHOT_FORMAT_VERSION},"crc":"`;
/** Bytes of the header: its start, 8 hex digits, then `",`. */
export const SNAPSHOT_HEADER_BYTES = SNAPSHOT_HEADER_START.length + 8 + 2;

/** A task's JSON as UTF-8, `"id":{…}`, kept while the task object it was made from has not changed. */
interface CachedTask {
  task: TaskState;
  bytes: Buffer;
}

const COMMA = Buffer.from(',', 'latin1');
const OPEN_BRACE = Buffer.from('{', 'latin1');
const CLOSE_BRACE = Buffer.from('}', 'latin1');
/** Closes the state and the envelope. */
const CLOSE_WITHOUT_PLAN = Buffer.from('}}', 'latin1');
/** Opens the plan, the state's last field. */
const PLAN_FIELD = Buffer.from(',"plan":', 'latin1');
/** Closes the state and the envelope after the plan. */
const CLOSE_AFTER_PLAN = Buffer.from('}}', 'latin1');
/** Closes the state and opens the envelope's reference to the plan's log record. */
const PLAN_RECORD_FIELD = Buffer.from('},"planRecord":', 'latin1');

/**
 * The JSON (UTF-8) of each plan already serialised. A plan is never changed in place (adding a task
 * makes a new plan object), so every snapshot of a run reuses the bytes of its, often largest, part.
 */
const planBytes = new WeakMap<object, Buffer>();

/**
 * Serialises snapshots of one run incrementally: the JSON of each task is kept and reused until an
 * event that may change it is noted (`noteEvent`, which the writer calls for every event it records),
 * so a periodic snapshot costs the tasks that changed since the last one plus the run-wide fields,
 * not the whole state. When more than a quarter of the tasks changed (many short tasks),
 * all tasks are serialised in one pass instead, which is cheaper than task by task. The file written
 * is always complete; only the work to make it is incremental.
 */
export class SnapshotSerializer {
  private readonly tasks = new Map<string, CachedTask>();
  /** Tasks an event named since the last snapshot; how many decides between one pass and task by task. */
  private readonly changed = new Set<string>();

  /** Forgets the JSON of every task `event` may have changed. */
  noteEvent(event: RunEvent): void {
    const touched = tasksTouchedBy(event);
    if (touched === ALL_TASKS) this.tasks.clear();
    else if (touched !== undefined) this.changed.add(touched);
  }

  /**
   * The snapshot file's bytes for `state` now: header with checksum, then the envelope and the
   * state. While the state's plan is still the one `planRecord` was written from and that record
   * is large (`PLAN_RECORD_MIN_BYTES`), the snapshot refers to it instead of holding the plan (then
   * often the largest part of the state, and already durable in the log).
   */
  serialize(state: RunState, logOffset?: number, savedAt: number = Date.now(), planRecord?: PlanRecord): Buffer {
    const { plan, tasks, ...rest } = state;
    // `"savedAt":…,"logOffset":…,"state":{…rest}}` once the opening brace and the final `}}` are cut.
    const head = JSON.stringify({ savedAt, ...(logOffset !== undefined ? { logOffset } : {}), state: rest });
    const parts: Buffer[] = [Buffer.from(`${SNAPSHOT_HEADER_START}00000000",${head.slice(1, -2)},"tasks":`, 'utf8')];
    const ids = Object.keys(tasks);
    if (this.changed.size * 4 > ids.length) {
      // Many tasks changed: one pass over all of them costs less than one per task, and keeps none.
      // Tasks are kept (task by task, once) only from a snapshot where few changed: a run whose tasks
      // each record many events, where the kept JSON then pays off at every later snapshot.
      this.tasks.clear();
      parts.push(Buffer.from(JSON.stringify(tasks), 'utf8'));
    } else {
      for (const id of this.changed) this.tasks.delete(id);
      parts.push(OPEN_BRACE);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        const task = tasks[id]!;
        let cached = this.tasks.get(id);
        if (cached?.task !== task) {
          cached = { task, bytes: Buffer.from(`${JSON.stringify(id)}:${JSON.stringify(task)}`, 'utf8') };
          this.tasks.set(id, cached);
        }
        if (i > 0) parts.push(COMMA);
        parts.push(cached.bytes);
      }
      parts.push(CLOSE_BRACE);
    }
    this.changed.clear();
    if (plan === undefined) parts.push(CLOSE_WITHOUT_PLAN);
    else if (planRecord?.plan === plan && planRecord.bytes >= PLAN_RECORD_MIN_BYTES)
      parts.push(
        PLAN_RECORD_FIELD,
        Buffer.from(`{"offset":${planRecord.offset},"bytes":${planRecord.bytes}}}`, 'latin1'),
      );
    else parts.push(PLAN_FIELD, planBytesOf(plan), CLOSE_AFTER_PLAN);
    // One copy of every part; the checksum then covers everything after the fixed-length header.
    const bytes = Buffer.concat(parts);
    writeChecksumHex(bytes, SNAPSHOT_HEADER_START.length, checksumOf(bytes, SNAPSHOT_HEADER_BYTES, bytes.length));
    return bytes;
  }
}

function planBytesOf(plan: object): Buffer {
  let bytes = planBytes.get(plan);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(plan), 'utf8');
    planBytes.set(plan, bytes);
  }
  return bytes;
}
