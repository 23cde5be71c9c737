import type { Clock } from '../common/clock';
import type { RunEvent, RunEventBody } from '../model/runEvents';
import { applyRunEvent } from '../model/runState';
import type { RunState } from '../model/runState';
import type { RunStore } from './runStore';

/**
 * Records a person's action on a run that no process runs (a review of an ended run): takes the
 * run's lock, carries out `act` while holding it, then stamps, folds and appends the events `act`
 * returns, and closes the run again. When another process or window owns the run, throws
 * `RunLockedError` before `act` runs, so nothing is changed; when `act` throws, nothing is recorded.
 */
export async function recordOnEndedRun(
  store: RunStore,
  runId: string,
  clock: Clock,
  act: () => Promise<readonly RunEventBody[]>,
): Promise<{ state: RunState; events: RunEvent[] }> {
  const { writer, state } = await store.open(runId);
  const events: RunEvent[] = [];
  try {
    for (const body of await act()) {
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
