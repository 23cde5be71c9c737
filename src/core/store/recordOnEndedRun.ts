import type { Clock } from '../common/clock';
import type { RunEvent, RunEventBody } from '../model/runEvents';
import { applyRunEvent } from '../model/runState';
import type { RunState } from '../model/runState';
import type { RunStore } from './runStore';

/**
 * Records events on a run that no process runs (a person's review of an ended run): takes the run's
 * lock, stamps and folds each event, appends it, and closes the run again. Throws `RunLockedError`,
 * recording nothing, when another process or window owns the run.
 */
export async function recordOnEndedRun(
  store: RunStore,
  runId: string,
  bodies: readonly RunEventBody[],
  clock: Clock,
): Promise<{ state: RunState; events: RunEvent[] }> {
  const { writer, state } = await store.open(runId);
  const events: RunEvent[] = [];
  try {
    for (const body of bodies) {
      const event = { ...body, seq: state.lastSeq + 1, at: clock.now(), runId } as RunEvent;
      applyRunEvent(state, event);
      writer.append(event);
      events.push(event);
    }
    await writer.flush();
  } finally {
    await writer.close();
  }
  return { state, events };
}
