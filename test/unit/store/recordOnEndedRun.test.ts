import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { recordOnEndedRun } from '../../../src/core/store/recordOnEndedRun';
import { RunLockedError } from '../../../src/core/store/runLock';
import { RunStore } from '../../../src/core/store/runStore';
import { createRun, useTempDir } from './storeTestUtils';

describe('store/recordOnEndedRun: a person’s decision recorded on an ended run', () => {
  const dir = useTempDir();

  it('appends, folds and releases the run; a reader sees the event after a restart', async () => {
    const store = new RunStore({ root: dir(), flushIntervalMs: 0 });
    const run = await createRun(store, 'r1');
    run.record({ type: 'run.created', seq: 1, at: 1, runId: 'r1', goal: 'g', dryRun: false, budget: {} } as never);
    await run.writer.close();
    const { state, events } = await recordOnEndedRun(
      store,
      'r1',
      [{ type: 'review.accepted', path: 'a.ts', hunkId: '0123456789abcdef' }],
      systemClock,
    );
    assert.deepEqual(
      events.map((e) => [e.seq, e.type]),
      [[2, 'review.accepted']],
    );
    assert.deepEqual(state.reviewAccepted, { '0123456789abcdef': 'a.ts' });
    const reread = await new RunStore({ root: dir() }).load('r1');
    assert.deepEqual(reread.state.reviewAccepted, { '0123456789abcdef': 'a.ts' });
    assert.equal(reread.state.lastSeq, 2);
  });

  it('refuses, recording nothing, while another owner holds the run', async () => {
    const owner = new RunStore({ root: dir(), flushIntervalMs: 0 });
    const run = await createRun(owner, 'r2');
    run.record({ type: 'run.created', seq: 1, at: 1, runId: 'r2', goal: 'g', dryRun: false, budget: {} } as never);
    await run.writer.flush();
    const other = new RunStore({ root: dir(), ownerId: 'other-window' });
    await assert.rejects(
      recordOnEndedRun(other, 'r2', [{ type: 'review.reverted', path: 'a.ts' }], systemClock),
      RunLockedError,
    );
    await run.writer.close();
    assert.equal((await other.load('r2')).state.lastSeq, 1);
  });
});
