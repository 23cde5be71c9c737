import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverRunState } from '../../../src/core/store/recovery';
import { RunStore } from '../../../src/core/store/runStore';
import { EventBuilder } from '../../support/eventBuilders';
import { createRun, useTempDir } from './storeTestUtils';

/** A goal this long makes the state (and so each snapshot) far larger than a few small log lines. */
const BIG = 'x'.repeat(20_000);

describe('checklist 20: periodic snapshots follow the growth of the log, and recovery stays whole', () => {
  const tempDir = useTempDir();
  const store = (snapshotGrowth?: number, snapshotAfterLogBytes = 0): RunStore =>
    new RunStore({
      root: tempDir(),
      ownerId: 'window-A',
      flushIntervalMs: 1,
      snapshotEvery: 3,
      snapshotAfterLogBytes,
      ...(snapshotGrowth === undefined ? {} : { snapshotGrowth }),
    });
  const snapshotSeq = async (runId: string): Promise<number> =>
    (
      JSON.parse(await readFile(join(tempDir(), 'runs', runId, 'snapshot.json'), 'utf8')) as {
        state: { lastSeq: number };
      }
    ).state.lastSeq;

  it('skips a periodic snapshot until the log has grown by the last snapshot’s size, then takes it', async () => {
    const run = await createRun(store(), 'grow');
    const b = new EventBuilder('grow');
    for (const e of [b.created(BIG), b.log('1'), b.log('2')]) run.record(e);
    await run.writer.snapshotsSettled();
    assert.equal(run.writer.snapshotsWritten, 1, 'the first snapshot comes after snapshotEvery events');
    assert.equal(await snapshotSeq('grow'), 3);

    // Three small events: the log grew by a few hundred bytes, the snapshot is over 20 kB.
    for (const m of ['3', '4', '5']) run.record(b.log(m));
    await run.writer.flush();
    await run.writer.snapshotsSettled();
    assert.equal(run.writer.snapshotsWritten, 1, 'no rewrite of a large state for a small log tail');
    assert.equal(await snapshotSeq('grow'), 3);

    // Three large events: now the tail is as large as the snapshot.
    for (const m of ['6', '7', '8']) run.record(b.log(`${m} ${BIG}`));
    await run.writer.snapshotsSettled();
    assert.equal(run.writer.snapshotsWritten, 2);
    assert.equal(await snapshotSeq('grow'), 9);

    // A crash here (no close): the snapshot plus the log tail give back every event.
    run.record(b.log('10'));
    await run.writer.flush();
    const recovered = await recoverRunState(join(tempDir(), 'runs', 'grow'), 'grow');
    assert.equal(recovered.state.lastSeq, 10);
    assert.equal(recovered.state.goal, BIG);
    await run.writer.close();
    assert.equal(await snapshotSeq('grow'), 10, 'close still writes the final snapshot');
  });

  it('snapshots strictly every snapshotEvery events with snapshotGrowth 0 (what crash tests tune)', async () => {
    const run = await createRun(store(0), 'exact');
    const b = new EventBuilder('exact');
    for (const e of [b.created(BIG), b.log('1'), b.log('2')]) run.record(e);
    await run.writer.snapshotsSettled();
    for (const m of ['3', '4', '5']) run.record(b.log(m));
    await run.writer.snapshotsSettled();
    assert.equal(run.writer.snapshotsWritten, 2);
    assert.equal(await snapshotSeq('exact'), 6);
    await run.writer.close();
  });

  it('takes no periodic snapshot before the log has grown by snapshotAfterLogBytes; the log alone recovers the run', async () => {
    const run = await createRun(store(1, 3 * BIG.length), 'short');
    const b = new EventBuilder('short');
    run.record(b.created(BIG));
    // Ten rounds of snapshotEvery events, but the log is still short of the threshold: no snapshot yet.
    for (let i = 1; i < 30; i++) run.record(b.log(`${i}`));
    await run.writer.flush();
    await run.writer.snapshotsSettled();
    const logBytes = (await readFile(join(tempDir(), 'runs', 'short', 'events.jsonl'))).length;
    assert.ok(logBytes < 3 * BIG.length, `the log has ${logBytes} bytes`);
    assert.equal(run.writer.snapshotsWritten, 0, 'a short run pays for no periodic snapshot');

    // A crash here (no close, no snapshot): the log alone gives back every event.
    const recovered = await recoverRunState(join(tempDir(), 'runs', 'short'), 'short');
    assert.equal(recovered.state.lastSeq, 30);
    assert.equal(recovered.state.goal, BIG);
    assert.deepEqual(recovered.warnings, []);

    // Three more goal-sized lines take the log past the threshold: the next round takes one.
    for (const m of ['a', 'b', 'c']) run.record(b.log(`${m} ${BIG}`));
    await run.writer.snapshotsSettled();
    assert.equal(run.writer.snapshotsWritten, 1);
    assert.equal(await snapshotSeq('short'), 33);
    await run.writer.close();
    assert.equal(run.writer.snapshotsWritten, 2, 'close writes the final snapshot');
  });

  it('waits for 8 MiB of log by default, so a short run is snapshotted once, on close', async () => {
    const run = await createRun(new RunStore({ root: tempDir(), flushIntervalMs: 1, snapshotEvery: 3 }), 'dflt');
    const b = new EventBuilder('dflt');
    run.record(b.created());
    for (let i = 1; i < 100; i++) run.record(b.log(`${i} ${'y'.repeat(1_000)}`));
    await run.writer.flush();
    await run.writer.snapshotsSettled();
    assert.equal(run.writer.snapshotsWritten, 0);
    await run.writer.close();
    assert.equal(run.writer.snapshotsWritten, 1);
    assert.equal(await snapshotSeq('dflt'), 100);
  });
});
