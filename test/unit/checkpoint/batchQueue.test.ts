import assert from 'node:assert/strict';
import { BatchQueue, type BatchOutcome } from '../../../src/core/checkpoint/batchQueue';

/** A promise and the function that settles it: the test decides when each stage of a batch ends. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('checkpoint/BatchQueue', () => {
  it('lets calls made before a batch closes join it, and serves later ones in the next batch, in arrival order', async () => {
    const batches: string[][] = [];
    const peeked: string[][] = [];
    const [prepared, closed, finish] = [gate(), gate(), gate()];
    const queue = new BatchQueue<string, string>(async (batch) => {
      peeked.push([...batch.peek()]);
      if (batches.length === 0) await prepared.wait;
      const members = batch.close();
      batches.push([...members]);
      if (batches.length === 1) {
        closed.open();
        await finish.wait;
      }
      return members.map((i): BatchOutcome<string> => ({ ok: true, value: i.toUpperCase() }));
    });
    const first = [queue.add('a')];
    await Promise.resolve();
    first.push(queue.add('b'), queue.add('c'));
    prepared.open();
    await closed.wait;
    const second = ['d', 'e'].map((i) => queue.add(i));
    finish.open();
    assert.deepEqual(await Promise.all([...first, ...second]), ['A', 'B', 'C', 'D', 'E']);
    assert.deepEqual(batches, [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    assert.deepEqual(peeked[0], ['a'], 'peek shows who is waiting so far without closing the batch');
  });

  it('hands each caller its own outcome, and a batch that throws fails only its own calls', async () => {
    let round = 0;
    const queue = new BatchQueue<number, number>(async (batch) => {
      if (++round === 1) throw new Error('snapshot failed');
      return batch
        .close()
        .map((n): BatchOutcome<number> =>
          n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 },
        );
    });
    await assert.rejects(queue.add(1), /snapshot failed/);
    const [good, bad] = await Promise.allSettled([queue.add(2), queue.add(-1)]);
    assert.deepEqual(good, { status: 'fulfilled', value: 4 });
    assert.equal(bad?.status, 'rejected');
    assert.match(String((bad as PromiseRejectedResult).reason), /bad -1/);
  });
});
