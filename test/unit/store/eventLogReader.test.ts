import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { EventBuilder, sampleRunEvents, toJsonLines } from '../../support/eventBuilders';
import { useTempDir } from './storeTestUtils';

describe('store/eventLogReader', () => {
  const tempDir = useTempDir();
  const logPath = (): string => join(tempDir(), 'events.jsonl');

  it('reads every event of an intact log', async () => {
    const events = sampleRunEvents('r1', 3);
    await writeFile(logPath(), toJsonLines(events));
    const read = await readEventLog(logPath());
    assert.deepEqual(read.events, events);
    assert.deepEqual(read.warnings, []);
    assert.equal(read.validBytes, Buffer.byteLength(toJsonLines(events)));
  });

  it('hands each valid event to onEvent in file order instead of collecting them, skipping bad lines', async () => {
    const b = new EventBuilder('r1');
    const events = [b.created(), b.log('1'), b.log('2')];
    const [first, second, third] = toJsonLines(events).split('\n');
    await writeFile(logPath(), `${first}\nnot json\n${second}\n${third}\n`);
    const seen: number[] = [];
    const read = await readEventLog(logPath(), { onEvent: (event) => seen.push(event.seq) });
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(read.events, [], 'nothing is held once it was handed out');
    assert.equal(read.eventCount, 3);
    assert.equal(read.skippedLines, 1);
    assert.equal((await readEventLog(logPath())).eventCount, 3, 'counted when collected too');
  });

  it('skips a torn last line with a warning naming the file and byte offset', async () => {
    const b = new EventBuilder('r1');
    const good = toJsonLines([b.created(), b.log('x')]);
    await writeFile(logPath(), `${good}{"seq":3,"at":`);
    const read = await readEventLog(logPath());
    assert.equal(read.events.length, 2);
    assert.equal(read.warnings.length, 1);
    assert.match(
      read.warnings[0]!,
      new RegExp(
        `${logPath().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*torn last line at byte ${Buffer.byteLength(good)}`,
      ),
    );
    assert.equal(read.validBytes, Buffer.byteLength(good));
    assert.equal(read.skippedLines, 1);
  });

  it('skips a corrupt line in the middle with a warning and counts it', async () => {
    const b = new EventBuilder('r1');
    const first = toJsonLines([b.created()]);
    const rest = [b.log('two'), b.log('three')];
    await writeFile(logPath(), `${first}{not json\n${toJsonLines(rest)}`);
    const read = await readEventLog(logPath());
    assert.deepEqual(
      read.events.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(read.skippedLines, 1);
    assert.match(read.warnings[0] ?? '', new RegExp(`corrupt line at byte ${Buffer.byteLength(first)}: not JSON`));
  });

  it('skips a JSON line that is not a valid event, saying which field is wrong', async () => {
    const b = new EventBuilder('r1');
    const bad = { ...b.taskStarted('t1'), attempt: 0 };
    await writeFile(logPath(), toJsonLines([b.created()]) + `${JSON.stringify(bad)}\n`);
    const read = await readEventLog(logPath());
    assert.equal(read.events.length, 1);
    assert.match(read.warnings[0] ?? '', /not a valid "task.started" event \(attempt:/);
  });

  it('skips events whose seq does not increase', async () => {
    const b = new EventBuilder('r1');
    const [one, two, three] = [b.created(), b.log('two'), b.log('three')];
    await writeFile(logPath(), toJsonLines([one!, two!, one!, two!, three!]));
    const read = await readEventLog(logPath());
    assert.deepEqual(
      read.events.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.equal(read.skippedLines, 2);
    assert.match(read.warnings[0] ?? '', /seq 1 does not follow seq 2/);
  });

  it('summarises warnings beyond the limit instead of listing thousands', async () => {
    const b = new EventBuilder('r1');
    await writeFile(logPath(), toJsonLines([b.created()]) + 'garbage\n'.repeat(50));
    const read = await readEventLog(logPath(), { maxWarnings: 5 });
    assert.equal(read.skippedLines, 50);
    assert.equal(read.warnings.length, 6);
    assert.match(read.warnings[5]!, /45 more bad lines \(50 in total\)/);
  });

  it('reads from a saved offset, and falls back to the whole log when it is not a line boundary', async () => {
    const b = new EventBuilder('r1');
    const head = toJsonLines([b.created(), b.log('two')]);
    const tail = [b.log('three')];
    await writeFile(logPath(), head + toJsonLines(tail));

    const fromBoundary = await readEventLog(logPath(), { fromOffset: Buffer.byteLength(head) });
    assert.deepEqual(fromBoundary.events, tail);
    assert.deepEqual(fromBoundary.warnings, []);

    const fromMiddle = await readEventLog(logPath(), { fromOffset: 5 });
    assert.equal(fromMiddle.events.length, 3);
    assert.match(fromMiddle.warnings[0] ?? '', /no longer ends a line at byte 5/);
  });

  it('reads a 40,000-event log in one linear pass', async () => {
    const b = new EventBuilder('big');
    const events = [b.created()];
    for (let i = 1; i < 40_000; i++) events.push(b.log(`event ${i} ${'x'.repeat(100)}`));
    await writeFile(logPath(), toJsonLines(events));
    // A pass per event (quadratic: ~10^11 byte visits) would outlast mocha's timeout; speed itself is for the benchmarks.
    const read = await readEventLog(logPath());
    assert.equal(read.events.length, 40_000);
    assert.equal(read.events.at(-1)?.seq, 40_000);
  });
});
