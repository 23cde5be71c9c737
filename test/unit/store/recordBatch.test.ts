import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { DAMAGED_RECORD, RecordBatch, recordBodyEnd, recordLine } from '../../../src/core/store/logRecord';
import { checksumOf, crc32InJavaScript, crc32OfRange } from '../../../src/core/store/recordChecksum';
import { EventBuilder, sampleRunEvents } from '../../support/eventBuilders';
import { useTempDir } from './storeTestUtils';

/** The batch's bytes for `events`, taken in one piece. */
function encode(events: readonly RunEvent[], batch = new RecordBatch()): Buffer {
  for (const e of events) batch.add(JSON.stringify(e));
  return batch.take();
}

/** The bytes the string-at-a-time encoder (`recordLine`) gives the same events. */
function linesOf(events: readonly RunEvent[]): Buffer {
  return Buffer.from(events.map((e) => recordLine(JSON.stringify(e))).join(''), 'utf8');
}

/** Events whose text needs every width of UTF-8, escapes, and lone surrogates (which JSON escapes). */
function awkwardTextEvents(runId: string): RunEvent[] {
  const b = new EventBuilder(runId);
  return [
    b.created('héllo ✓ 🚀 "quoted" \\ back\nslash\u2028\u0000'),
    b.log('日本語のログ 👩‍👩‍👧 ß'),
    b.log('lone surrogates: \ud800 and \udfff and a pair split \ud83d|\ude80'),
    b.log('plain'),
  ];
}

describe('checklist 20: a record batch encodes events straight into bytes that read back as the same events', () => {
  const tempDir = useTempDir();

  async function readBack(bytes: Buffer): Promise<Awaited<ReturnType<typeof readEventLog>>> {
    const path = join(tempDir(), 'events.jsonl');
    await writeFile(path, bytes);
    return readEventLog(path);
  }

  it('gives byte for byte the lines recordLine gives, and they read back as the events', async () => {
    const events = sampleRunEvents('r1', 3);
    const bytes = encode(events);
    assert.deepEqual(bytes, linesOf(events));
    const read = await readBack(bytes);
    assert.deepEqual(read.events, events);
    assert.deepEqual(read.damagedRecords, []);
    assert.deepEqual(read.warnings, []);
  });

  it('seals multi-byte UTF-8, emoji, escapes and lone surrogates over the bytes on disk', async () => {
    const events = awkwardTextEvents('utf8');
    const bytes = encode(events);
    assert.deepEqual(bytes, linesOf(events));
    const read = await readBack(bytes);
    assert.deepEqual(read.events, events);
    assert.deepEqual(read.damagedRecords, []);
  });

  it('a raw lone surrogate (not from JSON.stringify) is written as U+FFFD and sealed over those bytes', () => {
    const batch = new RecordBatch();
    batch.add('{"type":"log","message":"\ud800x"}');
    const bytes = batch.take();
    assert.equal(bytes.toString('utf8'), recordLine('{"type":"log","message":"\ufffdx"}'));
    assert.ok(recordBodyEnd(bytes, 0, bytes.length - 1) > 0, 'the checksum matches the bytes written');
  });

  it('huge lines, ASCII and multi-byte, grow the buffer and keep every earlier record intact', async () => {
    const b = new EventBuilder('huge');
    const events = [
      b.created('small first'),
      b.log('x'.repeat(300_000)),
      b.log('✓'.repeat(100_000)),
      b.log('🚀'.repeat(40_000)),
      ...Array.from({ length: 2_000 }, (_, i) => b.log(`after ${i}`)),
    ];
    const batch = new RecordBatch();
    const bytes = encode(events, batch);
    assert.equal(bytes.length, linesOf(events).length);
    assert.deepEqual(bytes, linesOf(events));
    const read = await readBack(bytes);
    assert.equal(read.events.length, events.length);
    assert.deepEqual(read.events, events);
    // The next batch starts empty and is encoded on its own.
    assert.equal(batch.count, 0);
    assert.equal(batch.byteLength, 0);
    const next = [b.log('next batch')];
    assert.deepEqual(encode(next, batch), linesOf(next));
  });

  it('counts records and bytes as they are added, and take() hands the bytes over', () => {
    const events = sampleRunEvents('count', 1);
    const batch = new RecordBatch();
    batch.add(JSON.stringify(events[0]));
    batch.add(JSON.stringify(events[1]));
    assert.equal(batch.count, 2);
    assert.equal(batch.byteLength, linesOf(events.slice(0, 2)).length);
    const taken = batch.take();
    batch.add(JSON.stringify(events[2]));
    assert.deepEqual(taken, linesOf(events.slice(0, 2)), 'later adds do not write into bytes already taken');
    assert.deepEqual(batch.take(), linesOf(events.slice(2, 3)));
  });

  it('refuses what is not a JSON object with a field, says so, and adds nothing', () => {
    const batch = new RecordBatch();
    const first = sampleRunEvents('bad', 1)[0]!;
    batch.add(JSON.stringify(first));
    const before = batch.byteLength;
    for (const bad of ['{}', '[1,2]', '"text"', '42', '', '{"open":1']) {
      assert.throws(() => batch.add(bad), /must be a JSON object with at least one field/, bad);
      assert.equal(batch.count, 1);
      assert.equal(batch.byteLength, before);
    }
    assert.deepEqual(batch.take(), linesOf([first]));
  });
});

describe('checklist 16: records from a batch that are torn or damaged are reported, never read as intact', () => {
  const tempDir = useTempDir();

  it('a batch cut short by a crash leaves a torn last line: skipped with a warning, the records before it read', async () => {
    const events = sampleRunEvents('torn', 2);
    const bytes = encode(events);
    const path = join(tempDir(), 'events.jsonl');
    await writeFile(path, bytes.subarray(0, bytes.length - 7));
    const read = await readEventLog(path);
    assert.deepEqual(read.events, events.slice(0, -1));
    assert.deepEqual(read.damagedRecords, []);
    assert.equal(read.validBytes, bytes.lastIndexOf(0x0a, bytes.length - 2) + 1);
    assert.match(read.warnings.join('\n'), /torn last line/);
  });

  it('a changed byte inside a record fails its checksum: that record is reported damaged, the others read', async () => {
    const events = awkwardTextEvents('flip');
    const bytes = encode(events);
    const second = bytes.indexOf(0x0a) + 1;
    // "日" is E6 97 A5; changing its last byte keeps valid UTF-8 and valid JSON ("旦" is E6 97 A6).
    const at = bytes.indexOf(Buffer.from('日', 'utf8'), second) + 2;
    bytes[at] = 0xa6;
    const third = bytes.indexOf(0x0a, second) + 1;
    assert.equal(recordBodyEnd(bytes, second, third - 1), DAMAGED_RECORD);
    const path = join(tempDir(), 'events.jsonl');
    await writeFile(path, bytes);
    const read = await readEventLog(path);
    assert.deepEqual(read.damagedRecords, [second]);
    assert.deepEqual(
      read.events,
      events.filter((_, i) => i !== 1),
    );
    assert.match(read.warnings[0] ?? '', new RegExp(`corrupt line at byte ${second}: its checksum does not match`));
  });
});

describe('store/recordChecksum: the slicing-by-8 CRC-32', () => {
  it('equals zlib and the byte-at-a-time definition on every length and offset, short and long', () => {
    const data = Buffer.alloc(9_000);
    let seed = 7;
    for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    // The standard check value of "123456789".
    assert.equal(crc32OfRange(Buffer.from('123456789'), 0, 9), 0xcbf43926);
    assert.equal(crc32OfRange(data, 5, 5), 0);
    const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
    for (const [start, end] of [
      [0, 1],
      [3, 10],
      [1, 17],
      [100, 2_147],
      [7, 7 + 511],
      [7, 7 + 512],
      [13, 2_048 + 13],
      [0, 9_000],
      ...Array.from({ length: 64 }, (_, i) => [i, i + 1 + i * 37]),
    ] as const) {
      const expected = bytewiseCrc32(data.subarray(start, end));
      assert.equal(crc32OfRange(data, start, end), expected, `${start}..${end}`);
      assert.equal(checksumOf(data, start, end), expected, `${start}..${end}`);
      assert.equal(crc32InJavaScript(data.subarray(start, end)), expected);
      if (native) assert.equal(native(data.subarray(start, end)) >>> 0, expected);
    }
  });
});

/** CRC-32 straight from its definition, one bit at a time. */
function bytewiseCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
