import { systemClock, type Clock } from '../../src/core/common/clock';

/** A clock that runs `factor` times faster than real time, so per-minute limits can be tested in seconds. */
export function scaledClock(factor: number): Clock {
  const start = Date.now();
  return {
    now: () => start + (Date.now() - start) * factor,
    sleep: (ms, signal) => systemClock.sleep(ms / factor, signal),
  };
}
