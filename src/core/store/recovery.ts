import { join } from 'node:path';
import { errorMessage } from '../common/errors';
import { applyRunEvent, emptyRunState } from '../model/runState';
import type { RunState } from '../model/runState';
import { readEventLog } from './eventLogReader';
import type { EventLogReadResult } from './eventLogReader';
import { quarantineFile } from './quarantine';
import { EVENT_LOG_FILE } from './runLayout';
import { readSnapshot, SNAPSHOT_FILE } from './snapshot';

/** Options for `recoverRunState`. */
export interface RecoverOptions {
  /**
   * Move an unusable snapshot into `quarantine/` (default true). Only the owner of the run may do
   * this; read-only callers pass false and get a warning instead.
   */
  quarantine?: boolean;
  /** Another process owns the run and may be mid-append, so a partial last line is not a problem to report. */
  liveWriter?: boolean;
}

/** A recovered run state and everything that looked wrong on the way. */
export interface RecoveredRun {
  state: RunState;
  /** Readable sentences for the user; empty when the run was intact. */
  warnings: string[];
}

/**
 * Rebuilds a run's state: the snapshot (if usable) plus every log event after it. An unusable
 * snapshot is quarantined, never deleted, and the state is rebuilt from the log alone.
 */
export async function recoverRunState(
  runDir: string,
  runId: string,
  options: RecoverOptions = {},
): Promise<RecoveredRun> {
  const warnings: string[] = [];
  const snapshotPath = join(runDir, SNAPSHOT_FILE);
  const logPath = join(runDir, EVENT_LOG_FILE);

  let state = emptyRunState(runId);
  let fromOffset: number | undefined;
  const snapshot = await readSnapshot(snapshotPath, runId).catch((err: unknown) => {
    throw new Error(
      `Could not read ${snapshotPath} of run "${runId}": ${errorMessage(err)}. Check the file's permissions.`,
      { cause: err },
    );
  });
  if (snapshot.status === 'ok') {
    state = snapshot.snapshot.state;
    fromOffset = snapshot.snapshot.logOffset;
  } else if (snapshot.status === 'invalid') {
    if (options.quarantine ?? true) {
      const moved = await quarantineFile(snapshotPath, runDir, 'snapshot', 'json');
      warnings.push(
        `The snapshot of run "${runId}" was unusable (${snapshot.reason}); moved it to ${moved} and rebuilt the run from its event log.`,
      );
    } else {
      warnings.push(
        `The snapshot of run "${runId}" is unusable (${snapshot.reason}); rebuilt the run from its event log. ` +
          'It will be moved to quarantine/ when the run is next opened.',
      );
    }
  }
  const snapshotSeq = state.lastSeq;

  let log: EventLogReadResult;
  try {
    log = await readEventLog(logPath, {
      ...(fromOffset === undefined ? {} : { fromOffset }),
      liveWriter: options.liveWriter ?? false,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `Could not read ${logPath} of run "${runId}": ${errorMessage(err)}. Check the file's permissions.`,
        { cause: err },
      );
    }
    if (snapshot.status !== 'missing' || snapshotSeq > 0)
      warnings.push(`The event log ${logPath} of run "${runId}" is missing.`);
    return { state, warnings };
  }
  warnings.push(...log.warnings);

  let previous = 0;
  let foreign = 0;
  for (const event of log.events) {
    if (event.runId !== runId) {
      foreign++;
      continue;
    }
    if (event.seq > snapshotSeq) {
      const after = Math.max(previous, snapshotSeq);
      if (event.seq !== after + 1) {
        warnings.push(
          `${logPath}: events ${after + 1} to ${event.seq - 1} are missing; the run continues from event ${event.seq}.`,
        );
      }
      applyRunEvent(state, event);
    }
    previous = event.seq;
  }
  if (foreign > 0) warnings.push(`${logPath}: skipped ${foreign} events that belong to another run.`);
  // Reading from the snapshot's offset already proved the log reaches it; a full read must show it.
  if (log.startOffset === 0 && previous < snapshotSeq) {
    warnings.push(
      `${logPath} ends at event ${previous}, but the snapshot holds events up to ${snapshotSeq}; ` +
        'the run continues from the snapshot, and the log lacks those events.',
    );
  }
  return { state, warnings };
}
