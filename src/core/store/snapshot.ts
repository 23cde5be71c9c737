import { open, readFile } from 'node:fs/promises';
import { errorMessage } from '../common/errors';
import { neutraliseText } from '../common/visibleText';
import type { RunState } from '../model/runState';
import type { Plan } from '../model/planSchema';
import { writeFileAtomic } from './atomicFile';
import { describeZodError } from './jsonFile';
import { recordBodyEnd } from './logRecord';
import { bytesAt, checksumOf, readChecksumHex } from './recordChecksum';
import { SnapshotEnvelopeSchema } from './snapshotSchema';
import type { PlanRecordRef } from './snapshotSerializer';
import {
  SNAPSHOT_FORMAT_VERSION,
  SNAPSHOT_HEADER_BYTES,
  SNAPSHOT_HEADER_START,
  SnapshotSerializer,
} from './snapshotSerializer';

export { SNAPSHOT_FORMAT_VERSION } from './snapshotSerializer';
export type { PlanRecord, PlanRecordRef } from './snapshotSerializer';

/** Name of the snapshot inside a run folder. */
export const SNAPSHOT_FILE = 'snapshot.json';

const HEADER_START = Buffer.from(SNAPSHOT_HEADER_START, 'latin1');
/** Where the version digit sits in the header; formats 2 and 3 share the rest of it. */
const VERSION_AT = SNAPSHOT_HEADER_START.indexOf(String(SNAPSHOT_FORMAT_VERSION));
const CHECKED_VERSIONS = new Set([0x32, 0x33]);
const HEADER_END = Buffer.from('",', 'latin1');
const NEWLINE = 0x0a;

/** What `snapshot.json` holds. */
export interface SnapshotEnvelope {
  /**
   * 1: no checksum (validated field by field when read); 2: a CRC-32 of everything after the
   * header; 3: the plan may be left out for `planRecord`.
   */
  formatVersion: 1 | 2 | typeof SNAPSHOT_FORMAT_VERSION;
  /** When it was written, ms since the epoch. */
  savedAt: number;
  /** A line boundary in the log at or before the last event folded in; recovery reads the log from here. */
  logOffset?: number;
  /** The run state up to `state.lastSeq`. */
  state: RunState;
  /** The log record holding the state's plan, which the file then leaves out; reading puts the plan back. */
  planRecord?: PlanRecordRef;
}

/** The outcome of reading a snapshot: usable, absent (normal before the first one), or invalid with a reason. */
export type SnapshotReadResult =
  { status: 'ok'; snapshot: SnapshotEnvelope } | { status: 'missing' } | { status: 'invalid'; reason: string };

/** Serialises a snapshot now, so later changes to the live state cannot leak into it. */
export function serializeSnapshot(state: RunState, logOffset?: number, savedAt: number = Date.now()): string {
  return new SnapshotSerializer().serialize(state, logOffset, savedAt).toString('utf8');
}

/** Writes the snapshot atomically: a crash leaves the previous snapshot or this one. */
export async function writeSnapshot(path: string, state: RunState, logOffset?: number): Promise<void> {
  await writeFileAtomic(path, new SnapshotSerializer().serialize(state, logOffset));
}

/**
 * Reads a snapshot of run `runId`. One with a checksum header (formats 2 and 3, what this store
 * writes) is trusted once the checksum matches: only what recovery relies on is checked, not every
 * field. One without (format 1, or written by hand) is validated against the schema. A plan left
 * out for its record in the event log `logPath` is read back from there; a record that cannot be
 * read makes the snapshot unusable (recovery then folds the log). I/O errors other than a missing
 * snapshot are thrown.
 */
export async function readSnapshot(path: string, runId: string, logPath?: string): Promise<SnapshotReadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw err;
  }
  const checked = hasChecksumHeader(bytes);
  if (checked && readChecksumHex(bytes, HEADER_START.length) !== checksumOf(bytes, SNAPSHOT_HEADER_BYTES, bytes.length))
    return { status: 'invalid', reason: 'its checksum does not match its bytes (it was damaged after it was written)' };
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    // The parser quotes the file; its control characters must not reach a terminal.
    return { status: 'invalid', reason: `it is not JSON (${neutraliseText(errorMessage(err)).text})` };
  }
  let snapshot: SnapshotEnvelope;
  if (checked) {
    const problem = checkedEnvelopeProblem(json);
    if (problem !== undefined) return { status: 'invalid', reason: problem };
    snapshot = json as SnapshotEnvelope;
  } else {
    const parsed = SnapshotEnvelopeSchema.safeParse(json);
    if (!parsed.success) return { status: 'invalid', reason: describeZodError(parsed.error) };
    snapshot = parsed.data;
  }
  if (snapshot.state.runId !== runId) {
    return { status: 'invalid', reason: `it belongs to run "${snapshot.state.runId}", not "${runId}"` };
  }
  if (snapshot.planRecord !== undefined) {
    const plan = await readPlanRecord(logPath, snapshot.planRecord, runId);
    if (typeof plan === 'string') return { status: 'invalid', reason: plan };
    snapshot.state.plan = plan;
  }
  return { status: 'ok', snapshot };
}

/** Format 2 or 3 header: the fixed start (any checked version), 8 hex digits, then `",`. */
function hasChecksumHeader(bytes: Buffer): boolean {
  if (bytes.length < SNAPSHOT_HEADER_BYTES || !CHECKED_VERSIONS.has(bytes[VERSION_AT]!)) return false;
  for (let i = 0; i < HEADER_START.length; i++) if (i !== VERSION_AT && bytes[i] !== HEADER_START[i]) return false;
  return bytesAt(bytes, HEADER_START.length + 8, HEADER_END);
}

/**
 * The plan of the `plan.ready` record at `ref` in the log, or why it cannot be had: the record must
 * be whole, its checksum must match, and it must be that run's `plan.ready`.
 */
async function readPlanRecord(logPath: string | undefined, ref: PlanRecordRef, runId: string): Promise<Plan | string> {
  const where = `the plan it leaves to the event log (${ref.bytes} bytes at byte ${ref.offset})`;
  if (logPath === undefined) return `${where} was not looked up`;
  let data: Buffer;
  let read = 0;
  try {
    const handle = await open(logPath, 'r');
    try {
      // A record past the log's end is missing: never allocate what the log cannot hold.
      if (ref.offset + ref.bytes > (await handle.stat()).size) return `${where} is missing or damaged`;
      data = Buffer.alloc(ref.bytes);
      while (read < data.length) {
        const { bytesRead } = await handle.read(data, read, data.length - read, ref.offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
    } finally {
      await handle.close();
    }
  } catch (err) {
    return `${where} could not be read (${errorMessage(err)})`;
  }
  const bodyEnd =
    data.length > 0 && read === data.length && data[data.length - 1] === NEWLINE
      ? recordBodyEnd(data, 0, data.length - 1)
      : -1;
  if (bodyEnd < 0) return `${where} is missing or damaged`;
  try {
    const event = JSON.parse(`${data.toString('utf8', 0, bodyEnd)}}`) as {
      type?: unknown;
      runId?: unknown;
      plan?: Plan;
    };
    if (event.type === 'plan.ready' && event.runId === runId && typeof event.plan === 'object' && event.plan !== null)
      return event.plan;
  } catch {
    // A record whose checksum matched is JSON; reaching here means it is not the record meant.
  }
  return `${where} is not the run's plan.ready record`;
}

/**
 * What recovery relies on in a snapshot whose checksum matched (this store wrote it from a typed
 * state): the envelope's numbers and the state's id, tasks and last seq.
 */
function checkedEnvelopeProblem(json: unknown): string | undefined {
  const envelope = json as Partial<Record<keyof SnapshotEnvelope, unknown>>;
  const state = envelope.state as Partial<Record<keyof RunState, unknown>> | undefined;
  if (typeof state !== 'object' || state === null) return 'state: expected an object';
  if (envelope.logOffset !== undefined && !isCount(envelope.logOffset)) return 'logOffset: expected an offset';
  if (typeof state.runId !== 'string') return 'state.runId: expected a string';
  if (!isCount(state.lastSeq)) return 'state.lastSeq: expected a whole number';
  if (typeof state.tasks !== 'object' || state.tasks === null) return 'state.tasks: expected an object';
  const ref = envelope.planRecord as Partial<PlanRecordRef> | undefined;
  if (ref !== undefined && (!isCount(ref?.offset) || !isCount(ref?.bytes) || ref.bytes === 0))
    return 'planRecord: expected a byte offset and length';
  return undefined;
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
