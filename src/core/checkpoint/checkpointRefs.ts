import type { Checkpoint } from './checkpointPort';

/** Every ref this extension writes lives under here, outside branches, tags and the stash. */
export const REF_ROOT = 'refs/agent-orchestrator';
const CHECKPOINTS = `${REF_ROOT}/checkpoints`;
const UNDO = `${REF_ROOT}/undo`;
const SUBJECT_PREFIX = 'Agent Orchestrator checkpoint: ';
const MAX_LABEL = 200;

/** `for-each-ref` format for `parseCheckpointList`: unit and record separators keep multi-line messages intact. */
export const LIST_FORMAT = '%(objectname)%1f%(refname)%1f%(committerdate:unix)%1f%(contents)%1e';

/** The prefix (with trailing slash) of a run's checkpoint refs. */
export function runCheckpointPrefix(runId: string): string {
  return `${CHECKPOINTS}/${refComponent(runId, 'run id')}/`;
}

/** The prefix (with trailing slash) of a run's undo refs, written by rollbacks. */
export function runUndoPrefix(runId: string): string {
  return `${UNDO}/${refComponent(runId, 'run id')}/`;
}

/** `refs/agent-orchestrator/checkpoints/<run>/<task>/<sequence>`. */
export function checkpointRef(runId: string, taskId: string, sequence: number): string {
  return `${runCheckpointPrefix(runId)}${refComponent(taskId, 'task id')}/${sequence}`;
}

/** The highest sequence number among refs ending in `/<n>`; 0 when there are none. */
export function maxSequence(refNames: readonly string[]): number {
  let max = 0;
  for (const name of refNames) {
    const n = Number(/\/(\d+)$/.exec(name)?.[1] ?? 0);
    if (n > max) max = n;
  }
  return max;
}

/** The commit message of a checkpoint; `parseCheckpointList` reads label and time back from it. */
export function checkpointMessage(label: string, runId: string, taskId: string, createdAt: number): string {
  return `${SUBJECT_PREFIX}${cleanLabel(label)}\n\nRun: ${oneLine(runId)}\nTask: ${oneLine(taskId)}\nCreated-At: ${createdAt}\n`;
}

/** Reads the output of `for-each-ref --format=LIST_FORMAT <runCheckpointPrefix>` into checkpoints, in run order. */
export function parseCheckpointList(output: string, runId: string): Checkpoint[] {
  const prefix = runCheckpointPrefix(runId);
  const checkpoints: Checkpoint[] = [];
  for (const record of output.split('\x1e')) {
    const [id, ref, committed, message] = record.replace(/^\n/, '').split('\x1f');
    if (!id || !ref || !ref.startsWith(prefix) || message === undefined) continue;
    const match = /^([^/]+)\/(\d+)$/.exec(ref.slice(prefix.length));
    if (!match?.[1] || !match[2]) continue;
    const createdAt = Number(/^Created-At: (\d+)$/m.exec(message)?.[1] ?? Number(committed) * 1000);
    const subject = message.split('\n', 1)[0] ?? '';
    checkpoints.push({
      id,
      ref,
      runId,
      taskId: decodeURIComponent(match[1]),
      label: subject.startsWith(SUBJECT_PREFIX) ? subject.slice(SUBJECT_PREFIX.length) : subject,
      sequence: Number(match[2]),
      createdAt,
    });
  }
  return checkpoints.sort((a, b) => a.sequence - b.sequence);
}

/**
 * Encodes an id as one valid ref component: every byte outside `[A-Za-z0-9_-]` becomes `%XX`,
 * which rules out `..`, `.lock`, a leading dot and git's forbidden characters, and stays reversible.
 */
export function refComponent(id: string, what: string): string {
  if (id.length === 0) throw new Error(`A checkpoint ${what} must not be empty.`);
  return Array.from(Buffer.from(id, 'utf8'))
    .map((byte) => {
      const ch = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function cleanLabel(label: string): string {
  const line = oneLine(label).trim().slice(0, MAX_LABEL);
  return line.length > 0 ? line : '(no label)';
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters would break the message and the list format
  return text.replace(/[\x00-\x1f\x7f]/g, ' ');
}
