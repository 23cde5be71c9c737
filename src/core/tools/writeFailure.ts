import { errorMessage } from '../common/errors';
import { TaskFailure } from '../model/failure';
import type { Finding } from '../model/finding';

/** What an OS error code means for a write, and what the user can do about it. */
interface WriteErrorMeaning {
  what: string;
  remedy: string;
}

/**
 * The codes that mean the machine refused the write (Node's errno codes and `vscode.FileSystemError`
 * codes). Codes that mean the agent named a bad path (ENOTDIR, EISDIR, EEXIST) are left to the
 * model to correct.
 */
const MEANINGS: Readonly<Record<string, WriteErrorMeaning>> = {
  EACCES: { what: 'read-only or permission denied', remedy: 'make the file and its folder writable' },
  EPERM: { what: 'operation not permitted', remedy: 'make the file and its folder writable' },
  EROFS: { what: 'read-only file system', remedy: 'mount the workspace writable' },
  ENOSPC: { what: 'disk full', remedy: 'free disk space' },
  EDQUOT: { what: 'disk quota exceeded', remedy: 'free disk space or raise the quota' },
  EFBIG: { what: 'file too large for the file system', remedy: 'check the file system' },
  EIO: { what: 'input/output error', remedy: 'check the disk' },
  EBUSY: { what: 'file busy', remedy: 'close what holds the file' },
  ETXTBSY: { what: 'file busy (a running program)', remedy: 'stop the program that runs it' },
  EMFILE: { what: 'too many open files', remedy: 'close other programs or raise the open-file limit' },
  ENFILE: { what: 'too many open files on the system', remedy: 'close other programs' },
  NoPermissions: { what: 'read-only or permission denied', remedy: 'make the file and its folder writable' },
  Unavailable: { what: 'file system unavailable', remedy: 'check the disk or network share' },
};

/** The error's code when it says the machine refused the write (`EACCES`, `ENOSPC`, `NoPermissions`…). */
export function writeErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && Object.hasOwn(MEANINGS, code) ? code : undefined;
}

/** "EACCES: read-only or permission denied", "ENOSPC: disk full"; the error's message for another code. */
export function describeWriteError(code: string, err: unknown): string {
  const meaning = MEANINGS[code];
  return meaning === undefined ? `${code}: ${errorMessage(err)}` : `${code}: ${meaning.what}`;
}

/**
 * Turns a failed apply into a finding against the task and the failure that ends it: the finding
 * names the file and the OS reason, so the run's summary says why nothing was written. An OS error
 * is fatal (retrying the same write cannot help until the user acts); a `TaskFailure` the port threw
 * keeps its class (the host pauses for a read-only file), and gains the finding.
 */
export function failedWrite(
  path: string,
  deleting: boolean,
  err: unknown,
): { finding: Omit<Finding, 'taskId'>; failure: TaskFailure } | undefined {
  const code = writeErrorCode(err);
  if (code === undefined && !(err instanceof TaskFailure)) return undefined;
  const verb = deleting ? 'delete' : 'write';
  const remedy = code === undefined ? undefined : MEANINGS[code]?.remedy;
  const message =
    err instanceof TaskFailure
      ? `Could not ${verb} ${path}: ${err.message}`
      : `Could not ${verb} ${path} (${describeWriteError(code ?? '', err)}); nothing was changed. ` +
        `${remedy === undefined ? 'Fix the cause' : capitalise(remedy)}, then retry the task.`;
  const finding: Omit<Finding, 'taskId'> = {
    severity: 'major',
    category: 'custom',
    message,
    location: path,
    key: `write-failed:${path}:${code ?? 'refused'}`,
  };
  const failure = err instanceof TaskFailure ? err : new TaskFailure(message, 'fatal', { cause: err });
  return { finding, failure };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
