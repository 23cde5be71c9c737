import { errorMessage } from '../common/errors';
import type { RunEvent } from '../model/runEvents';
import type { RunEventSink } from '../model/runEventSink';
import type { RunState } from '../model/runState';
import { writeFileAtomic } from './atomicFile';
import type { EventLogWriter } from './eventLogWriter';
import type { RunLock } from './runLock';
import { SnapshotSerializer } from './snapshotSerializer';
import type { PlanRecord } from './snapshotSerializer';

/** The parts a `RunWriter` is made of; `RunStore` assembles them. */
export interface RunWriterParts {
  log: EventLogWriter;
  lock: RunLock;
  /**
   * The run's state: the recovered (or empty) state, which the run session folds every event into
   * before appending it. The writer only reads it, for snapshots.
   */
  state: RunState;
  snapshotPath: string;
  /** Events between snapshots, at least. */
  snapshotEvery: number;
  /**
   * A periodic snapshot also waits until the log has grown, since the last snapshot, by this many
   * times that snapshot's size; 0 snapshots strictly every `snapshotEvery` events.
   */
  snapshotGrowth: number;
  /**
   * With a `snapshotGrowth` above 0, a periodic snapshot also waits until the log has grown by this
   * many bytes since the last one (the first one included): folding a log tail this long on
   * recovery costs less than rewriting the state as often.
   */
  snapshotAfterLogBytes: number;
  /** The log record of the recovered state's plan, when recovery knows it. */
  planRecord?: PlanRecord;
}

/**
 * Writes one run: every event goes to the log, and a snapshot of the run's state (the one object
 * its session folds, never a copy) is written on close and periodically, always after the events it
 * holds are durable. A periodic snapshot comes after `snapshotEvery` events and once the log has
 * grown by `snapshotGrowth` times the last snapshot's size and by `snapshotAfterLogBytes`, so
 * rewriting a large state never costs more than appending the log, a short run is snapshotted once
 * (on close), and recovery reads at most a snapshot plus a log tail of about the larger of those
 * sizes. The caller folds each event into that state, then appends it.
 */
export class RunWriter implements RunEventSink {
  private readonly log: EventLogWriter;
  private readonly lock: RunLock;
  private readonly runState: RunState;
  /** The last `seq` handed to the log; the state may only be snapshotted while it stands exactly there. */
  private recordedSeq: number;
  private readonly snapshotPath: string;
  private readonly snapshotEvery: number;
  private readonly snapshotGrowth: number;
  private readonly snapshotAfterLogBytes: number;
  /** Where the log ended, and how large the snapshot was, when the last snapshot was taken. */
  private lastSnapshot = { logOffset: 0, size: 0 };
  private sinceSnapshot = 0;
  private written = 0;
  private snapshotQueued = false;
  private snapshotChain: Promise<void> = Promise.resolve();
  private snapshotError: unknown;
  private closing: Promise<void> | undefined;
  private duplicates = 0;
  /** Keeps each task's JSON between snapshots until an event may change the task. */
  private readonly serializer = new SnapshotSerializer();
  /** The latest `plan.ready` in the log: snapshots refer to it while the state's plan is that one. */
  private planRecord: PlanRecord | undefined;

  constructor(parts: RunWriterParts) {
    this.log = parts.log;
    this.lock = parts.lock;
    this.runState = parts.state;
    this.recordedSeq = parts.state.lastSeq;
    this.snapshotPath = parts.snapshotPath;
    this.snapshotEvery = Math.max(1, Math.floor(parts.snapshotEvery));
    this.snapshotGrowth = Math.max(0, parts.snapshotGrowth);
    this.snapshotAfterLogBytes = Math.max(0, parts.snapshotAfterLogBytes);
    this.planRecord = parts.planRecord;
  }

  /** The run this writer owns. */
  get runId(): string {
    return this.runState.runId;
  }

  /** The run's state this writer snapshots (the caller's object); read it, never mutate it. */
  get state(): Readonly<RunState> {
    return this.runState;
  }

  /** The `seq` the next event must carry. */
  get nextSeq(): number {
    return this.recordedSeq + 1;
  }

  /** Events ignored because their `seq` was already recorded (a replay after a restart). */
  get duplicatesIgnored(): number {
    return this.duplicates;
  }

  /**
   * Records one event, already folded into the state. An event whose `seq` is already recorded is
   * ignored, so replaying after a restart never duplicates a line; a `seq` that would leave a gap,
   * another run's event, or an event the state was not folded up to, throws.
   */
  append(event: RunEvent): void {
    if (this.closing) throw new Error(`Run "${this.runId}" is closed; open it again to append events.`);
    // First, whatever happens next: the caller has already folded the event into the state.
    this.serializer.noteEvent(event);
    if (event.runId !== this.runId) {
      throw new Error(
        `Event "${event.type}" (seq ${event.seq}) belongs to run "${event.runId}", not to run "${this.runId}".`,
      );
    }
    if (event.seq <= this.recordedSeq) {
      this.duplicates++;
      return;
    }
    if (event.seq !== this.recordedSeq + 1) {
      throw new Error(
        `Event "${event.type}" has seq ${event.seq}, but run "${this.runId}" expects seq ${this.recordedSeq + 1}; ` +
          'events must be appended in order without gaps.',
      );
    }
    if (this.runState.lastSeq !== event.seq) {
      throw new Error(
        `Event "${event.type}" (seq ${event.seq}) of run "${this.runId}" was appended while the run state stands at seq ${this.runState.lastSeq}; ` +
          'fold each event into the state, then append it.',
      );
    }
    // If the log refuses (it failed earlier), recordedSeq stays behind and no snapshot is taken any more.
    const offset = this.log.appendedBytes;
    this.log.append(event);
    this.recordedSeq = event.seq;
    if (event.type === 'plan.ready')
      this.planRecord = { offset, bytes: this.log.appendedBytes - offset, plan: event.plan };
    if (++this.sinceSnapshot >= this.snapshotEvery) this.considerSnapshot();
  }

  /**
   * Resolves once every event appended so far is durable; rejects if the log failed. A periodic
   * snapshot that could not be written does not fail a flush (the log is intact, recovery only
   * takes longer): `takeSnapshotError()` hands it out once so the caller can warn.
   */
  async flush(): Promise<void> {
    await this.log.flush();
  }

  /** Snapshots written so far (periodic and final). */
  get snapshotsWritten(): number {
    return this.written;
  }

  /** Resolves once every periodic snapshot queued so far is written (or has failed). */
  snapshotsSettled(): Promise<void> {
    return this.snapshotChain;
  }

  /** The error of the last periodic snapshot that failed, once; undefined when none did. */
  takeSnapshotError(): Error | undefined {
    const failed = this.snapshotError;
    if (failed === undefined) return undefined;
    this.snapshotError = undefined;
    return new Error(
      `Could not write the snapshot of run "${this.runId}": ${errorMessage(failed)}. The event log is intact; recovery will only take longer.`,
      { cause: failed },
    );
  }

  /** Flushes, writes the final snapshot, closes the log and releases the lock (even when something failed). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.snapshotChain;
        await this.log.flush();
        if (this.recordedSeq > 0) await this.writeSnapshotNow();
        await this.log.close();
      } finally {
        await this.log.close().catch(() => undefined);
        await this.lock.release();
      }
    })();
    return this.closing;
  }

  /** Every `snapshotEvery` events: a snapshot if the log has grown enough since the last one. */
  private considerSnapshot(): void {
    this.sinceSnapshot = 0;
    const grown = this.log.appendedBytes - this.lastSnapshot.logOffset;
    const needed =
      this.snapshotGrowth === 0
        ? 0
        : Math.max(this.snapshotAfterLogBytes, this.snapshotGrowth * this.lastSnapshot.size);
    if (grown >= needed) this.queueSnapshot();
  }

  private queueSnapshot(): void {
    if (this.snapshotQueued) return;
    this.snapshotQueued = true;
    // Runs after the caller's synchronous appends, so `append` itself never pays for serialising.
    this.snapshotChain = this.snapshotChain.then(async () => {
      this.snapshotQueued = false;
      if (this.closing) return;
      try {
        await this.writeSnapshotNow();
      } catch (err) {
        this.snapshotError ??= err;
      }
    });
  }

  /**
   * Serialises now, then waits until those events are durable: the snapshot never runs ahead of the
   * log. A state folded past the last recorded event (an append was refused) is not snapshotted at
   * all; recovery folds the log instead.
   */
  private async writeSnapshotNow(): Promise<void> {
    if (this.runState.lastSeq !== this.recordedSeq) return;
    const logOffset = this.log.appendedBytes;
    const bytes = this.serializer.serialize(this.runState, logOffset, Date.now(), this.planRecord);
    this.lastSnapshot = { logOffset, size: bytes.length };
    await this.log.flush();
    await writeFileAtomic(this.snapshotPath, bytes);
    this.written++;
  }
}
