import type { ToolContext } from './toolContext';
import type { ToolResult } from './toolDefinition';
import { errorResult } from './toolResults';

/**
 * Asks the policy whether a tool without a path or command may run at all, so a user rule such as
 * `{ effect: "deny", tool: "send_message" }` holds. Returns the error result to hand back, or
 * undefined when it may run. `ask` counts as no: these tools have no approval flow.
 */
export async function checkToolPolicy(ctx: ToolContext, tool: string): Promise<ToolResult | undefined> {
  const verdict = await ctx.policy.evaluate({ kind: 'tool', tool });
  if (verdict.decision === 'allow') return undefined;
  const why = verdict.decision === 'deny' ? 'is not allowed' : 'needs an approval this tool cannot ask for';
  return errorResult(`Using ${tool} ${why}: ${verdict.reason}. Do without it.`);
}
