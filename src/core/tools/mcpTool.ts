import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TaskContext } from '../task/agent';
import { neutraliseText } from '../common/visibleText';
import type { CommandProposal, McpCallShown } from './approvalPort';
import { approveCommandOnce } from './approveCommandOnce';
import { effectOnce } from './effectOnce';
import { commandEpoch } from './runCommandTool';
import type { ToolContext } from './toolContext';
import type { ToolDefinition, ToolResult } from './toolDefinition';
import { errorResult } from './toolResults';
import { rejectionText } from './rejectionText';

/** Longest argument text in the one-line `command` of an approval; the rest is counted, not hidden silently. */
const MAX_SHOWN_ARGS = 2000;

/** Longest indented argument text an approval prompt shows; the rest is counted. */
const MAX_PROMPT_ARGS = 20_000;

/** JSON's own escapes of control characters (`\u001b`): hidden characters the prompt should warn about. */
const JSON_CONTROL_ESCAPE = /\\u00[01][0-9a-f]/gi;

/**
 * The arguments as an approval prompt shows them: indented JSON (which escapes C0 controls), then
 * every other hidden or control character (C1, bidi, zero-width) made an escape; cut at a bound
 * that is stated, never silently.
 */
export function mcpCallShown(server: string, tool: string, args: Record<string, unknown>): McpCallShown {
  const json = JSON.stringify(args, null, 2);
  const { text, neutralised } = neutraliseText(json);
  const hiddenCharacters = neutralised + (json.match(JSON_CONTROL_ESCAPE)?.length ?? 0);
  const cut = text.length > MAX_PROMPT_ARGS;
  return {
    server,
    tool,
    arguments: cut ? text.slice(0, MAX_PROMPT_ARGS) : text,
    notShown: cut ? text.length - MAX_PROMPT_ARGS : 0,
    hiddenCharacters,
  };
}

/** Calls one tool of one server; the hub implements it. */
export interface McpCaller {
  callTool(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ content: string; isError: boolean }>;
}

/** One tool a server listed, as the engine offers it. */
export interface McpToolInfo {
  server: string;
  /** The tool's name on its server. */
  tool: string;
  /** `mcp__<server>__<tool>`, sanitised. */
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

const StoredCall = z.object({ content: z.string(), isError: z.boolean() });

/** What the model is told of a call a crash cut short: not made again, and why. */
function interruptedText(name: string): ToolResult {
  return {
    content:
      `${name} was interrupted by a crash (or a stop of the run) before its result came back; the server may have done ` +
      'all of its work, part of it, or none, and it was not called again when the run was resumed. Check what it did ' +
      `if you can; to call it again, call ${name} again: that is a new call, asked like any other.`,
    isError: true,
    data: { interrupted: true, replayed: true },
  };
}

/**
 * An MCP tool as an agent tool. Every call goes through the policy like a built-in tool (an MCP
 * tool asks unless a user rule allows it): deny refuses, ask goes to a person through the command
 * approval of the approval port. The approval and the call are journaled steps keyed like
 * run_command's (epoch, arguments, occurrence), so a resume neither asks twice nor calls twice.
 * The result the journal keeps is already bounded and scrubbed by the hub.
 */
export function mcpToolDefinition(caller: McpCaller, info: McpToolInfo): ToolDefinition<ToolContext> {
  const occurrences = new WeakMap<TaskContext, Map<string, number>>();
  return {
    name: info.name,
    description: info.description || `Tool "${info.tool}" of the MCP server "${info.server}".`,
    parameters: z.record(z.string(), z.unknown()),
    jsonSchema: info.schema,
    async run(raw, ctx): Promise<ToolResult> {
      const args = raw as Record<string, unknown>;
      const verdict = await ctx.policy.evaluate({ kind: 'tool', tool: info.name });
      if (verdict.decision === 'deny')
        return errorResult(`${info.name} was refused: ${verdict.reason}. Do without it.`, { refused: true });
      if (verdict.decision === 'ask' && ctx.approvals.decideCommand === undefined)
        return errorResult(
          `${info.name} needs a person's approval (${verdict.reason}), and nobody can be asked here; it was not called.`,
          { refused: true },
        );
      const { task } = ctx;
      const argText = JSON.stringify(args);
      const id = createHash('sha256')
        .update(JSON.stringify([info.name, argText]))
        .digest('hex')
        .slice(0, 16);
      const seen = occurrences.get(task) ?? new Map<string, number>();
      occurrences.set(task, seen);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const key = `${await commandEpoch(task)}:${id}#${n}`;

      if (verdict.decision === 'ask') {
        const shown =
          argText.length > MAX_SHOWN_ARGS
            ? `${argText.slice(0, MAX_SHOWN_ARGS)} … (${argText.length - MAX_SHOWN_ARGS} more characters not shown)`
            : argText;
        const proposal: CommandProposal = {
          approvalId: `${task.task.id}:mcp:${key}`,
          runId: task.runId,
          taskId: task.task.id,
          agentId: task.agentId,
          command: `${info.name} ${shown}`,
          argv: [],
          cwd: '.',
          // Every prompt names the server and the tool from `mcp`; the reason is the policy's own.
          reason: verdict.reason,
          mcp: mcpCallShown(info.server, info.tool, args),
        };
        const decision = await approveCommandOnce(ctx, proposal, `mcp-approval:${key}`);
        if (decision.decision === 'rejected') {
          return errorResult(
            `${info.name} was not approved (${rejectionText(decision)}); it was not called. Do without it.`,
            {
              refused: true,
            },
          );
        }
      }

      const outcome = await effectOnce(task, 'mcp', key, async () => {
        task.log.info(`MCP ${info.name}`);
        const result = await caller.callTool(info.server, info.tool, args, task.signal);
        return { content: result.content, isError: result.isError };
      });
      if (outcome.kind === 'interrupted') return interruptedText(info.name);
      const parsed = StoredCall.safeParse(outcome.value);
      if (!parsed.success) throw new Error('The journaled MCP call result is malformed; the run state may be corrupt.');
      const note = outcome.ranNow
        ? ''
        : '\n(Recorded result: this call had completed before the run was resumed; it was not called again.)';
      return {
        content: parsed.data.content + note,
        ...(parsed.data.isError ? { isError: true } : {}),
        data: { replayed: !outcome.ranNow },
      };
    },
  };
}
