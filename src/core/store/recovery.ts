import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../common/errors';
import { applyRunEvent, emptyRunState } from '../model/runState';
import type { RunState } from '../model/runState';
import type { RunEvent } from '../model/runEvents';
import { readEventLog } from './eventLogReader';
import type { EventLogReadResult } from './eventLogReader';
import { QUARANTINE_DIR, quarantineCopy, quarantineFile } from './quarantine';
import { EVENT_LOG_FILE } from './runLayout';
import { readSnapshot, SNAPSHOT_FILE } from './snapshot';
import type { PlanRecord } from './snapshot';

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

/**
 * Thrown when nothing of a run can be recovered although its files are there: the snapshot is
 * unusable or absent and the event log holds no event of the run (or is gone). The message names
 * each file and its problem, where the quarantined copies are, and what to do.
 */
export class UnreadableRunError extends Error {
  override readonly name = 'UnreadableRunError';
  constructor(
    message: string,
    /** Where the damaged files were moved; empty when the caller may not move them. */
    readonly quarantined: readonly string[],
  ) {
    super(message);
  }
}

/** A recovered run state and everything that looked wrong on the way. */
export interface RecoveredRun {
  state: RunState;
  /** Readable sentences for the user; empty when the run was intact. */
  warnings: string[];
  /** The log record of the run's latest `plan.ready`, so the writer's snapshots can refer to it. */
  planRecord?: PlanRecord;
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
  const quarantine = options.quarantine ?? true;
  const quarantined: string[] = [];
  /** Each damaged file and its problem, for the error when nothing at all can be recovered. */
  const damage: string[] = [];
  const snapshot = await readSnapshot(snapshotPath, runId, logPath).catch((err: unknown) => {
    throw new Error(
      `Could not read ${snapshotPath} of run "${runId}": ${errorMessage(err)}. Check the file's permissions.`,
      { cause: err },
    );
  });
  let planRecord: PlanRecord | undefined;
  if (snapshot.status === 'ok') {
    state = snapshot.snapshot.state;
    fromOffset = snapshot.snapshot.logOffset;
    const ref = snapshot.snapshot.planRecord;
    if (ref !== undefined && state.plan !== undefined) planRecord = { ...ref, plan: state.plan };
  } else if (snapshot.status === 'invalid') {
    damage.push(`its snapshot ${snapshotPath} is unusable (${snapshot.reason})`);
    if (quarantine) {
      const moved = await quarantineFile(snapshotPath, runDir, 'snapshot', 'json');
      quarantined.push(moved);
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

  // Each event is folded as it is read, so a long log is never held in memory as events.
  let previous = 0;
  let foreign = 0;
  let ownEvents = 0;
  const gaps: string[] = [];
  const fold = (event: RunEvent, offset: number, bytes: number): void => {
    if (event.runId !== runId) {
      foreign++;
      return;
    }
    ownEvents++;
    if (event.type === 'plan.ready' && offset >= 0) planRecord = { offset, bytes, plan: event.plan };
    if (event.seq > snapshotSeq) {
      const after = Math.max(previous, snapshotSeq);
      if (event.seq !== after + 1)
        gaps.push(
          `${logPath}: events ${after + 1} to ${event.seq - 1} are missing; the run continues from event ${event.seq}.`,
        );
      applyRunEvent(state, event);
    }
    previous = event.seq;
  };
  let log: EventLogReadResult;
  try {
    log = await readEventLog(logPath, {
      ...(fromOffset === undefined ? {} : { fromOffset }),
      liveWriter: options.liveWriter ?? false,
      onEvent: fold,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `Could not read ${logPath} of run "${runId}": ${errorMessage(err)}. Check the file's permissions.`,
        { cause: err },
      );
    }
    if (snapshot.status === 'invalid') {
      damage.push(`its event log ${logPath} is missing`);
      throw unreadable(runDir, runId, damage, quarantined, quarantine);
    }
    if (snapshot.status === 'missing') {
      // Both files gone, but their quarantined copies are there: the run was found unreadable before.
      const earlier = await quarantinedFiles(runDir);
      if (earlier.length > 0)
        throw new UnreadableRunError(
          `Run "${runId}" cannot be read: its snapshot and event log are missing, and the damaged files found earlier are in ${earlier.join(', ')}. ` +
            `${NEXT_STEP} Remove the folder ${runDir} once you no longer need those copies.`,
          earlier,
        );
    }
    if (snapshot.status !== 'missing' || snapshotSeq > 0)
      warnings.push(`The event log ${logPath} of run "${runId}" is missing.`);
    return { state, warnings, ...(planRecord ? { planRecord } : {}) };
  }
  warnings.push(...log.warnings);
  if (
    snapshot.status !== 'ok' &&
    ownEvents === 0 &&
    (snapshot.status === 'invalid' || log.skippedLines > 0 || log.eventCount > 0)
  ) {
    // Nothing of the run survives: an empty run shown instead would hide the loss, and resume would start over.
    const first = (log.warnings[0] ?? 'its events belong to another run')
      .replace(`${logPath}: `, '')
      .replace(/\.$/, '');
    damage.push(
      `its event log ${logPath} holds no readable event of the run (${log.skippedLines + log.eventCount} lines; first problem: ${first})`,
    );
    if (quarantine) quarantined.push(await quarantineFile(logPath, runDir, 'events', 'jsonl'));
    throw unreadable(runDir, runId, damage, quarantined, quarantine);
  }
  if (log.damagedRecords.length > 0) warnings.push(await damagedLogWarning(runDir, runId, logPath, log, quarantine));

  warnings.push(...gaps);
  if (foreign > 0) warnings.push(`${logPath}: skipped ${foreign} events that belong to another run.`);
  // Reading from the snapshot's offset already proved the log reaches it; a full read must show it.
  if (log.startOffset === 0 && previous < snapshotSeq) {
    warnings.push(
      `${logPath} ends at event ${previous}, but the snapshot holds events up to ${snapshotSeq}; ` +
        'the run continues from the snapshot, and the log lacks those events.',
    );
  }
  return { state, warnings, ...(planRecord ? { planRecord } : {}) };
}

const NEXT_STEP = 'The run cannot be resumed or shown; start its goal again as a new run.';

/**
 * Records whose checksum failed were damaged after they were written (a bad disk, an edit by hand):
 * their events are not folded, so the owner keeps a copy of the log as it is in `quarantine/` and
 * the warning says which records, where the copy is, and what the run now lacks.
 */
async function damagedLogWarning(
  runDir: string,
  runId: string,
  logPath: string,
  log: EventLogReadResult,
  quarantine: boolean,
): Promise<string> {
  const offsets = log.damagedRecords;
  const where = `${offsets.length === 1 ? 'a damaged record' : `${offsets.length} damaged records`} (checksum mismatch at byte ${offsets.slice(0, 5).join(', ')}${offsets.length > 5 ? ', …' : ''})`;
  const consequence =
    'the run continues without the events they held, so a step they recorded may run again; inspect the copy, or start the goal again as a new run if that is not safe.';
  if (!quarantine)
    return `The event log ${logPath} of run "${runId}" has ${where}. A copy will be kept in ${join(runDir, QUARANTINE_DIR)} when the run is next opened; ${consequence}`;
  const copy = await quarantineCopy(logPath, runDir, `events-damaged-at-${offsets[0]}.jsonl`);
  return `The event log ${logPath} of run "${runId}" has ${where}. Kept a copy of the log as it is in ${copy}; ${consequence}`;
}

/** The error for a run of which nothing could be recovered, after its files were (or were not) quarantined. */
function unreadable(
  runDir: string,
  runId: string,
  damage: readonly string[],
  quarantined: readonly string[],
  moved: boolean,
): UnreadableRunError {
  const where = moved
    ? `Moved the damaged files to ${quarantined.join(' and ')} for inspection.`
    : `They will be moved to ${join(runDir, QUARANTINE_DIR)} the next time the run is opened (resume or show) while no other process owns it.`;
  return new UnreadableRunError(
    `Run "${runId}" cannot be read: ${damage.join(', and ')}, so nothing of it could be recovered. ${where} ${NEXT_STEP}`,
    quarantined,
  );
}

/** The files already in a run's quarantine folder, oldest first. */
async function quarantinedFiles(runDir: string): Promise<string[]> {
  const dir = join(runDir, QUARANTINE_DIR);
  try {
    return (await readdir(dir)).sort().map((name) => join(dir, name));
  } catch {
    return [];
  }
}
