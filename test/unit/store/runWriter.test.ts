import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyRunEvent, emptyRunState } from '../../../src/core/model/runState';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { RunStore } from '../../../src/core/store/runStore';
import { EventBuilder, foldEvents, sampleRunEvents } from '../../support/eventBuilders';
import { createRun, openRun, useTempDir } from './storeTestUtils';

/** The writer keeps the log and snapshots the run's one state; it never folds a copy of its own. */
describe('store/runWriter: one state, folded by its caller', () => {
  const tempDir = useTempDir();
  const store = (snapshotEvery?: number): RunStore =>
    new RunStore({
      root: tempDir(),
      ownerId: 'window-A',
      flushIntervalMs: 1,
      // Periodic snapshots of these tiny logs: no wait for the log to grow by megabytes first.
      ...(snapshotEvery ? { snapshotEvery, snapshotAfterLogBytes: 0 } : {}),
    });
  const runDir = (runId: string): string => join(tempDir(), 'runs', runId);
  const snapshotSeq = async (runId: string): Promise<number> =>
    (JSON.parse(await readFile(join(runDir(runId), 'snapshot.json'), 'utf8')) as { state: { lastSeq: number } }).state
      .lastSeq;

  it('snapshots the very state object it was given on create and on open, not a copy', async () => {
    const state = emptyRunState('same');
    const writer = await store().create('same', state);
    assert.equal(writer.state, state);
    const events = sampleRunEvents('same', 2);
    for (const e of events) {
      applyRunEvent(state, e);
      writer.append(e);
    }
    // A change of the caller's state after the last append shows in the final snapshot, so it is that object.
    state.goal = 'changed by the one fold';
    await writer.close();
    assert.equal((await store().load('same')).state.goal, 'changed by the one fold');

    const opened = await store().open('same');
    assert.equal(opened.writer.state, opened.state, 'open hands out the state the writer snapshots');
    await opened.writer.close();
  });

  it('does not fold: the state moves only when its caller folds', async () => {
    const run = await createRun(store(), 'nofold');
    const b = new EventBuilder('nofold');
    run.record(b.created());
    const before = structuredClone(run.state);
    const next = b.log('appended without folding');
    assert.throws(
      () => run.writer.append(next),
      /state stands at seq 1; fold each event into the state, then append it/,
    );
    assert.deepEqual(run.state, before, 'the writer left the state alone');
    await run.writer.close();
    const log = await readEventLog(join(runDir('nofold'), 'events.jsonl'));
    assert.deepEqual(
      log.events.map((e) => e.seq),
      [1],
      'a refused event never reaches the log',
    );
  });

  it('refuses to create a run from a state that is not its own empty one', async () => {
    await assert.rejects(store().create('a', emptyRunState('b')), /starts from its own empty state/);
    const used = foldEvents('c', sampleRunEvents('c', 1));
    await assert.rejects(store().create('c', used), /at seq \d+/);
  });

  it('never snapshots a state folded past the log: the final snapshot is skipped, recovery folds the log', async () => {
    const run = await createRun(store(), 'ahead');
    const b = new EventBuilder('ahead');
    const recorded = [b.created(), b.log('one'), b.log('two')];
    for (const e of recorded) run.record(e);
    await run.writer.flush();
    // The session folds first; here the writer refuses the event (a gap), so the state runs ahead of the log.
    const gap = new EventBuilder('ahead', { startSeq: 9 }).log('gap');
    assert.throws(() => run.record(gap), /expects seq 4/);
    assert.equal(run.state.lastSeq, 9);
    await run.writer.close();
    const loaded = await store().load('ahead');
    assert.equal(loaded.state.lastSeq, 3);
    assert.deepEqual(loaded.state, foldEvents('ahead', recorded));
    await assert.rejects(snapshotSeq('ahead'), /ENOENT/, 'no snapshot holds seq 9');
  });

  it('skips a periodic snapshot while the state stands past the last recorded event', async () => {
    const run = await createRun(store(3), 'periodic');
    const b = new EventBuilder('periodic');
    run.record(b.created());
    run.record(b.log('1'));
    run.record(b.log('2'));
    // Before the queued snapshot runs, the state is folded one event further than the log.
    applyRunEvent(run.state, b.log('3, folded but not recorded'));
    await run.writer.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(snapshotSeq('periodic'), /ENOENT/);
    await run.writer.close();
  });

  it('takes a periodic snapshot of the shared state once it and the log agree', async () => {
    const run = await createRun(store(3), 'agree');
    const b = new EventBuilder('agree');
    for (const e of [b.created(), b.log('1'), b.log('2')]) run.record(e);
    for (let waited = 0; waited < 5000; waited += 10) {
      if ((await snapshotSeq('agree').catch(() => 0)) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(await snapshotSeq('agree'), 3);
    await run.writer.close();
  });

  it('an opened run continues from the recovered state; replays are ignored, not folded twice', async () => {
    const first = await createRun(store(), 'again');
    const b = new EventBuilder('again');
    const events = [b.created(), b.usage('t1', 100, 10, 0.01)];
    for (const e of events) first.record(e);
    await first.writer.close();

    const opened = await openRun(store(), 'again');
    for (const e of events) opened.record(e);
    assert.equal(opened.writer.duplicatesIgnored, 2);
    assert.equal(opened.state.usage.inputTokens, 100, 'a replayed usage event is not counted twice');
    await opened.writer.close();
  });
});
