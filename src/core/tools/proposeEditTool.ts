import { createHash } from 'node:crypto';
import { changesPackageScripts } from '../policy/packageScripts';
import { isProtectedPath } from '../policy/protectedPaths';
import { applySearchReplace } from './applySearchReplace';
import type { EditProposal } from './approvalPort';
import { approveEditOnce } from './approveEditOnce';
import type { EditLedger } from './editLedger';
import type { ReadLedger } from './readLedger';
import { isDeclaredWrite, normaliseWorkspacePath } from './isDeclaredWrite';
import { ProposeEditArgsSchema } from './proposeEditArgs';
import type { EditChange } from './proposeEditArgs';
import type { ToolContext } from './toolContext';
import { defineTool } from './toolDefinition';
import type { ToolDefinition, ToolResult } from './toolDefinition';
import { errorResult, textResult } from './toolResults';
import { rejectionText } from './rejectionText';
import { failedWrite } from './writeFailure';
import { checkpointOnce } from './taskCheckpoint';

/** The name the tool is called by. */
export const PROPOSE_EDIT_TOOL = 'propose_edit';

/** How often one identical change (same content before and after) may be applied within a task. */
const MAX_OCCURRENCES = 20;

/** Thrown inside the apply step when the file no longer is what the proposal was based on; nothing is written. */
class StaleProposalError extends Error {
  override readonly name = 'StaleProposalError';
}

/**
 * The journal key of one edit: the path and a hash of the change (content before and after). Hashing
 * only the content after would let an approval given for one diff (A → B) be replayed for another
 * (C → B) that the user never saw.
 */
export function editStepKey(path: string, before: string | undefined, after: string | undefined): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([before ?? null, after ?? null]))
    .digest('hex')
    .slice(0, 16);
  return `edit:${path}:${digest}`;
}

/**
 * propose_edit: policy write check → write lock (declared, else claimed without waiting) → new
 * content computed from the current file → a checkpoint before the task's first edit → approval
 * exactly once → applied exactly once, only if the file is still what the proposal was based on.
 * Every step that has a side effect runs in `ctx.task.step`, so a resume after a crash neither asks
 * again nor writes again. When the same change comes back after being undone (A → B → A → B), the
 * replayed apply no longer matches the file, so the change runs as a new occurrence (`key#2`) with a
 * fresh approval. An identical change the user rejected is not asked about again.
 */
export function proposeEditTool(ledger: EditLedger, reads?: ReadLedger): ToolDefinition<ToolContext> {
  return defineTool<ToolContext, typeof ProposeEditArgsSchema>({
    name: PROPOSE_EDIT_TOOL,
    description:
      'Change a workspace file. Give "path" and exactly one of: "content" (the whole new file; creates it if missing), ' +
      '"edits" (search/replace blocks; each search must be copied exactly from the file and occur once), or "delete": true. ' +
      "The edit may need the user's approval; the result says whether it was applied.",
    parameters: ProposeEditArgsSchema,
    run: (args, ctx) => proposeEdit(args.path, args.change, ctx, ledger, reads),
  });
}

async function proposeEdit(
  requested: string,
  change: EditChange,
  ctx: ToolContext,
  ledger: EditLedger,
  reads: ReadLedger | undefined,
): Promise<ToolResult> {
  const { task } = ctx;
  const verdict = await ctx.policy.evaluate({ kind: 'write', tool: PROPOSE_EDIT_TOOL, path: requested });
  if (verdict.decision === 'deny') return errorResult(`Editing ${requested} is not allowed: ${verdict.reason}`);
  const resolved = verdict.resolvedPath;
  const path = resolved?.relative ?? normaliseWorkspacePath(requested);
  // Defence in depth: a protected path asks a human even if a policy implementation forgot to flag it.
  const isProtected =
    verdict.requiresFreshApproval === true ||
    isProtectedPath(path) ||
    (resolved !== undefined && isProtectedPath(resolved.realRelative));

  if (!isDeclaredWrite(task.task.writes, path) && !task.claimWrite(path)) {
    return errorResult(
      `Another task is editing ${path}; edit other files first, or finish and report that ${path} needs the change.`,
    );
  }

  const before = await ctx.workspace.readFile(path);
  let after: string | undefined;
  if (change.kind === 'delete') {
    if (before === undefined) return textResult(`No change: ${path} does not exist, so there is nothing to delete.`);
    after = undefined;
  } else if (change.kind === 'content') {
    // Whole-file content rests on the agent's last look at the file; written over a newer file it would undo a change.
    if (reads?.changedSinceSeen(task, path, before))
      return errorResult(
        `${path} changed since you last read it (another task, run or person edited it), so writing your whole-file content would undo that change. Nothing was written. Read ${path} again and propose the edit anew, or use search/replace "edits".`,
      );
    after = change.content;
  } else {
    if (before === undefined)
      return errorResult(
        `${path} does not exist, so search/replace edits cannot apply; to create it, give its whole "content".`,
      );
    const edited = applySearchReplace(before, change.edits, path);
    if (!edited.ok) return errorResult(edited.message);
    after = edited.content;
  }
  if (after === before) return textResult(`No change: ${path} already has this content.`, { unchanged: true, path });
  // A script is a command: changing one needs the same fresh approval as a protected file (checklist 27).
  const scriptsChanged = changesPackageScripts(path, before, after);

  // Started with the task's first model turn when the agent may edit; awaited here, before any approval or write.
  await checkpointOnce(ctx);

  const key = editStepKey(path, before, after);
  const base = {
    runId: task.runId,
    taskId: task.task.id,
    agentId: task.agentId,
    path,
    before,
    after,
    reason: scriptsChanged
      ? `${verdict.reason}; it changes the scripts of ${path}, which run as commands, so it needs a fresh approval`
      : verdict.reason,
    protected: isProtected || scriptsChanged,
    policy: verdict.decision,
  };
  // Occurrence n of the same change: n > 1 only when an identical earlier edit was applied and undone since.
  for (let n = 1; n <= MAX_OCCURRENCES; n++) {
    const stepKey = n === 1 ? key : `${key}#${n}`;
    const proposal: EditProposal = { approvalId: `${task.task.id}:${stepKey}`, ...base };
    const decision = await approveEditOnce(ctx, proposal, `approval:${stepKey}`, verdict.decision === 'allow');
    if (decision.decision === 'rejected') {
      return textResult(
        `The edit of ${path} was ${rejectionText(decision)}. ` +
          'Nothing was written. Do not propose the same change again; take another approach, or finish and report what is blocked.',
        { rejected: true },
      );
    }
    const target = decision.content ?? after;
    let ranNow = false;
    try {
      await task.step(`apply:${stepKey}`, async () => {
        ranNow = true;
        const current = await ctx.workspace.readFile(path);
        if (current !== target) {
          if (current !== before) throw new StaleProposalError(path);
          if (target === undefined) await ctx.workspace.deleteFile(path);
          else await ctx.workspace.writeFile(path, target);
        }
        task.record({
          type: 'edit.applied',
          taskId: task.task.id,
          approvalId: proposal.approvalId,
          path,
          ...(target === undefined ? { deleted: true } : {}),
        });
        return { applied: true, deleted: target === undefined };
      });
    } catch (err) {
      if (!(err instanceof StaleProposalError)) {
        // A write the OS refused (read-only, disk full) fails the task with a finding; the run cannot look successful.
        const failed = failedWrite(path, target === undefined, err);
        if (failed === undefined) throw err;
        task.report(failed.finding);
        throw failed.failure;
      }
      return errorResult(
        `${path} changed since the edit was proposed, so it was not written. Read it again and propose the edit anew.`,
      );
    }
    // A replayed apply is this very edit finished before a crash only if the file still shows it.
    if (!ranNow && (await ctx.workspace.readFile(path)) !== target) continue;
    ledger.add(task, path);
    reads?.saw(task, path, target);
    const verb = target === undefined ? 'Deleted' : before === undefined ? 'Created' : 'Updated';
    const changedByUser = decision.content !== undefined && decision.content !== after;
    const note = changedByUser
      ? ` The user changed your proposal before accepting it; read ${path} again before editing it further.`
      : '';
    return textResult(`${verb} ${path}.${note}`, { applied: true, path, deleted: target === undefined });
  }
  return errorResult(
    `This exact change to ${path} was applied and undone ${MAX_OCCURRENCES} times; stop and report the conflict instead of repeating it.`,
  );
}
