import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EventLogError, EventLogWriter } from '../../../src/core/store/eventLogWriter';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { EventBuilder, toJsonLines } from '../../support/eventBuilders';
import { useTempDir } from './storeTestUtils';

async function lineCount(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  return text.split('\n').length - 1;
}

describe('store/eventLogWriter', () => {
  const tempDir = useTempDir();
  const logPath = (): string => join(tempDir(), 'events.jsonl');

  it('writes many appends in a few batches, one write and fsync each', async () => {
    const writer = await EventLogWriter.open(logPath(), { maxBatch: 1000 });
    const b = new EventBuilder('r1');
    for (let i = 0; i < 5000; i++) writer.append(b.log(`event ${i}`));
    await writer.flush();
    const stats = writer.stats;
    assert.equal(stats.events, 5000);
    assert.ok(stats.batches <= 5, `expected a few batches, got ${stats.batches}`);
    await writer.close();
    assert.equal(await lineCount(logPath()), 5000);
  });

  it('appends made while a batch is being written go into the next batch together', async () => {
    const writer = await EventLogWriter.open(logPath());
    const b = new EventBuilder('r1');
    writer.append(b.log('first'));
    const first = writer.flush();
    for (let i = 0; i < 100; i++) writer.append(b.log(`during ${i}`));
    await Promise.all([first, writer.flush()]);
    assert.deepEqual(writer.stats, { batches: 2, events: 101, bytes: writer.stats.bytes });
    await writer.close();
  });

  it('buffers appends, and flush() resolves only when they are on disk', async () => {
    const writer = await EventLogWriter.open(logPath(), { flushIntervalMs: 60_000 });
    const b = new EventBuilder('r1');
    const events = [b.created(), b.log('one'), b.log('two')];
    for (const e of events) writer.append(e);
    assert.equal(await lineCount(logPath()), 0, 'append must not write synchronously');
    await writer.flush();
    // Read back as another process would after a crash: no close, just the file.
    const read = await readEventLog(logPath());
    assert.deepEqual(read.events, events);
    assert.equal(writer.durableBytes, (await stat(logPath())).size);
    await writer.close();
  });

  it('writes on its own after flushIntervalMs without an explicit flush', async () => {
    const writer = await EventLogWriter.open(logPath(), { flushIntervalMs: 5 });
    writer.append(new EventBuilder('r1').created());
    // Waits for the timer's write however late a loaded machine runs it (a writer that never writes fails on
    // mocha's timeout); nothing here calls flush or close before the line is there.
    while ((await lineCount(logPath())) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(await lineCount(logPath()), 1);
    await writer.close();
  });

  it('cuts off a torn last line on open so the next event stays readable', async () => {
    const b = new EventBuilder('r1');
    const complete = toJsonLines([b.created(), b.log('kept')]);
    await writeFile(logPath(), complete);
    const torn = '{"seq":3,"at":1,"runId":"r1","type":"lo';
    await appendFile(logPath(), torn);

    const before = await readEventLog(logPath());
    assert.equal(before.events.length, 2);
    assert.equal(before.validBytes, Buffer.byteLength(complete));

    const writer = await EventLogWriter.open(logPath());
    assert.deepEqual(writer.tornTail, { offset: Buffer.byteLength(complete), bytes: torn.length });
    writer.append(b.log('after reopen'));
    await writer.close();

    const after = await readEventLog(logPath());
    assert.deepEqual(after.warnings, []);
    assert.deepEqual(
      after.events.map((e) => e.seq),
      [1, 2, 3],
    );
  });

  it('surfaces a disk error: flush rejects, and later appends and flushes keep failing', async function () {
    if (!existsSync('/dev/full')) this.skip();
    const errors: EventLogError[] = [];
    // /dev/full accepts the open and fails every write with ENOSPC, like a full disk.
    const writer = await EventLogWriter.open('/dev/full', { onError: (err) => errors.push(err) });
    const b = new EventBuilder('r1');
    writer.append(b.created());
    await assert.rejects(
      writer.flush(),
      (err: unknown) => err instanceof EventLogError && /ENOSPC/.test(err.message) && /\/dev\/full/.test(err.message),
    );
    assert.throws(() => writer.append(b.log('later')), EventLogError);
    await assert.rejects(writer.flush(), EventLogError);
    assert.equal(errors.length, 1);
    await assert.rejects(writer.close(), EventLogError);
  });

  it('refuses appends after close, and close is idempotent', async () => {
    const writer = await EventLogWriter.open(logPath());
    const b = new EventBuilder('r1');
    writer.append(b.created());
    await Promise.all([writer.close(), writer.close()]);
    assert.throws(() => writer.append(b.log('late')), /closed/);
    assert.equal(await lineCount(logPath()), 1);
  });
});
