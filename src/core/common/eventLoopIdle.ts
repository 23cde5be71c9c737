import { performance } from 'node:perf_hooks';

/** How often the check looks at the event loop, and how idle the last look must have been. */
const IDLE_CHECK_MS = 10;
const IDLE_UTILISATION = 0.1;
/** A loop that never idles (a busy extension host) runs the work after this long anyway. */
const MAX_IDLE_WAIT_MS = 2_000;

/** Work waiting for an idle event loop; `cancel` drops it if it has not run. */
export interface IdleWait {
  cancel(): void;
}

/**
 * Runs `work` once the event loop has been idle for a check interval (about 10 ms with under 10%
 * busy), or after `maxWaitMs` (two seconds) on a loop that never idles: for work that is worth
 * doing ahead of need (while a request waits for its answer) but must not compete with building
 * that request. The wait never keeps a process alive; `work` throwing is the caller's to catch.
 */
export function whenEventLoopIdle(work: () => void, maxWaitMs = MAX_IDLE_WAIT_MS): IdleWait {
  const startedAt = performance.now();
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const idle = performance.eventLoopUtilization(now, last).utilization < IDLE_UTILISATION;
    last = now;
    if (!idle && performance.now() - startedAt <= maxWaitMs) return;
    clearInterval(timer);
    work();
  }, IDLE_CHECK_MS);
  timer.unref?.();
  return { cancel: () => clearInterval(timer) };
}
