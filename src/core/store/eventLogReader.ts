import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { RunEventSchema } from '../model/runEvents';
import type { RunEvent } from '../model/runEvents';
import { errorMessage } from '../common/errors';
import { neutraliseText } from '../common/visibleText';
import { isKnownEventType } from './knownEventTypes';
import { DAMAGED_RECORD, recordBodyEnd, UNCHECKED_RECORD } from './logRecord';

const NEWLINE = 0x0a;
const DEFAULT_MAX_WARNINGS = 20;

/** Options for `readEventLog`. */
export interface ReadEventLogOptions {
  /**
   * Start at this byte offset (the end of the log when a snapshot was taken) instead of the start.
   * It must fall on a line boundary; if it does not, the whole log is read and a warning says so.
   */
  fromOffset?: number;
  /** Line-level warnings beyond this many are summarised in one; default 20. */
  maxWarnings?: number;
  /** Another process may be appending right now, so a partial last line is expected and not reported. */
  liveWriter?: boolean;
  /**
   * Hands each valid event to this function, in file order, instead of collecting them in `events`
   * (which stays empty): recovery folds a long log without holding every event at once. `offset`
   * and `bytes` locate its line (newline included) when the line carries a checksum; `offset` is -1
   * for a line without one.
   */
  onEvent?: (event: RunEvent, offset: number, bytes: number) => void;
}

/** What `readEventLog` found. */
export interface EventLogReadResult {
  /** Valid events in file order, with strictly increasing `seq`; empty when `onEvent` was given. */
  events: RunEvent[];
  /** How many valid events were read (collected or handed to `onEvent`). */
  eventCount: number;
  /** One readable sentence per problem, naming the file and byte offset. */
  warnings: string[];
  /** Length of the prefix made of complete lines; anything after it is a torn tail. */
  validBytes: number;
  /** Lines skipped because they were torn, corrupt, invalid or out of order. */
  skippedLines: number;
  /**
   * Byte offsets of complete lines whose checksum did not match: records damaged after they were
   * written (a bad disk, an edit by hand). A torn last line is not counted here.
   */
  damagedRecords: number[];
  /** Where reading started (0, or `fromOffset` when it was usable). */
  startOffset: number;
}

/**
 * Reads a JSON-lines event log. Bad lines are skipped with a warning rather than failing the whole
 * run: a torn last line (crash mid-write), a corrupt line in the middle, a line that is not a valid
 * event, and an event whose `seq` does not increase. A line with a checksum (format 2) is trusted
 * once the checksum matches, since this store wrote it from a typed event; a line without one
 * (format 1, written before checksums) is validated against the event schema. Linear in the size of
 * the file. A file that cannot be opened (for example ENOENT) throws.
 */
export async function readEventLog(path: string, options: ReadEventLogOptions = {}): Promise<EventLogReadResult> {
  const warnings: string[] = [];
  const { data, startOffset } = await readFrom(path, options.fromOffset ?? 0, warnings);
  const maxWarnings = options.maxWarnings ?? DEFAULT_MAX_WARNINGS;
  const events: RunEvent[] = [];
  const onEvent = options.onEvent ?? ((event: RunEvent) => void events.push(event));
  let eventCount = 0;
  const damagedRecords: number[] = [];
  let skippedLines = 0;
  let unreported = 0;
  const skip = (message: string): void => {
    skippedLines++;
    if (skippedLines <= maxWarnings) warnings.push(message);
    else unreported++;
  };

  let lastSeq = 0;
  let pos = 0;
  let validEnd = 0;
  while (pos < data.length) {
    const at = startOffset + pos;
    const newline = data.indexOf(NEWLINE, pos);
    if (newline === -1) {
      if (options.liveWriter) break;
      skip(
        `${path}: skipped a torn last line at byte ${at} (${data.length - pos} bytes without a newline; a write was interrupted).`,
      );
      break;
    }
    validEnd = newline + 1;
    const isLast = validEnd === data.length;
    const bodyEnd = recordBodyEnd(data, pos, newline);
    if (bodyEnd === DAMAGED_RECORD) damagedRecords.push(at);
    const parsed =
      bodyEnd === UNCHECKED_RECORD
        ? parseLine(data.toString('utf8', pos, newline))
        : bodyEnd === DAMAGED_RECORD
          ? DAMAGED
          : parseCheckedRecord(data.toString('utf8', pos, bodyEnd));
    if (!parsed.ok && parsed.unknownType !== undefined) {
      skip(
        `${path}: skipped the event at byte ${at}: its type "${neutraliseText(parsed.unknownType).text}" is unknown to this version of Agent Orchestrator (a newer version may have written it).`,
      );
    } else if (!parsed.ok) {
      const where = isLast ? 'an unreadable last line' : 'a corrupt line';
      skip(`${path}: skipped ${where} at byte ${at}: ${parsed.reason}.`);
    } else if (parsed.event.seq <= lastSeq) {
      skip(`${path}: skipped the event at byte ${at}: its seq ${parsed.event.seq} does not follow seq ${lastSeq}.`);
    } else {
      lastSeq = parsed.event.seq;
      eventCount++;
      onEvent(parsed.event, bodyEnd === UNCHECKED_RECORD ? -1 : at, validEnd - pos);
    }
    pos = validEnd;
  }
  if (unreported > 0) warnings.push(`${path}: skipped ${unreported} more bad lines (${skippedLines} in total).`);
  return {
    events,
    eventCount,
    warnings,
    validBytes: startOffset + validEnd,
    skippedLines,
    startOffset,
    damagedRecords,
  };
}

/** A line that is no event: why, and the type it names when that type is one this version does not know. */
type ParsedLine = { ok: true; event: RunEvent } | { ok: false; reason: string; unknownType?: string };

const DAMAGED: ParsedLine = {
  ok: false,
  reason: 'its checksum does not match its bytes (the record was damaged after it was written)',
};

/**
 * A record whose checksum matched: the bytes are the ones this store wrote from a typed event, so
 * only what the reader relies on is checked (an object, a known type, a positive integer seq, a run
 * id), not every field. `body` is the record without its checksum field and closing brace.
 */
function parseCheckedRecord(body: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(`${body}}`);
  } catch (err) {
    return { ok: false, reason: `not JSON although its checksum matches (${neutraliseText(errorMessage(err)).text})` };
  }
  if (typeof json !== 'object' || json === null) return { ok: false, reason: 'not an event object' };
  const event = json as { type?: unknown; seq?: unknown; runId?: unknown };
  if (typeof event.type !== 'string') return { ok: false, reason: 'an event without a type' };
  if (!isKnownEventType(event.type))
    return { ok: false, reason: `unknown event type "${event.type}"`, unknownType: event.type };
  if (!Number.isSafeInteger(event.seq) || (event.seq as number) < 1 || typeof event.runId !== 'string')
    return { ok: false, reason: `not a valid "${event.type}" event (seq or runId missing)` };
  return { ok: true, event: json as RunEvent };
}

function parseLine(text: string): ParsedLine {
  if (text.trim() === '') return { ok: false, reason: 'the line is empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // The parser quotes the line; a corrupt line must not put control characters on a terminal.
    return { ok: false, reason: `not JSON (${neutraliseText(errorMessage(err)).text})` };
  }
  const result = RunEventSchema.safeParse(json);
  if (result.success) return { ok: true, event: result.data };
  const issue = result.error.issues[0];
  const named = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
  if (
    issue?.code === 'invalid_union' &&
    issue.path.length === 1 &&
    issue.path[0] === 'type' &&
    typeof named === 'string'
  )
    return { ok: false, reason: `unknown event type "${named}"`, unknownType: named };
  const type = named === undefined ? '' : ` "${neutraliseText(String(named)).text}"`;
  const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, reason: `not a valid${type} event (${field}${issue?.message ?? 'invalid'})` };
}

async function readFrom(
  path: string,
  fromOffset: number,
  warnings: string[],
): Promise<{ data: Buffer; startOffset: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let start = 0;
    if (fromOffset > 0) {
      if (fromOffset > size) {
        warnings.push(
          `${path} is shorter (${size} bytes) than when the last snapshot was taken (${fromOffset} bytes); read the whole log instead.`,
        );
      } else if ((await byteAt(handle, fromOffset - 1)) !== NEWLINE) {
        warnings.push(
          `${path} no longer ends a line at byte ${fromOffset}, where the last snapshot left it; read the whole log instead.`,
        );
      } else {
        start = fromOffset;
      }
    }
    const data = Buffer.alloc(size - start);
    let done = 0;
    while (done < data.length) {
      const { bytesRead } = await handle.read(data, done, data.length - done, start + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return { data: done === data.length ? data : data.subarray(0, done), startOffset: start };
  } finally {
    await handle.close();
  }
}

async function byteAt(handle: FileHandle, position: number): Promise<number | undefined> {
  const one = Buffer.alloc(1);
  const { bytesRead } = await handle.read(one, 0, 1, position);
  return bytesRead === 1 ? one[0] : undefined;
}
