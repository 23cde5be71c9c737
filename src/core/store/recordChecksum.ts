import * as zlib from 'node:zlib';

/** A CRC-32 of bytes, or of a string's UTF-8 bytes. */
type Crc32 = (data: string | Uint8Array) => number;

/**
 * Eight CRC-32 tables of the reflected polynomial 0xEDB88320 (zlib's, gzip's, PNG's): table 0 is the
 * classic byte-at-a-time one, table k advances a byte by k more zero bytes (slicing-by-8).
 */
const TABLES = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLES[n] = c;
}
for (let n = 0; n < 256; n++) {
  let c = TABLES[n]!;
  for (let k = 1; k < 8; k++) {
    c = TABLES[c & 255]! ^ (c >>> 8);
    TABLES[k * 256 + n] = c;
  }
}

/**
 * The CRC-32 of `bytes[start, end)` in JavaScript, eight bytes per step. On a log record (about 150
 * bytes) it costs a third of a `zlib.crc32` call, which must first be given a view of the range.
 */
export function crc32OfRange(bytes: Uint8Array, start: number, end: number): number {
  let crc = -1;
  let i = start;
  for (const end8 = end - ((end - start) & 7); i < end8; i += 8) {
    const low = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      TABLES[1792 + (low & 255)]! ^
      TABLES[1536 + ((low >>> 8) & 255)]! ^
      TABLES[1280 + ((low >>> 16) & 255)]! ^
      TABLES[1024 + (low >>> 24)]! ^
      TABLES[768 + bytes[i + 4]!]! ^
      TABLES[512 + bytes[i + 5]!]! ^
      TABLES[256 + bytes[i + 6]!]! ^
      TABLES[bytes[i + 7]!]!;
  }
  for (; i < end; i++) crc = TABLES[(crc ^ bytes[i]!) & 255]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/**
 * The same CRC-32 in plain JavaScript, for Node before 20.15 (VS Code before 1.94 ships one), which
 * lacks `zlib.crc32`. Exported for the test that keeps it equal to zlib's.
 */
export function crc32InJavaScript(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return crc32OfRange(bytes, 0, bytes.length);
}

/** zlib's native CRC-32, where Node has it (20.15 and later). */
const nativeCrc32 = (zlib as { crc32?: Crc32 }).crc32;

/** zlib's native CRC-32 where Node has it (20.15 and later), else the JavaScript one. */
export const crc32: Crc32 = nativeCrc32 ?? crc32InJavaScript;

/** From this many bytes on (measured: between 384 and 768), zlib's CRC-32, faster per byte, outweighs the cost of calling it. */
const NATIVE_FROM_BYTES = 512;

/** Lower-case hex digits, as bytes. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Hex digit byte → its value, or -1 for any other byte. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE[HEX_DIGITS[i]!] = i;

/** Characters of a CRC-32 written as hex. */
export const CHECKSUM_HEX_LENGTH = 8;

/** The CRC-32 (zlib's, as in gzip and PNG) of `bytes[start, end)`, unsigned. */
export function checksumOf(bytes: Buffer, start: number, end: number): number {
  if (nativeCrc32 !== undefined && end - start >= NATIVE_FROM_BYTES)
    return nativeCrc32(bytes.subarray(start, end)) >>> 0;
  return crc32OfRange(bytes, start, end);
}

/** Two lower-case hex digits of each byte value. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `checksum` as 8 lower-case hex digits. */
export function checksumHex(checksum: number): string {
  return (
    HEX_PAIRS[(checksum >>> 24) & 255]! +
    HEX_PAIRS[(checksum >>> 16) & 255]! +
    HEX_PAIRS[(checksum >>> 8) & 255]! +
    HEX_PAIRS[checksum & 255]!
  );
}

/** Writes `checksum` as 8 lower-case hex digits at `offset`; returns the offset after them. */
export function writeChecksumHex(target: Buffer, offset: number, checksum: number): number {
  for (let shift = 28; shift >= 0; shift -= 4) target[offset++] = HEX_DIGITS[(checksum >>> shift) & 15]!;
  return offset;
}

/** Reads 8 lower-case hex digits at `offset`; -1 when any of them is not one. */
export function readChecksumHex(source: Buffer, offset: number): number {
  let value = 0;
  for (let i = 0; i < CHECKSUM_HEX_LENGTH; i++) {
    const digit = HEX_VALUE[source[offset + i] ?? 0]!;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Whether `source` holds exactly the bytes of `expected` at `offset`. */
export function bytesAt(source: Buffer, offset: number, expected: Buffer): boolean {
  if (offset < 0 || offset + expected.length > source.length) return false;
  for (let i = 0; i < expected.length; i++) if (source[offset + i] !== expected[i]) return false;
  return true;
}
