import assert from 'node:assert/strict';
import { BatchQueue, type BatchOutcome } from '../../../src/core/checkpoint/batchQueue';

describe('checkpoint/BatchQueue', () => {
  it('serves calls made together in one batch, and calls made while it runs in the next, in arrival order', async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const firstRunning = new Promise<void>((resolve) => (release = resolve));
    let gate: Promise<void> | undefined;
    const queue = new BatchQueue<string, string>(async (inputs) => {
      batches.push([...inputs]);
      if (batches.length === 1) {
        gate = new Promise<void>((resolve) => setImmediate(resolve));
        release();
        await gate;
      }
      return inputs.map((i): BatchOutcome<string> => ({ ok: true, value: i.toUpperCase() }));
    });
    const first = ['a', 'b', 'c'].map((i) => queue.add(i));
    await firstRunning;
    const second = ['d', 'e'].map((i) => queue.add(i));
    assert.deepEqual(await Promise.all([...first, ...second]), ['A', 'B', 'C', 'D', 'E']);
    assert.deepEqual(batches, [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
  });

  it('hands each caller its own outcome, and a batch that throws fails only its own calls', async () => {
    let round = 0;
    const queue = new BatchQueue<number, number>(async (inputs) => {
      if (++round === 1) throw new Error('snapshot failed');
      return inputs.map((n): BatchOutcome<number> =>
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
