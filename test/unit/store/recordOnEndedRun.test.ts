import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { recordOnEndedRun } from '../../../src/core/store/recordOnEndedRun';
import { RunLockedError } from '../../../src/core/store/runLock';
import { RunStore } from '../../../src/core/store/runStore';
import { createRun, useTempDir } from './storeTestUtils';

describe('store/recordOnEndedRun: a person’s action recorded on an ended run', () => {
  const dir = useTempDir();

  async function endedRun(store: RunStore, runId: string) {
    const run = await createRun(store, runId);
    run.record({ type: 'run.created', seq: 1, at: 1, runId, goal: 'g', dryRun: false, budget: {} } as never);
    return run;
  }

  it('acts while holding the run, then appends and folds its events; a reader sees them after a restart', async () => {
    const store = new RunStore({ root: dir(), flushIntervalMs: 0 });
    await (await endedRun(store, 'r1')).writer.close();
    const steps: string[] = [];
    const { state, events } = await recordOnEndedRun(store, 'r1', systemClock, async () => {
      steps.push('acted');
      return [{ type: 'review.accepted', path: 'a.ts', hunkId: '0123456789abcdef' }];
    });
    assert.deepEqual(steps, ['acted']);
    assert.deepEqual(
      events.map((e) => [e.seq, e.type]),
      [[2, 'review.accepted']],
    );
    assert.deepEqual(state.reviewAccepted, { '0123456789abcdef': 'a.ts' });
    const reread = await new RunStore({ root: dir() }).load('r1');
    assert.deepEqual(reread.state.reviewAccepted, { '0123456789abcdef': 'a.ts' });
    assert.equal(reread.state.lastSeq, 2);
  });

  it('records nothing when the action fails, and releases the run', async () => {
    const store = new RunStore({ root: dir(), flushIntervalMs: 0 });
    await (await endedRun(store, 'r3')).writer.close();
    await assert.rejects(
      recordOnEndedRun(store, 'r3', systemClock, async () => {
        throw new Error('the file has unsaved changes');
      }),
      /unsaved changes/,
    );
    assert.equal((await store.load('r3')).state.lastSeq, 1);
    await recordOnEndedRun(store, 'r3', systemClock, async () => []); // the lock was given back
  });

  it('refuses before acting while another owner holds the run', async () => {
    const owner = new RunStore({ root: dir(), flushIntervalMs: 0 });
    const run = await endedRun(owner, 'r2');
    await run.writer.flush();
    const other = new RunStore({ root: dir(), ownerId: 'other-window' });
    let acted = false;
    await assert.rejects(
      recordOnEndedRun(other, 'r2', systemClock, async () => {
        acted = true;
        return [{ type: 'review.reverted', path: 'a.ts' }];
      }),
      RunLockedError,
    );
    assert.equal(acted, false, 'nothing changed');
    await run.writer.close();
    assert.equal((await other.load('r2')).state.lastSeq, 1);
  });
});
