import type { RunEvent } from '../model/runEvents';
import type { RunState, TaskState } from '../model/runState';
import { ALL_TASKS, tasksTouchedBy } from './knownEventTypes';
import { checksumOf, writeChecksumHex } from './recordChecksum';

/** Bumped when the envelope or the state changes incompatibly; 2 added the checksum header. */
export const SNAPSHOT_FORMAT_VERSION = 2;

/**
 * How every snapshot of format 2 begins: a fixed-length header whose checksum covers every byte
 * after it, so a reader can tell an intact snapshot from a damaged one before trusting it.
 */
export const SNAPSHOT_HEADER_START = `{"formatVersion":${SNAPSHOT_FORMAT_VERSION},"crc":"`;
/** Bytes of the header: its start, 8 hex digits, then `",`. */
export const SNAPSHOT_HEADER_BYTES = SNAPSHOT_HEADER_START.length + 8 + 2;

/** A task's JSON, `"id":{…}`, kept while the task object it was made from has not changed. */
interface CachedTask {
  task: TaskState;
  text: string;
}

/**
 * The JSON of each plan already serialised. A plan is never changed in place (adding a task makes a
 * new plan object), so every snapshot of a run reuses the text of its, often largest, part.
 */
const planTexts = new WeakMap<object, string>();

/**
 * Serialises snapshots of one run incrementally: the text of each task is kept and reused until an
 * event that may change it is noted (`noteEvent`, which the writer calls for every event it records),
 * so a periodic snapshot costs the tasks that changed since the last one plus the run-wide fields,
 * not the whole state. The file written is always complete; only the work to make it is incremental.
 */
export class SnapshotSerializer {
  private readonly tasks = new Map<string, CachedTask>();

  /** Forgets the text of every task `event` may have changed. */
  noteEvent(event: RunEvent): void {
    const touched = tasksTouchedBy(event);
    if (touched === ALL_TASKS) this.tasks.clear();
    else if (touched !== undefined) this.tasks.delete(touched);
  }

  /** The snapshot file's bytes for `state` now: header with checksum, then the envelope and the state. */
  serialize(state: RunState, logOffset?: number, savedAt: number = Date.now()): Buffer {
    const { plan, tasks, ...rest } = state;
    // `"savedAt":…,"logOffset":…,"state":{…rest}}` once the opening brace and the final `}}` are cut.
    const head = JSON.stringify({ savedAt, ...(logOffset !== undefined ? { logOffset } : {}), state: rest });
    const parts = [head.slice(1, -2), ',"tasks":{'];
    let first = true;
    for (const id of Object.keys(tasks)) {
      const task = tasks[id]!;
      let cached = this.tasks.get(id);
      if (cached?.task !== task) {
        cached = { task, text: `${JSON.stringify(id)}:${JSON.stringify(task)}` };
        this.tasks.set(id, cached);
      }
      parts.push(first ? cached.text : `,${cached.text}`);
      first = false;
    }
    parts.push('}');
    if (plan !== undefined) parts.push(',"plan":', planTextOf(plan));
    parts.push('}}');
    const body = parts.join('');
    const bytes = Buffer.allocUnsafe(SNAPSHOT_HEADER_BYTES + Buffer.byteLength(body, 'utf8'));
    let at = bytes.write(SNAPSHOT_HEADER_START, 0, 'latin1');
    at = writeChecksumHex(bytes, at, 0);
    bytes.write('",', at, 'latin1');
    bytes.write(body, SNAPSHOT_HEADER_BYTES, 'utf8');
    writeChecksumHex(bytes, SNAPSHOT_HEADER_START.length, checksumOf(bytes, SNAPSHOT_HEADER_BYTES, bytes.length));
    return bytes;
  }
}

function planTextOf(plan: object): string {
  let text = planTexts.get(plan);
  if (text === undefined) {
    text = JSON.stringify(plan);
    planTexts.set(plan, text);
  }
  return text;
}
