import { RECORD_TRAILER_BYTES, TRAILER_HEAD } from './logRecord';
import { checksumOf, writeChecksumHex } from './recordChecksum';

const OPENING_BRACE = 0x7b;
const CLOSING_BRACE = 0x7d;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
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
  /** The size of the last batch taken, to start the next one with room for as much. */
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
    let at = bodyEnd + TRAILER_HEAD.copy(bytes, bodyEnd);
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
    this.capacityHint = Math.min(MAX_HINT_BYTES, Math.max(INITIAL_BYTES, this.used));
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
