import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { whenEventLoopIdle } from '../../../src/core/common/eventLoopIdle';

describe('whenEventLoopIdle', () => {
  it('runs the work once, when the event loop has nothing to do', async () => {
    let runs = 0;
    await new Promise<void>((resolve) =>
      whenEventLoopIdle(() => {
        runs++;
        resolve();
      }),
    );
    await sleep(50);
    assert.equal(runs, 1, 'the check stops after running the work');
  });

  it('never runs work that was cancelled', async () => {
    let ran = false;
    const wait = whenEventLoopIdle(() => (ran = true));
    wait.cancel();
    await sleep(60);
    assert.equal(ran, false);
  });

  it('runs the work after the longest wait on a loop that never idles', async () => {
    let ran = false;
    whenEventLoopIdle(() => (ran = true), 30);
    // Keeps the loop busy (about 9 ms of every 10) until the work has run, or two seconds at most.
    const until = Date.now() + 2_000;
    while (!ran && Date.now() < until) {
      const spinUntil = Date.now() + 9;
      while (Date.now() < spinUntil) {
        // busy
      }
      await new Promise((resolve) => setImmediate(resolve));
      await sleep(1);
    }
    assert.equal(ran, true, 'the work ran although the loop stayed busy');
  });
});
