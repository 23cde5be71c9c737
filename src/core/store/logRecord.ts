import { bytesAt, checksumHex, checksumOf, crc32, readChecksumHex } from './recordChecksum';

/**
 * One line of the event log since format 2: the event's JSON with a CRC-32 of its bytes as the
 * last field, `{"type":…,"runId":"r1","crc":"1a2b3c4d"}`. The line stays JSON (jq, grep and older
 * versions read it; zod drops the extra field), and a reader can tell a damaged or torn record from
 * an intact one without validating it field by field. The checksum covers every byte before `,"crc"`.
 */
const TRAILER_TEXT = ',"crc":"';
/** The trailer's bytes before the checksum digits. */
export const TRAILER_HEAD = Buffer.from(TRAILER_TEXT, 'latin1');
const QUOTE = 0x22;
const CLOSING_BRACE = 0x7d;

/** Bytes a record adds after the event's fields: `,"crc":"` + 8 hex digits + `"}`. */
export const RECORD_TRAILER_BYTES = TRAILER_HEAD.length + 8 + 2;

/** `recordBodyEnd` of a line without a checksum: a line of format 1 (or hand-written), to validate in full. */
export const UNCHECKED_RECORD = -1;
/** `recordBodyEnd` of a line whose checksum does not match its bytes: damaged after it was written. */
export const DAMAGED_RECORD = -2;

/**
 * The log line of `json` (the JSON of an object with at least one field), newline included. The
 * object's closing brace gives way to the checksum field, which closes the object again. The writer
 * encodes whole batches with `RecordBatch` instead, which gives the same bytes.
 */
export function recordLine(json: string): string {
  const body = json.slice(0, -1);
  // zlib hashes a string as its UTF-8 bytes: the bytes this line will have in the file.
  return `${body}${TRAILER_TEXT}${checksumHex(crc32(body))}"}\n`;
}

/**
 * Checks the line `data[start, end)` (its newline excluded). Returns where the event's checksummed
 * bytes end when the checksum matches (the event is `data[start, result)` followed by `}`),
 * `UNCHECKED_RECORD` when the line carries no checksum, and `DAMAGED_RECORD` when it does not match.
 */
export function recordBodyEnd(data: Buffer, start: number, end: number): number {
  const bodyEnd = end - RECORD_TRAILER_BYTES;
  if (
    bodyEnd <= start ||
    data[end - 1] !== CLOSING_BRACE ||
    data[end - 2] !== QUOTE ||
    !bytesAt(data, bodyEnd, TRAILER_HEAD)
  )
    return UNCHECKED_RECORD;
  const stored = readChecksumHex(data, bodyEnd + TRAILER_HEAD.length);
  return stored >= 0 && stored === checksumOf(data, start, bodyEnd) ? bodyEnd : DAMAGED_RECORD;
}
