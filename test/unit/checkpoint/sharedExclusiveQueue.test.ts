import assert from 'node:assert/strict';
import { SharedExclusiveQueue } from '../../../src/core/checkpoint/sharedExclusiveQueue';

/** A job that logs its start, then waits until the test opens it. */
function gatedJob(log: string[], name: string): { job: () => Promise<string>; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    job: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
      return name;
    },
    open: () => open(),
  };
}

/** Lets every queued promise reaction run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('checkpoint/SharedExclusiveQueue', () => {
  it('runs shared jobs together, and an exclusive job only after all earlier ones and before all later ones', async () => {
    const queue = new SharedExclusiveQueue();
    const log: string[] = [];
    const [a, b, x, c] = ['a', 'b', 'x', 'c'].map((name) => gatedJob(log, name)) as [
      ReturnType<typeof gatedJob>,
      ReturnType<typeof gatedJob>,
      ReturnType<typeof gatedJob>,
      ReturnType<typeof gatedJob>,
    ];
    const results = [queue.shared(a.job), queue.shared(b.job), queue.exclusive(x.job), queue.shared(c.job)];
    await settle();
    assert.deepEqual(log, ['start a', 'start b'], 'two shared jobs run at once; the exclusive one waits');
    b.open();
    await settle();
    assert.deepEqual(log, ['start a', 'start b', 'end b'], 'the exclusive job still waits for a');
    a.open();
    await settle();
    assert.deepEqual(log.slice(3), ['end a', 'start x'], 'c, submitted after x, waits for it');
    x.open();
    await settle();
    c.open();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'x', 'c']);
    assert.deepEqual(log.slice(5), ['end x', 'start c', 'end c']);
  });

  it('keeps going after a job fails, and hands the failure to its caller only', async () => {
    const queue = new SharedExclusiveQueue();
    const failedShared = queue.shared(async () => {
      throw new Error('shared boom');
    });
    const failedExclusive = queue.exclusive(async () => {
      throw new Error('exclusive boom');
    });
    const next = queue.shared(async () => 'still runs');
    await assert.rejects(failedShared, /shared boom/);
    await assert.rejects(failedExclusive, /exclusive boom/);
    assert.equal(await next, 'still runs');
  });
});
