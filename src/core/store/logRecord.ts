import { bytesAt, checksumHex, checksumOf, crc32, readChecksumHex, writeChecksumHex } from './recordChecksum';

/**
 * One line of the event log since format 2: the event's JSON with a CRC-32 of its bytes as the
 * last field, `{"type":…,"runId":"r1","crc":"1a2b3c4d"}`. The line stays JSON (jq, grep and older
 * versions read it; zod drops the extra field), and a reader can tell a damaged or torn record from
 * an intact one without validating it field by field. The checksum covers every byte before `,"crc"`.
 */
const TRAILER_TEXT = ',"crc":"';
/** The trailer's bytes before the checksum digits. */
const TRAILER_HEAD = Buffer.from(TRAILER_TEXT, 'latin1');
const QUOTE = 0x22;
const CLOSING_BRACE = 0x7d;
const NEWLINE = 0x0a;

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

const OPENING_BRACE = 0x7b;
/** Capacity of a batch's first buffer; it doubles when a batch needs more. */
const INITIAL_BYTES = 64 * 1024;
/** The most a batch's next buffer starts with, however large the last batch was. */
const MAX_HINT_BYTES = 4 * 1024 * 1024;
/** Past this many UTF-16 units a line's UTF-8 length is measured instead of bounded by 3 bytes a unit. */
const MEASURE_FROM_UNITS = 64 * 1024;

/**
 * The next batch of the event log as bytes: each record (`logRecord.ts`) is encoded straight into
 * one growing buffer and sealed with its checksum at once, so a batch is encoded to UTF-8 once and
 * its bytes are never scanned again before they are written.
 */
export class RecordBatch {
  private bytes: Buffer | undefined;
  private used = 0;
  private records = 0;
  /** What the next batch's buffer starts with, from the size of the last one. */
  private capacityHint = INITIAL_BYTES;

  /** Records in the batch. */
  get count(): number {
    return this.records;
  }

  /** Bytes of the batch. */
  get byteLength(): number {
    return this.used;
  }

  /**
   * Adds the record of `json`, the JSON of an object with at least one field. Throws, adding
   * nothing, when `json` is not such an object.
   */
  add(json: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a lone surrogate becomes U+FFFD, 3 bytes).
    const most = json.length > MEASURE_FROM_UNITS ? Buffer.byteLength(json, 'utf8') : json.length * 3;
    const bytes = this.reserve(most + RECORD_TRAILER_BYTES + 1);
    const start = this.used;
    const bodyEnd = start + bytes.write(json, start, 'utf8') - 1;
    if (bodyEnd <= start + 1 || bytes[start] !== OPENING_BRACE || bytes[bodyEnd] !== CLOSING_BRACE)
      throw new Error(`An event log record must be a JSON object with at least one field, not ${json.slice(0, 40)}`);
    // The object's closing brace gives way to the checksum field, which closes the object again.
    let at = bodyEnd;
    for (let i = 0; i < TRAILER_HEAD.length; i++) bytes[at++] = TRAILER_HEAD[i]!;
    at = writeChecksumHex(bytes, at, checksumOf(bytes, start, bodyEnd));
    bytes[at++] = QUOTE;
    bytes[at++] = CLOSING_BRACE;
    bytes[at++] = NEWLINE;
    this.used = at;
    this.records++;
  }

  /** Hands out the batch's bytes and starts an empty batch; the bytes are the caller's from now on. */
  take(): Buffer {
    const taken = (this.bytes ?? Buffer.alloc(0)).subarray(0, this.used);
    // Twice the last batch: the worst-case room each add reserves rarely makes the next one grow (and copy).
    this.capacityHint = Math.min(MAX_HINT_BYTES, Math.max(INITIAL_BYTES, 2 * this.used));
    this.clear();
    return taken;
  }

  /** Drops the batch. */
  clear(): void {
    this.bytes = undefined;
    this.used = 0;
    this.records = 0;
  }

  /** The buffer, with room for `more` bytes after what is used. */
  private reserve(more: number): Buffer {
    const needed = this.used + more;
    if (this.bytes !== undefined && needed <= this.bytes.length) return this.bytes;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.capacityHint, 2 * (this.bytes?.length ?? 0)));
    this.bytes?.copy(grown, 0, 0, this.used);
    this.bytes = grown;
    return grown;
  }
}
