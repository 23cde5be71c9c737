// Reading the arguments the approval commands receive from menus, CodeLenses, the run tree and
// other code, free of `vscode` so it can be unit-tested. Anything malformed reads as "not given".
import type { ApprovalDecision } from '../../core/tools/approvalPort';

/** An edit already applied, as the run tree names it for "Open Edit". */
export interface AppliedEditRef {
  path: string;
  runId: string;
  taskId: string;
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An approval id given as a string or as `{ approvalId }`. */
export function approvalIdArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg === '' ? undefined : arg;
  return isRecord(arg) && typeof arg.approvalId === 'string' && arg.approvalId !== '' ? arg.approvalId : undefined;
}

/** A run id given as a string or as a tree element carrying `runId`. */
export function runIdArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg === '' ? undefined : arg;
  return isRecord(arg) && typeof arg.runId === 'string' && arg.runId !== '' ? arg.runId : undefined;
}

/** `{ path, runId, taskId }` of an applied edit. */
export function appliedEditArg(arg: unknown): AppliedEditRef | undefined {
  if (!isRecord(arg)) return undefined;
  const { path, runId, taskId } = arg;
  return typeof path === 'string' && typeof runId === 'string' && typeof taskId === 'string'
    ? { path, runId, taskId }
    : undefined;
}

/** The `(approvalId, hunkIndex)` a hunk CodeLens passes. */
export function hunkArgs(approvalId: unknown, index: unknown): { approvalId: string; index: number } | undefined {
  return typeof approvalId === 'string' && typeof index === 'number' && Number.isInteger(index) && index >= 0
    ? { approvalId, index }
    : undefined;
}

/** The rejection sent to the agent: the user's reason trimmed, none when empty or skipped (Escape). */
export function rejection(reason: string | undefined): ApprovalDecision {
  const why = reason?.trim();
  return why === undefined || why === ''
    ? { decision: 'rejected', by: 'user' }
    : { decision: 'rejected', by: 'user', reason: why };
}
