import { z } from 'zod';
import type { JsonValue } from '../model/runEvents';
import type { ApprovalDecision, EditProposal } from './approvalPort';
import type { ToolContext } from './toolContext';
import { lazySchema } from '../common/lazySchema';

const ApprovalDecisionSchema = lazySchema(() =>
  z.discriminatedUnion('decision', [
    z.object({ decision: z.literal('accepted'), by: z.enum(['user', 'auto']), content: z.string().optional() }),
    z.object({ decision: z.literal('rejected'), by: z.enum(['user', 'auto']), reason: z.string().optional() }),
  ]),
);

/** What the approval port may answer, checked before it is journaled or acted on. */
export function parseApprovalDecision(value: unknown, source: string): ApprovalDecision {
  const parsed = ApprovalDecisionSchema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `${source} is not a valid approval decision: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  const d = parsed.data;
  if (d.decision === 'accepted')
    return d.content === undefined
      ? { decision: 'accepted', by: d.by }
      : { decision: 'accepted', by: d.by, content: d.content };
  return d.reason === undefined
    ? { decision: 'rejected', by: d.by }
    : { decision: 'rejected', by: d.by, reason: d.reason };
}

/** A decision as it is journaled. */
export function decisionToJson(decision: ApprovalDecision): JsonValue {
  const out: Record<string, JsonValue> = { decision: decision.decision, by: decision.by };
  if (decision.decision === 'accepted' && decision.content !== undefined) out.content = decision.content;
  if (decision.decision === 'rejected' && decision.reason !== undefined) out.reason = decision.reason;
  return out;
}

/**
 * Decides an edit exactly once across retries and crashes: inside the journaled step `stepKey` it
 * records `approval.requested`, then either accepts on the policy's behalf (`autoAccept`, never for a
 * protected path) or asks the approval port, and records `approval.decided`. A decision journaled
 * before a crash is replayed without asking again. A `TaskFailure` from the port (nobody can answer)
 * leaves the step open, so the question is asked again on resume.
 */
export async function approveEditOnce(
  ctx: ToolContext,
  proposal: EditProposal,
  stepKey: string,
  autoAccept: boolean,
): Promise<ApprovalDecision> {
  const { task } = ctx;
  const stored = await task.step(stepKey, async () => {
    const summary = describeEdit(proposal);
    task.record({
      type: 'approval.requested',
      taskId: proposal.taskId,
      approvalId: proposal.approvalId,
      kind: 'edit',
      path: proposal.path,
      summary,
      protected: proposal.protected,
    });
    const decision: ApprovalDecision =
      autoAccept && !proposal.protected
        ? { decision: 'accepted', by: 'auto' }
        : parseApprovalDecision(
            await task.timeWait('approval', proposal.path, () => ctx.approvals.decideEdit(proposal, task.signal)),
            "The approval port's answer",
          );
    task.record({
      type: 'approval.decided',
      taskId: proposal.taskId,
      approvalId: proposal.approvalId,
      decision: decision.decision,
      // The event tells the policy's own acceptance apart from an approval mode's.
      by: autoAccept && !proposal.protected ? 'policy' : decision.by,
      ...(decision.decision === 'rejected' && decision.reason !== undefined ? { reason: decision.reason } : {}),
    });
    return decisionToJson(decision);
  });
  return parseApprovalDecision(stored, `The journaled decision of step "${stepKey}"`);
}

/** "Edit src/a.ts (12 → 14 lines)", "Create …", "Delete …", for the run tree and the approval list. */
export function describeEdit(proposal: Pick<EditProposal, 'path' | 'before' | 'after'>): string {
  const lines = (text: string): number => (text === '' ? 0 : text.replace(/\r?\n$/, '').split(/\r?\n/).length);
  if (proposal.after === undefined) return `Delete ${proposal.path}`;
  if (proposal.before === undefined) return `Create ${proposal.path} (${lines(proposal.after)} lines)`;
  return `Edit ${proposal.path} (${lines(proposal.before)} → ${lines(proposal.after)} lines)`;
}
