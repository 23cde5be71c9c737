import { readFile } from 'node:fs/promises';
import { errorMessage } from '../common/errors';
import { neutraliseText } from '../common/visibleText';
import type { RunState } from '../model/runState';
import { writeFileAtomic } from './atomicFile';
import { describeZodError } from './jsonFile';
import { bytesAt, checksumOf, readChecksumHex } from './recordChecksum';
import { SnapshotEnvelopeSchema } from './snapshotSchema';
import type { SNAPSHOT_FORMAT_VERSION } from './snapshotSerializer';
import { SNAPSHOT_HEADER_BYTES, SNAPSHOT_HEADER_START, SnapshotSerializer } from './snapshotSerializer';

export { SNAPSHOT_FORMAT_VERSION } from './snapshotSerializer';

/** Name of the snapshot inside a run folder. */
export const SNAPSHOT_FILE = 'snapshot.json';

const HEADER_START = Buffer.from(SNAPSHOT_HEADER_START, 'latin1');
const HEADER_END = Buffer.from('",', 'latin1');

/** What `snapshot.json` holds. */
export interface SnapshotEnvelope {
  /** 1: no checksum (validated field by field when read); 2: a CRC-32 of everything after the header. */
  formatVersion: 1 | typeof SNAPSHOT_FORMAT_VERSION;
  /** When it was written, ms since the epoch. */
  savedAt: number;
  /** A line boundary in the log at or before the last event folded in; recovery reads the log from here. */
  logOffset?: number;
  /** The run state up to `state.lastSeq`. */
  state: RunState;
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
 * Reads a snapshot of run `runId`. One with a checksum header (format 2, what this store writes) is
 * trusted once the checksum matches: only what recovery relies on is checked, not every field. One
 * without (format 1, or written by hand) is validated against the schema. I/O errors other than a
 * missing file are thrown.
 */
export async function readSnapshot(path: string, runId: string): Promise<SnapshotReadResult> {
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
  return { status: 'ok', snapshot };
}

function hasChecksumHeader(bytes: Buffer): boolean {
  return bytesAt(bytes, 0, HEADER_START) && bytesAt(bytes, HEADER_START.length + 8, HEADER_END);
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
  return undefined;
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
