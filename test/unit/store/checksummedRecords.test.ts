import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { recordLine } from '../../../src/core/store/logRecord';
import { crc32InJavaScript } from '../../../src/core/store/recordChecksum';
import { RunStore } from '../../../src/core/store/runStore';
import { EventBuilder, foldEvents, sampleRunEvents, toJsonLines } from '../../support/eventBuilders';
import { createRun, openRun, useTempDir } from './storeTestUtils';

describe('checklist 16: every log record and snapshot carries a checksum; a torn or damaged one is reported and kept, never silently dropped', () => {
  const tempDir = useTempDir();
  const store = (): RunStore => new RunStore({ root: tempDir(), flushIntervalMs: 1, snapshotEvery: 1_000_000 });
  const runDir = (runId: string): string => join(tempDir(), 'runs', runId);
  const logOf = (runId: string): string => join(runDir(runId), 'events.jsonl');

  async function writeRun(runId: string, events: readonly RunEvent[]): Promise<void> {
    const run = await createRun(store(), runId);
    for (const e of events) run.record(e);
    await run.writer.close();
  }

  it('writes each event as one JSON line ending in its CRC-32, and reads it back without the checksum', async () => {
    const events = sampleRunEvents('r1', 2);
    await writeRun('r1', events);
    const lines = (await readFile(logOf('r1'), 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, events.length);
    for (const line of lines) {
      const { crc, ...event } = JSON.parse(line) as { crc: unknown };
      assert.match(String(crc), /^[0-9a-f]{8}$/);
      assert.equal(line, recordLine(JSON.stringify(event)).trimEnd());
    }
    const read = await readEventLog(logOf('r1'));
    assert.deepEqual(read.events, events);
    assert.deepEqual(read.damagedRecords, []);
    const snapshot = await readFile(join(runDir('r1'), 'snapshot.json'), 'utf8');
    assert.match(snapshot, /^\{"formatVersion":3,"crc":"[0-9a-f]{8}",/);
  });

  it('seals records of any text: multi-byte UTF-8, escapes and quotes hash as the bytes on disk', async () => {
    const b = new EventBuilder('utf8');
    const events = [b.created('héllo ✓ 🚀 "quoted" \\ back\nslash'), b.log('日本語のログ\u2028'), b.log('plain')];
    await writeRun('utf8', events);
    const read = await readEventLog(logOf('utf8'));
    assert.deepEqual(read.damagedRecords, []);
    assert.deepEqual(read.warnings, []);
    assert.deepEqual(read.events, events);
    const lines = (await readFile(logOf('utf8'), 'utf8')).trimEnd().split('\n');
    assert.deepEqual(
      lines,
      events.map((e) => recordLine(JSON.stringify(e)).trimEnd()),
    );
  });

  it("the JavaScript CRC-32 used where Node lacks zlib.crc32 (before 20.15, VS Code before 1.94) equals zlib's", () => {
    const native = (zlib as { crc32?: (data: string | Uint8Array) => number }).crc32;
    const texts = ['', 'a', 'héllo ✓ 🚀', JSON.stringify(sampleRunEvents('r1', 2)), '\u0000\uffff'];
    const buffers = [Buffer.alloc(0), Buffer.from([0, 255, 128, 7]), Buffer.alloc(5000, 0xa5)];
    // Known values: the standard check value of "123456789", and an empty input.
    assert.equal(crc32InJavaScript('123456789'), 0xcbf43926);
    assert.equal(crc32InJavaScript(''), 0);
    if (native === undefined) return;
    for (const data of [...texts, ...buffers]) assert.equal(crc32InJavaScript(data), native(data) >>> 0);
  });

  it('a torn last record is skipped with a warning on load and cut off on open; the next append reads back', async () => {
    const events = sampleRunEvents('torn', 2);
    await writeRun('torn', events);
    await rm(join(runDir('torn'), 'snapshot.json'));
    const intactSize = (await stat(logOf('torn'))).size;
    const next = new EventBuilder('torn', { startSeq: events.length + 1 }).log('never finished');
    const line = recordLine(JSON.stringify(next));
    await appendFile(logOf('torn'), line.slice(0, line.length - 12));

    const loaded = await store().load('torn');
    assert.deepEqual(loaded.state, foldEvents('torn', events));
    assert.match(loaded.warnings.join('\n'), new RegExp(`torn last line at byte ${intactSize}`));

    const opened = await openRun(store(), 'torn');
    assert.deepEqual(opened.state, foldEvents('torn', events));
    assert.equal((await stat(logOf('torn'))).size, intactSize, 'the torn bytes are cut off before the next append');
    const after = new EventBuilder('torn', { startSeq: opened.writer.nextSeq }).log('after the tear');
    opened.record(after);
    await opened.writer.close();
    const read = await readEventLog(logOf('torn'));
    assert.deepEqual(read.warnings, []);
    assert.deepEqual(read.events, [...events, after]);
    assert.equal(
      existsSync(join(runDir('torn'), 'quarantine')),
      false,
      'a torn tail is an interrupted write, not damage',
    );
  });

  it('a flipped byte in a middle record fails its checksum although the line is still a valid event: reported, the log kept in quarantine, the rest folded', async () => {
    const events = sampleRunEvents('flip', 3);
    await writeRun('flip', events);
    // No snapshot: the whole log is read, as after a crash before the first one.
    await rm(join(runDir('flip'), 'snapshot.json'));
    const text = await readFile(logOf('flip'), 'utf8');
    const damagedAt = Buffer.byteLength(text.slice(0, text.indexOf('{"type":"task.step.completed","taskId":"t2"')));
    // One bit: "d" (0x64) becomes "D" (0x44); the line is still JSON and still a valid event.
    const damaged = text.replace('"t2:edit","result":{"applied":true}', '"t2:edit","result":{"applieD":true}');
    assert.notEqual(damaged, text);
    await writeFile(logOf('flip'), damaged);
    const damagedEvent = events.find((e) => e.type === 'task.step.completed' && e.taskId === 't2')!;
    const expected = foldEvents(
      'flip',
      events.filter((e) => e !== damagedEvent),
    );

    const read = await readEventLog(logOf('flip'));
    assert.deepEqual(read.damagedRecords, [damagedAt]);
    assert.equal(read.events.length, events.length - 1);
    assert.match(read.warnings[0] ?? '', new RegExp(`corrupt line at byte ${damagedAt}: its checksum does not match`));

    const loaded = await store().load('flip');
    assert.deepEqual(loaded.state, expected);
    assert.equal(loaded.state.tasks.t2?.steps['t2:edit'], undefined, 'the damaged event is not folded');
    const loadWarnings = loaded.warnings.join('\n');
    assert.match(loadWarnings, new RegExp(`a damaged record \\(checksum mismatch at byte ${damagedAt}\\)`));
    assert.match(loadWarnings, new RegExp(`events ${damagedEvent.seq} to ${damagedEvent.seq} are missing`));
    assert.match(loadWarnings, /A copy will be kept in .*quarantine when the run is next opened/);
    assert.equal(existsSync(join(runDir('flip'), 'quarantine')), false, 'a reader moves and copies nothing');

    const opened = await openRun(store(), 'flip');
    assert.deepEqual(opened.state, expected);
    const copy = join(runDir('flip'), 'quarantine', `events-damaged-at-${damagedAt}.jsonl`);
    assert.match(opened.warnings.join('\n'), new RegExp(`Kept a copy of the log as it is in ${escape(copy)}`));
    assert.match(opened.warnings.join('\n'), /a step they recorded may run again/);
    assert.equal(await readFile(copy, 'utf8'), damaged, 'the copy holds the damaged bytes as they were');
    await opened.writer.close();
    await rm(join(runDir('flip'), 'snapshot.json'));
    await (await openRun(store(), 'flip')).writer.close();
    assert.deepEqual(await readdir(join(runDir('flip'), 'quarantine')), [`events-damaged-at-${damagedAt}.jsonl`]);
  });

  it('a flipped byte in the snapshot fails its checksum: the snapshot is quarantined and the run rebuilt from the log', async () => {
    const events = sampleRunEvents('snap', 3);
    await writeRun('snap', events);
    const path = join(runDir('snap'), 'snapshot.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"goal":"Add JWT', '"goal":"Add JWS'));

    const opened = await openRun(store(), 'snap');
    assert.deepEqual(opened.state, foldEvents('snap', events));
    assert.match(
      opened.warnings.join('\n'),
      /snapshot .* was unusable \(its checksum does not match its bytes.*moved it to .*quarantine/,
    );
    await opened.writer.close();
  });

  it('reads runs stored before checksums (format 1 log and snapshot), resumes them, and reads the mixed log back', async () => {
    const events = sampleRunEvents('old', 4);
    const half = Math.floor(events.length / 2);
    await writeRun('old', []);
    const oldLog = toJsonLines(events);
    await writeFile(logOf('old'), oldLog);
    const snapshotState = foldEvents('old', events.slice(0, half));
    const logOffset = Buffer.byteLength(toJsonLines(events.slice(0, half)));
    await writeFile(
      join(runDir('old'), 'snapshot.json'),
      JSON.stringify({ formatVersion: 1, savedAt: 1, logOffset, state: snapshotState }),
    );

    const loaded = await store().load('old');
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.state, foldEvents('old', events));

    const opened = await openRun(store(), 'old');
    const more = new EventBuilder('old', { startSeq: opened.writer.nextSeq });
    const added = [more.log('resumed by the new version'), more.taskFailed('t1', 'later')];
    for (const e of added) opened.record(e);
    await opened.writer.close();

    const log = await readFile(logOf('old'), 'utf8');
    assert.ok(log.startsWith(oldLog), 'the old lines are left as they were');
    assert.match(log.slice(oldLog.length), /,"crc":"[0-9a-f]{8}"\}\n.*,"crc":"[0-9a-f]{8}"\}\n$/s);
    const read = await readEventLog(logOf('old'));
    assert.deepEqual(read.warnings, []);
    assert.deepEqual(read.events, [...events, ...added]);
    await rm(join(runDir('old'), 'snapshot.json'));
    assert.deepEqual((await store().load('old')).state, foldEvents('old', [...events, ...added]));
  });

  it('an old-format line that is not a valid event is still refused field by field', async () => {
    const b = new EventBuilder('r1');
    const path = join(tempDir(), 'events.jsonl');
    await writeFile(path, toJsonLines([b.created()]) + `${JSON.stringify({ ...b.taskStarted('t1'), attempt: 0 })}\n`);
    const read = await readEventLog(path);
    assert.equal(read.events.length, 1);
    assert.match(read.warnings[0] ?? '', /not a valid "task.started" event \(attempt:/);
  });

  it('an intact record of an event type this version does not know is skipped with a warning saying so', async () => {
    const b = new EventBuilder('r1');
    const path = join(tempDir(), 'events.jsonl');
    const future = { ...b.log('from the future'), type: 'future.event' };
    await writeFile(path, recordLine(JSON.stringify(b.created())) + recordLine(JSON.stringify(future)));
    const read = await readEventLog(path);
    assert.equal(read.events.length, 1);
    assert.deepEqual(read.damagedRecords, []);
    assert.match(read.warnings[0] ?? '', /type "future.event" is unknown to this version/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
