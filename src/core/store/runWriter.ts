import { errorMessage } from '../common/errors';
import type { RunEvent } from '../model/runEvents';
import type { RunEventSink } from '../model/runEventSink';
import { applyRunEvent } from '../model/runState';
import type { RunState } from '../model/runState';
import { writeFileAtomic } from './atomicFile';
import type { EventLogWriter } from './eventLogWriter';
import type { RunLock } from './runLock';
import { serializeSnapshot } from './snapshot';

/** The parts a `RunWriter` is made of; `RunStore` assembles them. */
export interface RunWriterParts {
  log: EventLogWriter;
  lock: RunLock;
  /** The recovered (or empty) state; the writer owns it from now on. */
  state: RunState;
  snapshotPath: string;
  /** Events between snapshots. */
  snapshotEvery: number;
}

/**
 * Writes one run: every event goes to the log and is folded into the writer's own state; a
 * snapshot is written every `snapshotEvery` events and on close, always after the events it holds are durable.
 */
export class RunWriter implements RunEventSink {
  private readonly log: EventLogWriter;
  private readonly lock: RunLock;
  private readonly live: RunState;
  private readonly snapshotPath: string;
  private readonly snapshotEvery: number;
  private sinceSnapshot = 0;
  private snapshotQueued = false;
  private snapshotChain: Promise<void> = Promise.resolve();
  private snapshotError: unknown;
  private closing: Promise<void> | undefined;
  private duplicates = 0;

  constructor(parts: RunWriterParts) {
    this.log = parts.log;
    this.lock = parts.lock;
    this.live = parts.state;
    this.snapshotPath = parts.snapshotPath;
    this.snapshotEvery = Math.max(1, Math.floor(parts.snapshotEvery));
  }

  /** The run this writer owns. */
  get runId(): string {
    return this.live.runId;
  }

  /** The live state after every event appended so far; read it, never mutate it. */
  get state(): Readonly<RunState> {
    return this.live;
  }

  /** The `seq` the next event must carry. */
  get nextSeq(): number {
    return this.live.lastSeq + 1;
  }

  /** Events ignored because their `seq` was already recorded (a replay after a restart). */
  get duplicatesIgnored(): number {
    return this.duplicates;
  }

  /**
   * Records one event. An event whose `seq` is already recorded is ignored, so replaying after a
   * restart never duplicates a line; a `seq` that would leave a gap, or another run's event, throws.
   */
  append(event: RunEvent): void {
    if (this.closing) throw new Error(`Run "${this.runId}" is closed; open it again to append events.`);
    if (event.runId !== this.runId) {
      throw new Error(
        `Event "${event.type}" (seq ${event.seq}) belongs to run "${event.runId}", not to run "${this.runId}".`,
      );
    }
    if (event.seq <= this.live.lastSeq) {
      this.duplicates++;
      return;
    }
    if (event.seq !== this.live.lastSeq + 1) {
      throw new Error(
        `Event "${event.type}" has seq ${event.seq}, but run "${this.runId}" expects seq ${this.live.lastSeq + 1}; ` +
          'events must be appended in order without gaps.',
      );
    }
    // The log first: if it refuses (it failed earlier), the state must not run ahead of it.
    this.log.append(event);
    applyRunEvent(this.live, event);
    if (++this.sinceSnapshot >= this.snapshotEvery) this.queueSnapshot();
  }

  /**
   * Resolves once every event appended so far is durable; rejects if the log failed. A periodic
   * snapshot that could not be written does not fail a flush (the log is intact, recovery only
   * takes longer): `takeSnapshotError()` hands it out once so the caller can warn.
   */
  async flush(): Promise<void> {
    await this.log.flush();
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
        if (this.live.lastSeq > 0) await this.writeSnapshotNow();
        await this.log.close();
      } finally {
        await this.log.close().catch(() => undefined);
        await this.lock.release();
      }
    })();
    return this.closing;
  }

  private queueSnapshot(): void {
    this.sinceSnapshot = 0;
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

  /** Serialises now, then waits until those events are durable: the snapshot never runs ahead of the log. */
  private async writeSnapshotNow(): Promise<void> {
    const text = serializeSnapshot(this.live, this.log.appendedBytes);
    await this.log.flush();
    await writeFileAtomic(this.snapshotPath, text);
  }
}
