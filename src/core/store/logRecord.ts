import { bytesAt, checksumOf, readChecksumHex, writeChecksumHex } from './recordChecksum';

/**
 * One line of the event log since format 2: the event's JSON with a CRC-32 of its bytes as the
 * last field, `{"type":…,"runId":"r1","crc":"1a2b3c4d"}`. The line stays JSON (jq, grep and older
 * versions read it; zod drops the extra field), and a reader can tell a damaged or torn record from
 * an intact one without validating it field by field. The checksum covers every byte before `,"crc"`.
 */
const TRAILER_HEAD = Buffer.from(',"crc":"', 'latin1');
const QUOTE = 0x22;
const CLOSING_BRACE = 0x7d;
const NEWLINE = 0x0a;

/** Bytes a record adds after the event's fields: `,"crc":"` + 8 hex digits + `"}`. */
export const RECORD_TRAILER_BYTES = TRAILER_HEAD.length + 8 + 2;

/** `recordBodyEnd` of a line without a checksum: a line of format 1 (or hand-written), to validate in full. */
export const UNCHECKED_RECORD = -1;
/** `recordBodyEnd` of a line whose checksum does not match its bytes: damaged after it was written. */
export const DAMAGED_RECORD = -2;

/** The most bytes `writeRecord` can take for `json`, its newline included (UTF-8 needs at most 3 bytes per UTF-16 unit). */
export function recordCapacity(json: string): number {
  return json.length * 3 + RECORD_TRAILER_BYTES + 1;
}

/**
 * Writes the record of `json` (the JSON of an object with at least one field) and its newline at
 * `offset`, which must leave `recordCapacity(json)` bytes; returns the offset after the newline.
 */
export function writeRecord(target: Buffer, offset: number, json: string): number {
  // The object's closing brace is overwritten by the trailer, which closes the object again.
  const bodyEnd = offset + target.write(json, offset, 'utf8') - 1;
  const checksum = checksumOf(target, offset, bodyEnd);
  let at = bodyEnd + TRAILER_HEAD.copy(target, bodyEnd);
  at = writeChecksumHex(target, at, checksum);
  target[at++] = QUOTE;
  target[at++] = CLOSING_BRACE;
  target[at++] = NEWLINE;
  return at;
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
