import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorMessage } from '../common/errors';
import type { RunEvent } from '../model/runEvents';
import type { RunEventSink } from '../model/runEventSink';
import { fsyncDirectory } from './atomicFile';
import { RecordBatch } from './logRecord';

const NEWLINE = 0x0a;
const TAIL_CHUNK = 64 * 1024;

/** Tuning of an `EventLogWriter`. */
export interface EventLogWriterOptions {
  /** How long an append may wait for company before its batch is written; default 10 ms. */
  flushIntervalMs?: number;
  /** A batch is written at once when this many events are waiting; default 1000. */
  maxBatch?: number;
  /** Called once when a write fails, so a host can show it even if nobody is awaiting `flush()`. */
  onError?: (error: EventLogError) => void;
}

/** What a writer has done, for tests and diagnostics. */
export interface EventLogWriterStats {
  /** Batches written, each with one `write` loop and one fdatasync. */
  batches: number;
  /** Events written and synced. */
  events: number;
  /** Bytes written and synced. */
  bytes: number;
}

/** A torn last line removed when the log was opened. */
export interface TornTail {
  /** Byte offset where the torn line began (the new end of the file). */
  offset: number;
  /** How many bytes were removed. */
  bytes: number;
}

/** The event log could not be written; every later append and flush fails with the same error. */
export class EventLogError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventLogError';
  }
}

interface FlushWaiter {
  upTo: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Appends run events to a JSON-lines file with group commit: appends are buffered synchronously and
 * written in batches, one write and one fdatasync per batch, so tens of thousands of events cost few syscalls.
 * Each event is serialised once, straight into its record's bytes with a checksum (`logRecord.ts`).
 */
export class EventLogWriter implements RunEventSink {
  /** Appended events not yet handed to a write, already encoded as sealed records. */
  private readonly batch = new RecordBatch();
  private appended = 0;
  private durable = 0;
  private durableBytesCount: number;
  private writing = false;
  private inFlightBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: EventLogError | undefined;
  private closing: Promise<void> | undefined;
  private readonly waiters: FlushWaiter[] = [];
  private readonly counters: EventLogWriterStats = { batches: 0, events: 0, bytes: 0 };
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;

  private constructor(
    /** The log file. */
    readonly path: string,
    private readonly handle: FileHandle,
    initialSize: number,
    /** The torn last line removed on open, if there was one. */
    readonly tornTail: TornTail | undefined,
    private readonly options: EventLogWriterOptions,
  ) {
    this.durableBytesCount = initialSize;
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 10);
    this.maxBatch = Math.max(1, options.maxBatch ?? 1000);
  }

  /**
   * Opens (or creates) the log for appending. A torn last line (bytes after the final newline, left
   * by a crash mid-write) is cut off first so the next event never gets glued onto it.
   */
  static async open(path: string, options: EventLogWriterOptions = {}): Promise<EventLogWriter> {
    const handle = await open(path, 'a+', 0o600);
    try {
      const { size, tornTail } = await truncateTornTail(handle);
      await fsyncDirectory(dirname(path));
      return new EventLogWriter(path, handle, size, tornTail, options);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Size of the file up to the end of the last synced batch; always at a line boundary. */
  get durableBytes(): number {
    return this.durableBytesCount;
  }

  /**
   * Size the file will have once every event appended so far is written: the exact end of the
   * latest event, where recovery can resume reading after a snapshot.
   */
  get appendedBytes(): number {
    return this.durableBytesCount + this.inFlightBytes + this.batch.byteLength;
  }

  /** Counters of what has been written so far. */
  get stats(): Readonly<EventLogWriterStats> {
    return { ...this.counters };
  }

  /** Buffers the event; it is written within `flushIntervalMs`. Throws if the log failed or is closed. */
  append(event: RunEvent): void {
    if (this.failure) throw this.failure;
    if (this.closing)
      throw new EventLogError(`The event log ${this.path} is closed; open the run again to append to it.`);
    // If serialising throws, nothing has been added.
    this.batch.add(JSON.stringify(event));
    this.appended++;
    if (this.batch.count >= this.maxBatch) {
      this.startWrite();
    } else if (!this.timer && !this.writing) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.startWrite();
      }, this.flushIntervalMs);
    }
  }

  /** Resolves once every event appended before the call is written and fdatasynced; rejects if the disk failed. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const upTo = this.appended;
    if (this.durable >= upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.startWrite();
    });
  }

  /** Flushes and closes the file; later appends throw. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.flush();
      } finally {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        await this.handle.close();
      }
    })();
    return this.closing;
  }

  private startWrite(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.writing || this.failure || this.batch.count === 0) return;
    this.writing = true;
    void this.writeLoop();
  }

  private async writeLoop(): Promise<void> {
    // Appends that arrive while a batch is on its way to disk gather in `batch` and form the next one.
    while (this.batch.count > 0 && !this.failure) {
      const count = this.batch.count;
      const upTo = this.appended;
      const data = this.batch.take();
      this.inFlightBytes = data.length;
      try {
        await this.writeAll(data);
        await this.handle.datasync();
      } catch (err) {
        this.fail(err, upTo - count + 1);
        break;
      } finally {
        this.inFlightBytes = 0;
      }
      this.durable = upTo;
      this.durableBytesCount += data.length;
      this.counters.batches++;
      this.counters.events += count;
      this.counters.bytes += data.length;
      while (this.waiters.length > 0 && this.waiters[0]!.upTo <= this.durable) this.waiters.shift()!.resolve();
    }
    // Cleared in the same synchronous step as the loop's last check, so no append can be stranded.
    this.writing = false;
  }

  private async writeAll(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await this.handle.write(data, offset, data.length - offset);
      if (bytesWritten <= 0) throw new Error('the file system accepted no bytes');
      offset += bytesWritten;
    }
  }

  private fail(err: unknown, firstLost: number): void {
    const failure = new EventLogError(
      `Could not write the event log ${this.path}: ${errorMessage(err)}. Event #${firstLost} of this session and later ones ` +
        'are not saved; free disk space or fix permissions, then resume the run (a torn line is cut off on reopen).',
      { cause: err },
    );
    this.failure = failure;
    this.batch.clear();
    for (const waiter of this.waiters.splice(0)) waiter.reject(failure);
    this.options.onError?.(failure);
  }
}

async function truncateTornTail(handle: FileHandle): Promise<{ size: number; tornTail: TornTail | undefined }> {
  const { size } = await handle.stat();
  if (size === 0) return { size, tornTail: undefined };
  let end = size;
  let keep = 0;
  // Scan backwards in chunks: a torn line can be long (a large task output), but is read only once.
  while (end > 0) {
    const start = Math.max(0, end - TAIL_CHUNK);
    const chunk = Buffer.alloc(end - start);
    await readFully(handle, chunk, start);
    const i = chunk.lastIndexOf(NEWLINE);
    if (i >= 0) {
      keep = start + i + 1;
      break;
    }
    end = start;
  }
  if (keep === size) return { size, tornTail: undefined };
  await handle.truncate(keep);
  await handle.sync();
  return { size: keep, tornTail: { offset: keep, bytes: size - keep } };
}

async function readFully(handle: FileHandle, target: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}
