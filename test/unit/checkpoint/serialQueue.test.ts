import assert from 'node:assert/strict';
import { SerialQueue } from '../../../src/core/checkpoint/serialQueue';

describe('checkpoint/SerialQueue', () => {
  it('runs jobs one at a time in submission order', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const job = (name: string, ms: number) => async (): Promise<string> => {
      running++;
      assert.equal(running, 1, 'only one job runs at a time');
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([queue.run(job('a', 30)), queue.run(job('b', 1)), queue.run(job('c', 10))]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('keeps going after a job fails, and hands the failure to its caller only', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => 'still runs');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'still runs');
  });
});
