import type { Clock } from '../common/clock';

/** Aborts what an attempt left running (a stray branch of a Promise.all) once the attempt is over. */
export const ATTEMPT_OVER = Object.assign(new Error('The attempt is over.'), { name: 'AbortError' });

/** How long an aborted agent may take to stop before its locks and load are released anyway. */
export const DEFAULT_ABANDON_GRACE_MS = 10_000;

/** What waiting for an aborted agent needs. */
export interface AgentStopWait {
  graceMs: number;
  clock: Clock;
  /** The executor's disposal: stops the wait at once. */
  disposed: AbortSignal;
  warn(message: string): void;
  agentId: string;
  taskId: string;
}

/**
 * Waits for an aborted agent's `work` to settle, so its locks and load stay held while it might
 * still write; after `graceMs` they are released anyway, with a warning.
 */
export async function waitForAgentToStop(work: Promise<unknown>, wait: AgentStopWait): Promise<void> {
  const stopped = work.then(
    () => 'stopped' as const,
    () => 'stopped' as const,
  );
  const timer = new AbortController();
  const onDispose = (): void => timer.abort(ATTEMPT_OVER);
  wait.disposed.addEventListener('abort', onDispose, { once: true });
  const late = wait.clock.sleep(wait.graceMs, timer.signal).then(
    () => 'late' as const,
    () => 'late' as const,
  );
  const verdict = await Promise.race([stopped, late]);
  timer.abort(ATTEMPT_OVER);
  wait.disposed.removeEventListener('abort', onDispose);
  if (verdict === 'late') {
    wait.warn(
      `Agent "${wait.agentId}" did not stop within ${wait.graceMs} ms after its attempt at "${wait.taskId}" ended; its locks are released anyway.`,
    );
  }
}
